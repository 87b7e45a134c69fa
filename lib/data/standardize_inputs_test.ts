import assert from "node:assert/strict";
import { standardizeInputs } from "./standardize_inputs.ts";
import { createDataset } from "./create_dataset.ts";
import { fashionMnist } from "./fashion_mnist.ts";
import { tf } from "../backend/mod.ts";
import { assertAllClose, TOL } from "../_test_util.ts";

const rows = [[0, 1, 5], [2, 1, 7], [4, 1, 3], [6, 1, 9]];

/** The float64 reference: centred by column means, divided as the option says. */
function reference(x: number[][], scale: "global" | "feature" | "none"): number[] {
  const n = x.length, d = x[0].length;
  const mu = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j], 0) / n);
  const c = x.map((r) => r.map((v, j) => v - mu[j]));
  const col = Array.from(
    { length: d },
    (_, j) => Math.sqrt(c.reduce((s, r) => s + r[j] ** 2, 0) / n),
  );
  const all = Math.sqrt(c.flat().reduce((s, v) => s + v * v, 0) / (n * d));
  return c.flatMap((r) =>
    r.map((v, j) =>
      scale === "none" ? v : scale === "global" ? v / all : col[j] > 0 ? v / col[j] : v
    )
  );
}

Deno.test("standardizeInputs centres and scales as a float64 reference does", async () => {
  const data = createDataset(rows, [0, 1, 0, 1], { targets: "one-hot" });
  for (const scale of ["global", "feature", "none"] as const) {
    const std = standardizeInputs(data, { scale });
    assertAllClose(await std.x.data(), reference(rows, scale), { rtol: TOL.float32, atol: 1e-6 });
    // Targets, labels and sizes are kept; the original is untouched.
    assert.deepEqual(await std.y.array(), await data.y.array());
    assert.deepEqual(Array.from(std.labels!), [0, 1, 0, 1]);
    assert.deepEqual([std.n, std.inputDim, std.outputDim, std.task], [4, 3, 2, "classification"]);
    assert.equal(std.info.standardized, scale);
    std.dispose();
  }
  assert.deepEqual(await data.x.array(), rows);
  data.dispose();
});

Deno.test("standardizeInputs applies the training statistics to the test set", async () => {
  const data = await fashionMnist({ samples: 40, testSamples: 20, size: 14, seed: 3 });
  const std = standardizeInputs(data);
  const [mu, sigma] = tf.tidy(() => {
    const m = tf.mean(data.x, 0);
    return [m, tf.sqrt(tf.mean(tf.square(tf.sub(data.x, m))))];
  });
  const expected = tf.tidy(() => tf.div(tf.sub(data.test!.x, mu), sigma));
  assertAllClose(await std.test!.x.data(), await expected.data(), {
    rtol: TOL.float32,
    atol: 1e-5,
  });
  // The training inputs have mean 0 per feature and mean ‖xᵢ‖² = inputDim.
  const [colMean, meanSq] = tf.tidy(() => [
    tf.max(tf.abs(tf.mean(std.x, 0))),
    tf.mean(tf.sum(tf.square(std.x), 1)),
  ]);
  assert.ok((await colMean.data())[0] < 1e-5);
  assertAllClose(await meanSq.data(), [196], { rtol: 1e-4 });
  tf.dispose([mu, sigma, expected, colMean, meanSq]);
  std.dispose();
  data.dispose();
});

Deno.test("standardizeInputs leaks no tensors and disposes what it made", () => {
  const data = createDataset(rows, [1, 2, 3, 4]);
  const before = tf.memory().numTensors;
  const std = standardizeInputs(data);
  assert.equal(tf.memory().numTensors, before + 2);
  std.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.equal(data.x.isDisposed, false);
  data.dispose();
});

Deno.test("standardizeInputs rejects bad input with messages that name the argument", () => {
  const data = createDataset(rows, [1, 2, 3, 4]);
  assert.throws(
    () => standardizeInputs(data, { scale: "max" as "none" }),
    {
      name: "TypeError",
      message:
        'Cannot standardize the inputs: scale must be "global", "feature" or "none", current value is "max"',
    },
  );
  assert.throws(
    () => standardizeInputs(null as unknown as typeof data),
    {
      name: "TypeError",
      message: "Cannot standardize the inputs: data must be a Dataset (e.g. from fashionMnist())",
    },
  );
  data.dispose();
  // It failed reading "backend" of undefined inside tfjs.
  assert.throws(() => standardizeInputs(data), {
    name: "TypeError",
    message:
      "Cannot standardize the inputs: data is disposed (its dispose() was called, which frees its tensors); load or create the dataset again, or dispose it only after its last use",
  });
});
