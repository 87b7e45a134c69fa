import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { dense } from "./dense.ts";
import { disposeParams } from "./params.ts";
import { evalMode } from "./eval_mode.ts";
import { runningStatistics } from "./running_statistics.ts";
import { resnet20 } from "./resnet20.ts";
import { smallCnn } from "./small_cnn.ts";
import { sequential } from "./sequential.ts";
import { assertAllClose } from "../_test_util.ts";

Deno.test("evalMode: with per-sample parameters, each sample gets its own network on running statistics", async () => {
  const model = smallCnn({ inputShape: [6, 6, 1], width: 0.25, norm: "batch", outputDim: 2 });
  assert.equal(model.perSampleParams, false, "train mode couples samples");
  const state = [tf.tensor1d([0.1, 0, -0.2, 0.3]), tf.tensor1d([1, 2, 0.5, 1.5])];
  state.push(tf.zeros([8]), tf.ones([8]));
  const frozen = evalMode(model, state);
  assert.ok(frozen.perSampleParams);
  assert.equal(frozen.name, `${model.name} (eval)`);
  const nets = [model.init(1), model.init(2)];
  const stacked = nets[0].map((_, j) => tf.stack(nets.map((p) => p[j])));
  const x = tf.randomNormal([2, 6, 6, 1], 0, 1, "float32", 5);
  const both = await frozen.apply(stacked, x).data();
  for (let i = 0; i < 2; i++) {
    const xi = tf.slice(x, i, 1);
    const yi = model.applyEval!(nets[i], state, xi);
    assertAllClose(both.slice(2 * i, 2 * i + 2), await yi.data(), { atol: 1e-5 }, `sample ${i}`);
    tf.dispose([xi, yi]);
  }
  tf.dispose([x, ...stacked, ...state]);
  disposeParams(nets);
});

Deno.test("evalMode and runningStatistics refuse models without running statistics", () => {
  const plain = sequential([2], [dense({ units: 1 })]);
  assert.throws(() => evalMode(plain, []), {
    name: "TypeError",
    message:
      'Cannot put the model in eval mode: the model must keep running statistics (stateSpecs and applyEval, as models with norm: "batch" do), current model "sequential 2 → 1" has none',
  });
  const data = createDataset([[1, 2]], [0]);
  const params = plain.init(0);
  assert.throws(() => runningStatistics(plain, params, data), {
    name: "TypeError",
    message:
      'Cannot compute running statistics: the model must keep running statistics (updateState, as models with norm: "batch" do)',
  });
  const model = resnet20({ inputShape: [4, 4, 1], width: 0.25, blocks: 1 });
  const state = model.initState!();
  assert.throws(() => evalMode(model, state.slice(1)), {
    name: "TypeError",
    message:
      "Cannot put the model in eval mode: state must hold 14 tensors (the model's stateSpecs, from initState() or runningStatistics()), current length is 13",
  });
  tf.dispose(state);
  disposeParams(params);
  data.dispose();
});
