import { tf } from "../backend/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import { DEFAULT_CHUNK_SIZE, makeChunks } from "./_autodiff.ts";
import { checkPoint } from "./_point.ts";
import type { EvaluateOptions } from "./evaluate_loss.ts";
import { checkCall } from "../_checks.ts";

/**
 * The fraction of samples classified correctly: argmax f(xᵢ) = label for k ≥ 2 outputs, or
 * sign f(xᵢ) = yᵢ for one output and ±1 targets. Classification data only.
 *
 * @example
 * ```ts
 * import { createDataset, evaluateAccuracy, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1], [-1], [2]], [1, -1, -1], { targets: "signed" });
 * const params = [tf.tensor2d([[1]])];
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * assert.equal(await evaluateAccuracy({ model, loss: mse, data, params }), 2 / 3);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Subset and chunk size.
 * @returns The accuracy in [0, 1].
 */
export async function evaluateAccuracy(
  point: ObjectivePoint,
  options: EvaluateOptions = {},
): Promise<number> {
  checkCall("evaluateAccuracy", arguments);
  const what = "evaluate the accuracy";
  checkPoint(point, what);
  if (point.data.task !== "classification") {
    throw new TypeError(
      `Cannot ${what}: the data must be a classification set, current task is "${point.data.task}"`,
    );
  }
  const chunks = makeChunks(
    point.data,
    options.subset,
    options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    what,
    point.model,
  );
  try {
    let correct = 0;
    for (const chunk of chunks.chunks) {
      const c = tf.tidy(() => {
        const f = point.model.apply(point.params, chunk.x);
        let hit: tf.Tensor;
        if (point.data.targets === "signed") {
          hit = tf.equal(tf.sign(f), tf.sign(chunk.y));
        } else {
          const labels = point.data.targets === "integer" ? chunk.y : tf.argMax(chunk.y, 1);
          hit = tf.equal(tf.argMax(f, 1), tf.cast(labels, "int32"));
        }
        return tf.sum(tf.cast(hit, "float32"));
      });
      correct += (await c.data())[0];
      c.dispose();
    }
    return correct / chunks.n;
  } finally {
    chunks.dispose();
  }
}
