import { tf } from "../backend/mod.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/**
 * A fixed subset of a dataset as a dataset of its own (new tensors; the original is untouched):
 * the first `count` samples, or the given indices in order. Measurements on "a fixed subset"
 * (sharpness on 256 samples during training) use the same samples every time this way.
 *
 * Image datasets are stored shuffled, so their first samples are a random, nearly balanced pick.
 *
 * @example
 * ```ts
 * import { createDataset, datasetSubset } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[0], [1], [2], [3]], [0, 1, 0, 1], { targets: "integer" });
 * const sub = datasetSubset(data, [3, 1]);
 * assert.deepEqual(Array.from(await sub.x.data()), [3, 1]);
 * assert.deepEqual(Array.from(sub.labels!), [1, 1]);
 * sub.dispose();
 * data.dispose();
 * ```
 *
 * @param data The dataset.
 * @param subset A count (the first samples) or sample indices.
 * @returns The subset; dispose it when done (it does not carry `test`).
 */
export function datasetSubset<X extends tf.Tensor>(
  data: Dataset<X>,
  subset: number | ArrayLike<number>,
): Dataset<X> {
  checkCall("datasetSubset", arguments);
  const what = "Cannot take a subset";
  if (
    !data || typeof data !== "object" || !(data.x instanceof tf.Tensor) ||
    !(data.y instanceof tf.Tensor) || typeof data.n !== "number"
  ) {
    throw new TypeError(`${what}: data must be a Dataset (e.g. from createDataset())`);
  }
  if (data.x.shape[0] !== data.n || data.y.shape[0] !== data.n) {
    throw new TypeError(
      `${what}: data.x and data.y must hold data.n = ${data.n} samples, current shapes are [${data.x.shape}] and [${data.y.shape}]`,
    );
  }
  if (data.x.isDisposed || data.y.isDisposed) {
    throw new TypeError(
      `${what}: data is disposed (its dispose() was called, which frees its tensors); load or create the dataset again, or dispose it only after its last use`,
    );
  }
  if (subset === null || (typeof subset !== "number" && typeof subset !== "object")) {
    throw new TypeError(
      `${what}: subset must be a count or an array of sample indices, current value is ${subset}`,
    );
  }
  const indices = subsetIndices(data.n, subset, "take a subset");
  // Both gathers in one tidy: the index tensor is freed even when a gather fails.
  const [x, y] = tf.tidy(() => {
    const idx = tf.tensor1d(indices, "int32");
    return [tf.gather(data.x, idx) as X, tf.gather(data.y, idx)];
  });
  const labels = data.labels ? Int32Array.from(indices, (i) => data.labels![i]) : undefined;
  const { test: _test, ...rest } = data;
  return Object.freeze({
    ...rest,
    name: `${data.name} [${indices.length}]`,
    x,
    y,
    n: indices.length,
    ...(labels ? { labels } : {}),
    info: Object.freeze({ ...data.info, subset: indices.length }),
    dispose() {
      x.dispose();
      y.dispose();
    },
  });
}

/**
 * Indices 0..count−1 or the given ones, checked against n.
 *
 * @param n The number of samples.
 * @param subset A count or indices.
 * @param what The action, for error messages.
 * @returns The indices.
 */
export function subsetIndices(
  n: number,
  subset: number | ArrayLike<number>,
  what: string,
): Int32Array {
  if (typeof subset === "number") {
    if (!Number.isInteger(subset) || subset < 1 || subset > n) {
      throw new RangeError(
        `Cannot ${what}: subset must be an integer in [1, ${n}] (the samples in the data), current value is ${subset}`,
      );
    }
    return Int32Array.from({ length: subset }, (_, i) => i);
  }
  const out = Int32Array.from(subset as ArrayLike<number>);
  if (out.length < 1) {
    throw new RangeError(
      `Cannot ${what}: subset must hold at least one index, current length is 0`,
    );
  }
  for (let i = 0; i < out.length; i++) {
    const v = (subset as ArrayLike<number>)[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      throw new RangeError(
        `Cannot ${what}: subset indices must be integers in [0, ${n}), current index ${i} is ${v}`,
      );
    }
  }
  return out;
}
