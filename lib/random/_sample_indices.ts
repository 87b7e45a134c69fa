import type { Rng } from "./rng.ts";

/**
 * k distinct indices from 0..n−1 in random order (a partial Fisher–Yates over a sparse swap map,
 * O(k) in time and memory even for huge n), without the argument checks of
 * {@linkcode sampleWithoutReplacement}: `train` draws a minibatch with it at every step, from
 * sizes it has checked once.
 *
 * @param rng The generator.
 * @param n The population size, a non-negative integer.
 * @param k How many to draw, an integer in [0, n].
 * @returns The indices.
 */
export function sampleIndices(rng: Rng, n: number, k: number): Int32Array {
  const swapped = new Map<number, number>();
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const j = i + rng.integer(n - i);
    const vj = swapped.get(j) ?? j;
    const vi = swapped.get(i) ?? i;
    out[i] = vj;
    swapped.set(j, vi);
  }
  return out;
}
