import { tf } from "../backend/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import {
  checkChunkSize,
  checkPerSample,
  chunkPerSampleGradients,
  DEFAULT_CHUNK_SIZE,
  makeChunks,
  PER_SAMPLE_BUDGET,
  splitChunk,
} from "./_autodiff.ts";
import { checkPoint } from "./_point.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode perSampleGradients}. */
export interface PerSampleGradientsOptions {
  /** The first `subset` samples, or these indices; by default all. */
  subset?: number | ArrayLike<number>;
  /**
   * Samples per batched pass; by default as many as keep one pass under 2²² float32 entries per
   * parameter tensor (4M/d samples).
   */
  chunkSize?: number;
}

/**
 * The per-sample gradients gᵢ = ∇θ ℓ(f(θ; xᵢ), yᵢ) as a matrix G of shape [n, d] (row i is gᵢ
 * flattened like `flattenParams`). For models that take per-sample parameters (all of minima's
 * MLPs) each chunk is one batched pass; other models fall back to a loop over samples.
 *
 * Memory is n·d float32 entries: use a subset for large models.
 *
 * @example The per-sample gradients of ½(wx − y)² are (wx − y)x
 * ```ts
 * import { createDataset, mlp, mse, perSampleGradients, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1], [2]], [[0], [1]]);
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[3]])];
 * const g = perSampleGradients({ model, loss: mse, data, params });
 * assert.deepEqual(await g.array(), [[3], [10]]);
 * g.dispose();
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Subset and chunk size.
 * @returns G, [n, d], owned by the caller.
 */
export function perSampleGradients(
  point: ObjectivePoint,
  options: PerSampleGradientsOptions = {},
): tf.Tensor2D {
  checkCall("perSampleGradients", arguments);
  const what = "compute per-sample gradients";
  checkPoint(point, what);
  checkPerSample(point.model, what);
  const d = point.model.numParams;
  const pieceSize = options.chunkSize ?? Math.max(1, Math.floor(PER_SAMPLE_BUDGET / d));
  checkChunkSize(pieceSize, what);
  const chunks = makeChunks(point.data, options.subset, DEFAULT_CHUNK_SIZE, what, point.model);
  try {
    return tf.tidy(() => {
      const rows: tf.Tensor2D[] = [];
      for (const chunk of chunks.chunks) {
        for (const piece of splitChunk(chunk, pieceSize)) {
          const grads = chunkPerSampleGradients(point.model, point.loss, point.params, piece);
          rows.push(tf.concat(grads.map((g) => tf.reshape(g, [piece.n, -1])), 1) as tf.Tensor2D);
        }
      }
      return rows.length === 1 ? rows[0] : tf.concat(rows, 0);
    });
  } finally {
    chunks.dispose();
  }
}
