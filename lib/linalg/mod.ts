/**
 * Matrix-free linear algebra: operators, power iteration, block Lanczos, trace and spectral
 * density estimators. Plain TypeScript, no tensors: vectors are float64 arrays, or live wherever
 * an operator's own {@linkcode VectorStore} keeps them (tensors on a device). Every estimator
 * takes a {@linkcode LinearOperator} `{ dim, matvec }`, so it is tested on explicit matrices with
 * known spectra and runs unchanged on a network's Hessian.
 *
 * Imported alone as `minima/linalg` (no TensorFlow.js):
 *
 * ```ts
 * import { denseOperator, lanczos } from "minima/linalg";
 * import assert from "node:assert/strict";
 *
 * const op = denseOperator(new Float64Array([2, 0, 0, 5]), 2);
 * const top = await lanczos(op, { k: 1 });
 * assert.ok(Math.abs(top.values[0] - 5) < 1e-9);
 * ```
 *
 * @module
 */
export * from "./linear_operator.ts";
export * from "./vector_store.ts";
export * from "./tridiagonal_eigen.ts";
export * from "./power_iteration.ts";
export * from "./lanczos.ts";
export * from "./hutchinson_trace.ts";
export * from "./hutch_plus_plus_trace.ts";
export * from "./stochastic_lanczos_quadrature.ts";
export * from "./linear_fit.ts";
export * from "./rank_correlation.ts";
