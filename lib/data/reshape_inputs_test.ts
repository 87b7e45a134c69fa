import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "./create_dataset.ts";
import { reshapeInputs } from "./reshape_inputs.ts";

Deno.test("reshapeInputs keeps row-major order, targets and the test set, and leaks nothing", async () => {
  const base = createDataset([[1, 2, 3, 4], [5, 6, 7, 8]], [0, 1], { targets: "integer" });
  const withTest = Object.freeze({ ...base, test: base, dispose: () => base.dispose() });
  const before = tf.memory().numTensors;
  const images = reshapeInputs(withTest, [2, 1, 2]);
  assert.deepEqual(await images.x.array(), [[[[1, 2]], [[3, 4]]], [[[5, 6]], [[7, 8]]]]);
  assert.deepEqual(images.test!.x.shape, [2, 2, 1, 2]);
  assert.deepEqual(Array.from(images.labels!), [0, 1]);
  assert.equal(images.info.inputShape, "2×1×2");
  images.dispose();
  assert.equal(tf.memory().numTensors, before);
  base.dispose();
});

Deno.test("reshapeInputs rejects a shape that does not hold the sample's features", () => {
  const data = createDataset([[1, 2, 3, 4]], [0]);
  assert.throws(() => reshapeInputs(data, [3, 1]), {
    name: "TypeError",
    message:
      "Cannot reshape the inputs: inputShape must be positive integers whose product is the 4 features of a sample, current value is [3,1]",
  });
  data.dispose();
});

Deno.test("reshapeInputs rejects what is not a dataset", () => {
  assert.throws(() => reshapeInputs({} as Parameters<typeof reshapeInputs>[0], [1]), {
    name: "TypeError",
    message: "Cannot reshape the inputs: data must be a Dataset (e.g. from mnist())",
  });
});
