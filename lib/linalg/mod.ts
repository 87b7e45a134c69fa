/**
 * Float64 matrix-free linear algebra: operators, power iteration, Lanczos, trace and spectral
 * density estimators. Plain TypeScript, no tensors.
 *
 * @module
 */
export * from "./linear_operator.ts";
