import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset, reshapeInputs } from "../data/mod.ts";
import { batchNorm } from "./batch_norm.ts";
import { conv2d } from "./conv2d.ts";
import { dense } from "./dense.ts";
import { flatten } from "./flatten.ts";
import { disposeParams, flattenParams } from "./params.ts";
import { runningStatistics } from "./running_statistics.ts";
import { sequential } from "./sequential.ts";
import { Rng } from "../random/mod.ts";
import { assertAllClose } from "../_test_util.ts";

Deno.test("runningStatistics averages each batch's mean and unbiased variance of the layer's input", async () => {
  // conv (1×1, one filter) then BN: the BN input is w·x + b; compute its statistics in float64.
  const rng = new Rng(3);
  const rows = Array.from({ length: 7 }, () => Array.from({ length: 4 }, () => rng.normal()));
  const flat = createDataset(rows, rows.map(() => 0));
  const data = reshapeInputs(flat, [2, 2, 1]);
  const model = sequential([2, 2, 1], [
    conv2d({ filters: 1, kernelSize: 1 }),
    batchNorm({ name: "bn1" }),
    flatten(),
    dense({ units: 1 }),
  ]);
  const params = model.init(0);
  const [w, b] = await flattenParams(params.slice(0, 2));
  const before = tf.memory().numTensors;
  const state = runningStatistics(model, params, data, { batchSize: 3 });
  assert.equal(tf.memory().numTensors, before + 2);
  // Batches {0,1,2} and {3,4,5,6}: the last batch of one is merged into the one before.
  const batches = [rows.slice(0, 3), rows.slice(3)];
  const stats = batches.map((batch) => {
    const z = batch.flat().map((v) => w * v + b);
    const m = z.reduce((s, v) => s + v, 0) / z.length;
    return [m, z.reduce((s, v) => s + (v - m) ** 2, 0) / (z.length - 1)];
  });
  assertAllClose(await state[0].data(), [(stats[0][0] + stats[1][0]) / 2], { rtol: 1e-5 }, "mean");
  assertAllClose(await state[1].data(), [(stats[0][1] + stats[1][1]) / 2], { rtol: 1e-5 }, "var");
  tf.dispose(state);
  disposeParams(params);
  data.dispose();
  flat.dispose();
});

Deno.test("runningStatistics rejects a batch size below 2 and data that is not a dataset", () => {
  const model = sequential([1], [batchNorm(), dense({ units: 1 })]);
  const params = model.init(0);
  const data = createDataset([[1], [2]], [0, 0]);
  assert.throws(() => runningStatistics(model, params, data, { batchSize: 1 }), {
    name: "RangeError",
    message:
      "Cannot compute running statistics: batchSize must be an integer ≥ 2, current value is 1",
  });
  assert.throws(() => runningStatistics(model, params, {} as typeof data), {
    name: "TypeError",
    message: "Cannot compute running statistics: data must be a Dataset",
  });
  disposeParams(params);
  data.dispose();
});
