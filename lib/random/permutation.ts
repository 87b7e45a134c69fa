import type { Rng } from "./rng.ts";
import { checkCall } from "../_checks.ts";
import { sampleIndices } from "./_sample_indices.ts";

/**
 * A uniformly random permutation of 0..n−1 (Fisher–Yates).
 *
 * @example
 * ```ts
 * import { permutation, Rng } from "minima";
 * import assert from "node:assert/strict";
 *
 * const p = permutation(new Rng(3), 5);
 * assert.deepEqual([...p].sort(), [0, 1, 2, 3, 4]);
 * ```
 *
 * @param rng The generator.
 * @param n The length, a non-negative integer.
 * @returns The permutation.
 */
export function permutation(rng: Rng, n: number): Int32Array {
  checkCall("permutation", arguments);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(
      `Cannot draw a permutation: n must be a non-negative integer, current value is ${n}`,
    );
  }
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.integer(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * k distinct indices from 0..n−1, uniformly, in random order (a partial Fisher–Yates).
 *
 * @example A minibatch without replacement
 * ```ts
 * import { Rng, sampleWithoutReplacement } from "minima";
 * import assert from "node:assert/strict";
 *
 * const batch = sampleWithoutReplacement(new Rng(0), 100, 8);
 * assert.equal(new Set(batch).size, 8);
 * ```
 *
 * @param rng The generator.
 * @param n The population size.
 * @param k How many to draw, at most n.
 * @returns The indices.
 */
export function sampleWithoutReplacement(rng: Rng, n: number, k: number): Int32Array {
  checkCall("sampleWithoutReplacement", arguments);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(
      `Cannot sample without replacement: n must be a non-negative integer, current value is ${n}`,
    );
  }
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(
      `Cannot sample without replacement: k must be an integer in [0, n = ${n}], current value is ${k}`,
    );
  }
  return sampleIndices(rng, n, k);
}
