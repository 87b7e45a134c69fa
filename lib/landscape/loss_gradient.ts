import { tf } from "../backend/mod.ts";
import type { ObjectivePoint, Params } from "../nn/mod.ts";
import { chunkGradient, DEFAULT_CHUNK_SIZE, makeChunks } from "./_autodiff.ts";
import { checkPoint } from "./_point.ts";
import type { EvaluateOptions } from "./evaluate_loss.ts";
import { checkCall } from "../_checks.ts";

/** The objective and its gradient at a point. */
export interface LossGradientResult {
  /** L(θ). */
  value: number;
  /** ∇L(θ), shaped like the parameters; owned by the caller (dispose with `disposeParams`). */
  gradient: Params;
}

/**
 * The objective L(θ) = (1/n) Σᵢ ℓᵢ(θ) and its gradient ∇L(θ) over the data (or a subset),
 * summed over chunks: the full-batch gradient (the drift of gradient flow and of the SGD SDE).
 *
 * @example ∇ of ½·mean((w xᵢ)²) is w·mean(xᵢ²)
 * ```ts
 * import { createDataset, disposeParams, lossGradient, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1], [3]], [[0], [0]]);
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[2]])];
 * const { value, gradient } = await lossGradient({ model, loss: mse, data, params });
 * assert.equal(value, 10); // ½·mean(4, 36)
 * assert.deepEqual(Array.from(await gradient[0].data()), [10]); // 2·mean(1, 9)
 * disposeParams([params, gradient]);
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Subset and chunk size.
 * @returns The value and the gradient tensors.
 */
export async function lossGradient(
  point: ObjectivePoint,
  options: EvaluateOptions = {},
): Promise<LossGradientResult> {
  checkCall("lossGradient", arguments);
  const what = "compute the loss gradient";
  checkPoint(point, what);
  const chunks = makeChunks(
    point.data,
    options.subset,
    options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    what,
    point.model,
  );
  try {
    let value = 0;
    let gradient: Params | undefined;
    for (const chunk of chunks.chunks) {
      const g = chunkGradient(point.model, point.loss, point.params, chunk, 1 / chunks.n);
      value += (await g.value.data())[0];
      g.value.dispose();
      if (gradient === undefined) gradient = g.grads;
      else {
        const sum = gradient.map((a, j) => tf.add(a, g.grads[j]));
        tf.dispose([...gradient, ...g.grads]);
        gradient = sum;
      }
    }
    return { value, gradient: gradient! };
  } finally {
    chunks.dispose();
  }
}
