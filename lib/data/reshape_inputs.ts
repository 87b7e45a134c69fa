import { tf } from "../backend/mod.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/**
 * The same samples with each input reshaped, e.g. flat rows of 784 pixels as 28×28×1 images for
 * a convolutional network, or images back to flat rows for an MLP. Entries keep their row-major
 * order: an image [h, w, c] is stored pixel by pixel, channels last. Targets, labels and the test
 * set come along (the test set reshaped too).
 *
 * @example Flat rows of 6 features as 2×3×1 images, and back
 * ```ts
 * import { createDataset, reshapeInputs } from "minima";
 * import assert from "node:assert/strict";
 *
 * const flat = createDataset([[1, 2, 3, 4, 5, 6]], [0]);
 * const images = reshapeInputs(flat, [2, 3, 1]);
 * assert.deepEqual(images.x.shape, [1, 2, 3, 1]);
 * assert.deepEqual(images.inputShape, [2, 3, 1]);
 * const back = reshapeInputs(images, [6]);
 * assert.equal(back.inputShape, undefined);
 * assert.deepEqual(await back.x.array(), [[1, 2, 3, 4, 5, 6]]);
 * for (const d of [flat, images, back]) d.dispose();
 * ```
 *
 * @param data The dataset (not modified; dispose both when done).
 * @param inputShape The shape of one sample, whose entries multiply to `data.inputDim`; one
 * entry (`[inputDim]`) gives flat rows.
 * @returns A new dataset with new tensors.
 */
export function reshapeInputs(data: Dataset, inputShape: readonly number[]): Dataset {
  checkCall("reshapeInputs", arguments);
  const what = "Cannot reshape the inputs";
  if (!data || typeof data !== "object" || !data.x || typeof data.n !== "number") {
    throw new TypeError(`${what}: data must be a Dataset (e.g. from mnist())`);
  }
  if (
    !Array.isArray(inputShape) || inputShape.length < 1 ||
    !inputShape.every((s) => Number.isInteger(s) && s >= 1) ||
    inputShape.reduce((a, b) => a * b, 1) !== data.inputDim
  ) {
    throw new TypeError(
      `${what}: inputShape must be positive integers whose product is the ${data.inputDim} features of a sample, current value is ${
        JSON.stringify(inputShape)
      }`,
    );
  }
  const flat = inputShape.length === 1;
  const x = tf.reshape(data.x, [data.n, ...inputShape]);
  const y = tf.clone(data.y);
  const test = data.test ? reshapeInputs(data.test, inputShape) : undefined;
  const { test: _test, inputShape: _shape, ...rest } = data;
  return Object.freeze({
    ...rest,
    x,
    y,
    ...(flat ? {} : { inputShape: Object.freeze([...inputShape]) }),
    info: Object.freeze({ ...data.info, inputShape: inputShape.join("×") }),
    ...(test ? { test } : {}),
    dispose() {
      x.dispose();
      y.dispose();
      test?.dispose();
    },
  });
}
