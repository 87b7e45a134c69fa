import type { ObjectivePoint } from "../nn/mod.ts";
import { chunkLoss, DEFAULT_CHUNK_SIZE, makeChunks } from "./_autodiff.ts";
import { checkPoint } from "./_point.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode evaluateLoss} and {@linkcode evaluateAccuracy}. */
export interface EvaluateOptions {
  /** The first `subset` samples, or these indices; by default all. */
  subset?: number | ArrayLike<number>;
  /**
   * Samples per forward pass.
   * @default {1024}
   */
  chunkSize?: number;
}

/**
 * The objective L(θ) = (1/n) Σᵢ ℓ(f(θ; xᵢ), yᵢ) over the data (or a subset), in chunks.
 *
 * @example
 * ```ts
 * import { createDataset, evaluateLoss, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1], [2]], [[0], [0]]);
 * const params = [tf.tensor2d([[1]])];
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * // ½·mean(1, 4) = 1.25
 * assert.equal(await evaluateLoss({ model, loss: mse, data, params }), 1.25);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Subset and chunk size.
 * @returns The mean loss (NaN or ±∞ when the parameters diverged).
 */
export async function evaluateLoss(
  point: ObjectivePoint,
  options: EvaluateOptions = {},
): Promise<number> {
  checkCall("evaluateLoss", arguments);
  const what = "evaluate the loss";
  checkPoint(point, what);
  const chunks = makeChunks(
    point.data,
    options.subset,
    options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    what,
    point.model,
  );
  try {
    let total = 0;
    for (const chunk of chunks.chunks) {
      const l = chunkLoss(point.model, point.loss, point.params, chunk, 1 / chunks.n);
      total += (await l.data())[0];
      l.dispose();
    }
    return total;
  } finally {
    chunks.dispose();
  }
}
