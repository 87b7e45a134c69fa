import { checkCall } from "../_checks.ts";
/** Options for {@linkcode tailIndex}. */
export interface TailIndexOptions {
  /**
   * The block length K₁ (the samples are summed in blocks of K₁).
   * @default {⌊√K⌋ for K samples}
   */
  blockSize?: number;
}

/** The result of {@linkcode tailIndex}. */
export interface TailIndexResult {
  /** The estimated tail index α̂ (not clipped to (0, 2]: values above 2 mean lighter than any stable tail). */
  alpha: number;
  /** The block length K₁. */
  blockSize: number;
  /** The number of blocks K₂. */
  blocks: number;
  /** The samples used, K₁K₂ (the first ones). */
  used: number;
  /** Exact zeros skipped in the logarithms (a zero has no log). */
  zeros: number;
}

/**
 * The block-sum tail-index estimator of Mohammadi, Mohammadpour and Ogata (2015), the one
 * Şimşekli et al. apply to stochastic gradient noise: for centered symmetric α-stable samples
 * X_1 ... X_K with K = K₁K₂ and block sums Y_i = Σ_{j=1}^{K₁} X_{(i−1)K₁+j},
 * 1/α̂ = (mean_i log|Y_i| − mean_j log|X_j|)/log K₁,
 * because a sum of K₁ independent copies is K₁^{1/α} times one copy in law. Pass centered noise
 * (e.g. minibatch gradient minus full gradient, all coordinates pooled).
 *
 * @see Mohammadi, Mohammadpour, Ogata, "On estimating the tail index and the spectral measure of
 * multivariate α-stable distributions", Metrika 78 (2015); Şimşekli, Sagun, Gürbüzbalaban,
 * ICML 2019, arXiv 1901.06053; Zhou et al., NeurIPS 2020, arXiv 2010.05627.
 *
 * @example Cauchy samples have α = 1
 * ```ts
 * import { fillStable, Rng, tailIndex } from "minima";
 * import assert from "node:assert/strict";
 *
 * const x = fillStable(new Rng(1), new Float64Array(40_000), 1);
 * assert.ok(Math.abs(tailIndex(x).alpha - 1) < 0.1);
 * ```
 *
 * @param samples The noise samples (at least 4).
 * @param options The block length.
 * @returns α̂ and the blocking used.
 */
export function tailIndex(
  samples: ArrayLike<number>,
  options: TailIndexOptions = {},
): TailIndexResult {
  checkCall("tailIndex", arguments);
  const what = "estimate the tail index";
  const K = samples?.length;
  if (!Number.isInteger(K) || K < 4) {
    throw new RangeError(
      `Cannot ${what}: samples must hold at least 4 values, current length is ${K}`,
    );
  }
  const k1 = options.blockSize ?? Math.floor(Math.sqrt(K));
  if (!Number.isInteger(k1) || k1 < 2 || k1 > K / 2) {
    throw new RangeError(
      `Cannot ${what}: blockSize must be an integer in [2, K/2] = [2, ${
        Math.floor(K / 2)
      }], current value is ${k1}`,
    );
  }
  const k2 = Math.floor(K / k1), used = k1 * k2;
  let logX = 0, nX = 0, logY = 0, nY = 0, zeros = 0;
  for (let i = 0; i < k2; i++) {
    let y = 0;
    for (let j = i * k1; j < (i + 1) * k1; j++) {
      const x = samples[j];
      if (!Number.isFinite(x)) {
        throw new RangeError(`Cannot ${what}: samples must be finite, but samples[${j}] = ${x}`);
      }
      y += x;
      if (x === 0) {
        zeros++;
        continue;
      }
      logX += Math.log(Math.abs(x));
      nX++;
    }
    if (y !== 0) {
      logY += Math.log(Math.abs(y));
      nY++;
    }
  }
  if (nX === 0 || nY === 0) {
    throw new RangeError(`Cannot ${what}: the samples are all zero`);
  }
  const inverse = (logY / nY - logX / nX) / Math.log(k1);
  return { alpha: 1 / inverse, blockSize: k1, blocks: k2, used, zeros };
}
