/**
 * Seeded random numbers: uniform, normal, Rademacher, α-stable, permutations. No `Math.random`:
 * the same seed gives the same numbers on every machine.
 *
 * Imported alone as `minima/random` (no TensorFlow.js):
 *
 * ```ts
 * import { Rng, stable } from "minima/random";
 * import assert from "node:assert/strict";
 *
 * const a = new Rng(7), b = new Rng(7);
 * assert.equal(a.normal(), b.normal());
 * assert.ok(Number.isFinite(stable(a, 1.5)));
 * ```
 *
 * @module
 */
export * from "./rng.ts";
export * from "./stable.ts";
export * from "./permutation.ts";
