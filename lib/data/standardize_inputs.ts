import { tf } from "../backend/mod.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode standardizeInputs}. */
export interface StandardizeInputsOptions {
  /**
   * `"global"`: after centring, divide every feature by one number, the root mean square of the
   * centred entries (so the mean of ‖xᵢ‖² is inputDim, and near-constant pixels are not blown
   * up); `"feature"`: divide each feature by its own standard deviation (constant features are
   * left at 0); `"none"`: centre only.
   * @default {"global"}
   */
  scale?: "global" | "feature" | "none";
}

/**
 * A copy of a dataset with centred, rescaled inputs, x ← (x − μ)/σ, with the mean μ (per feature)
 * and the scale σ taken from the training samples and applied to the test set too. Centring
 * removes the large common direction of image pixels (all in [0, 1]), whose curvature otherwise
 * dominates the Hessian and slows gradient descent down.
 *
 * @example Two features, centred and scaled to unit root mean square
 * ```ts
 * import { createDataset, standardizeInputs } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1, 10], [3, 10]], [0, 1], { targets: "integer" });
 * const std = standardizeInputs(data);
 * // Centred: [[−1, 0], [1, 0]]; RMS of the four entries √(2/4), so x/√½.
 * assert.deepEqual(Array.from(await std.x.data()).map((v) => +v.toFixed(6)), [-1.414214, 0, 1.414214, 0]);
 * assert.equal(std.info.standardized, "global");
 * std.dispose();
 * data.dispose();
 * ```
 *
 * @param data The dataset (not modified; dispose both when done).
 * @param options How to scale.
 * @returns A new dataset with the same targets and the transformed inputs.
 */
export function standardizeInputs<X extends tf.Tensor>(
  data: Dataset<X>,
  options: StandardizeInputsOptions = {},
): Dataset<X> {
  checkCall("standardizeInputs", arguments);
  const what = "Cannot standardize the inputs";
  if (!data || typeof data !== "object" || !data.x || typeof data.n !== "number") {
    throw new TypeError(`${what}: data must be a Dataset (e.g. from fashionMnist())`);
  }
  if (data.x.isDisposed || data.y?.isDisposed) {
    throw new TypeError(
      `${what}: data is disposed (its dispose() was called, which frees its tensors); load or create the dataset again, or dispose it only after its last use`,
    );
  }
  const scale = options.scale ?? "global";
  if (!["global", "feature", "none"].includes(scale)) {
    throw new TypeError(
      `${what}: scale must be "global", "feature" or "none", current value is ${
        JSON.stringify(scale)
      }`,
    );
  }
  const [mean, sigma] = tf.tidy(() => {
    const mu = tf.mean(data.x, 0);
    const c = tf.sub(data.x, mu);
    let s: tf.Tensor;
    if (scale === "global") {
      s = tf.sqrt(tf.mean(tf.square(c)));
      s = tf.where(tf.greater(s, 0), s, tf.onesLike(s));
    } else if (scale === "feature") {
      s = tf.sqrt(tf.mean(tf.square(c), 0));
      s = tf.where(tf.greater(s, 0), s, tf.onesLike(s));
    } else {
      s = tf.scalar(1);
    }
    return [mu, s];
  });
  try {
    return transform(data, mean, sigma, scale);
  } finally {
    tf.dispose([mean, sigma]);
  }
}

function transform<X extends tf.Tensor>(
  data: Dataset<X>,
  mean: tf.Tensor,
  sigma: tf.Tensor,
  scale: string,
): Dataset<X> {
  const x = tf.tidy(() => tf.div(tf.sub(data.x, mean), sigma)) as X;
  const y = tf.clone(data.y);
  const test = data.test ? transform(data.test, mean, sigma, scale) : undefined;
  const { test: _test, ...rest } = data;
  return Object.freeze({
    ...rest,
    name: `${data.name} (standardized)`,
    x,
    y,
    info: Object.freeze({ ...data.info, standardized: scale }),
    ...(test ? { test } : {}),
    dispose() {
      x.dispose();
      y.dispose();
      test?.dispose();
    },
  });
}
