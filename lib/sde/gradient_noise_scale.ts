import type { ObjectivePoint } from "../nn/mod.ts";
import { perSampleGradients } from "../landscape/mod.ts";
import { checkPoint } from "../landscape/_internal.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode gradientNoiseScale}. */
export interface GradientNoiseScaleOptions {
  /** The first `subset` samples, or these indices; by default all. */
  subset?: number | ArrayLike<number>;
  /**
   * Samples per per-sample-gradient pass (bounds the memory to chunkSize × d floats).
   * @default {⌊2²²/d⌋, at least 1}
   */
  chunkSize?: number;
}

/** The result of {@linkcode gradientNoiseScale}. */
export interface GradientNoiseScaleResult {
  /** McCandlish et al.'s simple noise scale B_simple = tr Σ/‖∇L‖². */
  simple: number;
  /** The median over coordinates of Σ_ii/(∂_iL)², the per-coordinate noise scale (Adam's). */
  coordinateMedian: number;
  /**
   * Σ_ii/(∂_iL)² for every coordinate (Infinity where ∂_iL = 0 < Σ_ii, NaN where both vanish,
   * e.g. a dead unit; the median skips those).
   */
  coordinateScales: Float64Array;
  /** ‖∇L‖². */
  gradientNormSquared: number;
  /** tr Σ. */
  trace: number;
  /** The samples used. */
  samples: number;
}

/**
 * The gradient noise scale at θ: how large a batch must be before its gradient noise stops
 * dominating the gradient. With per-sample gradients g_i, ∇L = mean g_i and
 * Σ = (1/n)Σ(g_i − ∇L)(g_i − ∇L)ᵀ, a minibatch of B samples drawn with replacement has noise of
 * covariance Σ/B, so the noise dominates when B ≪ B_simple = tr Σ/‖∇L‖² (McCandlish et al.).
 * Adam rescales coordinate by coordinate, so for it the per-coordinate scales Σ_ii/(∂_iL)² matter
 * (their median is returned, all of them in `coordinateScales`): the SDE of Adam, and the
 * square-root scaling rule derived from it, describe runs whose batches are small against them.
 * Float64 sums over float32 per-sample gradients, in chunks.
 *
 * @see McCandlish, Kaplan, Amodei et al., "An empirical model of large-batch training",
 * arXiv 1812.06162; Malladi, Lyu, Panigrahi, Arora, NeurIPS 2022, arXiv 2205.10287.
 *
 * @example Per-sample gradients (wx − y)x of a 1-parameter regression
 * ```ts
 * import { createDataset, disposeParams, gradientNoiseScale, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1], [2], [3]], [[1], [0], [1]]);
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[1]])];
 * // g_i = (x_i − y_i)x_i = 0, 4, 6: mean 10/3, variance (100 + 4 + 64)/27.
 * const r = await gradientNoiseScale({ model, loss: mse, data, params });
 * assert.ok(Math.abs(r.simple - (168 / 27) / (100 / 9)) < 1e-6);
 * disposeParams(params);
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters θ.
 * @param options Subset and chunk size.
 * @returns The simple and per-coordinate noise scales.
 */
export async function gradientNoiseScale(
  point: ObjectivePoint,
  options: GradientNoiseScaleOptions = {},
): Promise<GradientNoiseScaleResult> {
  checkCall("gradientNoiseScale", arguments);
  const what = "compute the gradient noise scale";
  // The model, data and parameters first: a missing one read as "0 samples" or "chunkSize NaN".
  checkPoint(point, what);
  const n = point.data.n;
  const d = point.model.numParams;
  let indices: number[];
  const subset = options.subset;
  if (subset === undefined) indices = Array.from({ length: n }, (_, i) => i);
  else if (typeof subset === "number") {
    if (!Number.isInteger(subset) || subset < 2 || subset > n) {
      throw new RangeError(
        `Cannot ${what}: subset must be an integer in [2, ${n}] (the samples in the data) or indices, current value is ${subset}`,
      );
    }
    indices = Array.from({ length: subset }, (_, i) => i);
  } else indices = Array.from(subset);
  if (indices.length < 2) {
    throw new RangeError(
      `Cannot ${what}: the noise needs at least 2 samples, current count is ${indices.length}`,
    );
  }
  const chunkSize = options.chunkSize ?? Math.max(1, Math.floor(2 ** 22 / Math.max(1, d)));
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(
      `Cannot ${what}: chunkSize must be a positive integer, current value is ${chunkSize}`,
    );
  }
  // Chan et al.'s pairwise update of mean and M2, chunk by chunk (two passes inside a chunk), so
  // a large mean does not cancel the variance.
  const mean = new Float64Array(d), m2 = new Float64Array(d);
  const chunkMean = new Float64Array(d);
  let count = 0;
  for (let start = 0; start < indices.length; start += chunkSize) {
    const piece = indices.slice(start, start + chunkSize);
    const G = perSampleGradients(point, { subset: piece });
    let g: Float32Array;
    try {
      g = await G.data() as Float32Array;
    } finally {
      G.dispose();
    }
    const b = piece.length;
    chunkMean.fill(0);
    for (let i = 0; i < b; i++) for (let j = 0; j < d; j++) chunkMean[j] += g[i * d + j];
    for (let j = 0; j < d; j++) chunkMean[j] /= b;
    const total = count + b;
    for (let j = 0; j < d; j++) {
      let chunkM2 = 0;
      for (let i = 0; i < b; i++) chunkM2 += (g[i * d + j] - chunkMean[j]) ** 2;
      const delta = chunkMean[j] - mean[j];
      m2[j] += chunkM2 + delta * delta * count * b / total;
      mean[j] += delta * b / total;
    }
    count = total;
  }
  const scales = new Float64Array(d);
  let trace = 0, norm2 = 0;
  for (let j = 0; j < d; j++) {
    const variance = m2[j] / count;
    trace += variance;
    norm2 += mean[j] * mean[j];
    scales[j] = variance / (mean[j] * mean[j]);
  }
  const sorted = scales.filter((v) => !Number.isNaN(v)).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length === 0
    ? NaN
    : sorted.length % 2 === 1
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    simple: trace / norm2,
    coordinateMedian: median,
    coordinateScales: scales,
    gradientNormSquared: norm2,
    trace,
    samples: count,
  };
}
