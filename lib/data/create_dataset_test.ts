import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "./create_dataset.ts";
import { datasetSubset } from "./dataset_subset.ts";

Deno.test("createDataset stores inputs and each target encoding as documented", async () => {
  const before = tf.memory().numTensors;
  const x = { values: [1, 2, 3, 4, 5, 6], shape: [3, 2] as [number, number] };
  const oneHot = createDataset(x, [2, 0, 1], { targets: "one-hot", name: "toy" });
  assert.deepEqual(await oneHot.y.array(), [[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
  assert.equal(oneHot.outputDim, 3);
  assert.equal(oneHot.task, "classification");
  const signed = createDataset(x, [-1, 1, 1], { targets: "signed" });
  assert.deepEqual(await signed.y.array(), [[-1], [1], [1]]);
  assert.deepEqual(Array.from(signed.labels!), [0, 1, 1]);
  const reg = createDataset([[0], [1], [2]], [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(await reg.y.array(), [[1, 2], [3, 4], [5, 6]]);
  assert.equal(reg.outputDim, 2);
  for (const d of [oneHot, signed, reg]) d.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("createDataset rejects NaN, mismatched counts and bad labels, naming them", () => {
  assert.throws(() => createDataset([[0, 1], [2, NaN]], [0, 1]), {
    name: "TypeError",
    message:
      "Cannot create the dataset: x must be finite, sample 1 feature 1 is NaN; remove or impute it",
  });
  assert.throws(() => createDataset([[0], [1]], [0, Infinity]), {
    name: "TypeError",
    message:
      "Cannot create the dataset: y must be finite, sample 1 feature 0 is Infinity; remove or impute it",
  });
  assert.throws(() => createDataset([[0], [1]], [0, 1, 2]), {
    name: "TypeError",
    message:
      "Cannot create the dataset: y must have one row per sample of x (2), current count is 3",
  });
  assert.throws(() => createDataset([[0], [1, 2]], [0, 1]), {
    name: "TypeError",
    message:
      "Cannot create the dataset: every row of x must have 1 entries like the first, row 1 has 2",
  });
  assert.throws(() => createDataset([[0], [1]], [0, 1.5], { targets: "integer" }), {
    name: "RangeError",
    message:
      "Cannot create the dataset: labels must be integers 0..k−1, current label of sample 1 is 1.5",
  });
  assert.throws(() => createDataset([[0], [1]], [0, 3], { targets: "integer", numClasses: 3 }), {
    name: "RangeError",
    message:
      "Cannot create the dataset: numClasses must be an integer ≥ 2 above every label (largest 3), current value is 3",
  });
  assert.throws(() => createDataset([[0]], [0], { targets: "ordinal" as "real" }), {
    name: "TypeError",
    message:
      'Cannot create the dataset: targets must be one of "real", "one-hot", "integer", "signed", current value is "ordinal"',
  });
});

Deno.test("datasetSubset rejects counts and indices outside the data", () => {
  const data = createDataset([[0], [1], [2]], [0, 1, 0], { targets: "integer" });
  assert.throws(() => datasetSubset(data, 4), {
    name: "RangeError",
    message:
      "Cannot take a subset: subset must be an integer in [1, 3] (the samples in the data), current value is 4",
  });
  assert.throws(() => datasetSubset(data, [0, 3]), {
    name: "RangeError",
    message:
      "Cannot take a subset: subset indices must be integers in [0, 3), current index 1 is 3",
  });
  data.dispose();
});

Deno.test("createDataset refuses a missing x or y, a flat vector and rows with no feature, by name", () => {
  const form = "x must be rows (an array of arrays of numbers) or { values, shape }";
  const cases: [unknown, unknown, string, string][] = [
    [null, [1], "TypeError", `${form}, current value is null`],
    ["abc", [1], "TypeError", `${form}, current value is "abc"`],
    // The message used to read "every row of x must have undefined entries like the first".
    [
      [1, 2, 3],
      [1, 2, 3],
      "TypeError",
      `${form}, current x[0] is 1; write one feature per sample as [[a], [b], ...]`,
    ],
    // [[]] made a dataset with inputDim 0.
    [[[]], [1], "RangeError", "x must have at least one feature, current row 0 is empty"],
    [
      [[1]],
      null,
      "TypeError",
      "y must be targets (an array of numbers, rows, or { values, shape }), current value is null",
    ],
  ];
  const before = tf.memory().numTensors;
  for (const [x, y, name, message] of cases) {
    assert.throws(
      () => createDataset(x as number[][], y as number[]),
      { name, message: `Cannot create the dataset: ${message}` },
    );
  }
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("datasetSubset refuses what is not a live dataset, and leaks nothing", () => {
  const z = tf.zeros([2, 1]), short = tf.zeros([1, 1]);
  const before = tf.memory().numTensors;
  for (const data of [null, "x", { n: 2 }, { x: z, y: "y", n: 2 }]) {
    assert.throws(() => datasetSubset(data as never, [0]), {
      name: "TypeError",
      message: "Cannot take a subset: data must be a Dataset (e.g. from createDataset())",
    });
  }
  const data = createDataset([[0], [1]], [[1], [2]]);
  data.dispose();
  assert.throws(() => datasetSubset(data, [0]), {
    name: "TypeError",
    message:
      "Cannot take a subset: data is disposed (its dispose() was called, which frees its tensors); load or create the dataset again, or dispose it only after its last use",
  });
  const other = createDataset([[0], [1]], [[1], [2]]);
  assert.throws(() => datasetSubset({ ...other, x: short } as never, [1]), {
    name: "TypeError",
    message:
      "Cannot take a subset: data.x and data.y must hold data.n = 2 samples, current shapes are [1,1] and [2,1]",
  });
  assert.throws(() => datasetSubset(other, undefined as never), {
    name: "TypeError",
    message:
      "Cannot take a subset: subset must be a count or an array of sample indices, current value is undefined",
  });
  other.dispose();
  // The index tensor leaked when a gather failed (one tensor per call).
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([z, short]);
});
