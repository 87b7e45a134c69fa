/**
 * Matrix-free linear algebra: operators, power iteration, block Lanczos, trace and spectral
 * density estimators. Plain TypeScript, no tensors: vectors are float64 arrays, or live wherever
 * an operator's own {@linkcode VectorStore} keeps them (tensors on a device).
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
