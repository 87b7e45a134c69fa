/**
 * Seeded random numbers: uniform, normal, Rademacher, α-stable, permutations. No `Math.random`.
 *
 * @module
 */
export * from "./rng.ts";
export * from "./stable.ts";
export * from "./permutation.ts";
