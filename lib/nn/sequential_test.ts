import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { activationLayer } from "./activation_layer.ts";
import { conv2d } from "./conv2d.ts";
import { dense } from "./dense.ts";
import { flatten } from "./flatten.ts";
import { globalAvgPool2d } from "./global_avg_pool2d.ts";
import { layerNorm } from "./layer_norm.ts";
import { maxPool2d } from "./max_pool2d.ts";
import { disposeParams } from "./params.ts";
import { sequential } from "./sequential.ts";
import { assertAllClose } from "../_test_util.ts";

Deno.test("sequential names repeated layers like PyTorch's modules and counts parametrized layers", () => {
  const model = sequential([6, 6, 1], [
    conv2d({ filters: 2, kernelSize: 3 }),
    activationLayer("relu"),
    conv2d({ filters: 2, kernelSize: 3, bias: false }),
    activationLayer("relu"),
    flatten(),
    dense({ units: 2 }),
  ]);
  assert.deepEqual(model.paramSpecs.map((s) => [s.name, s.layer]), [
    ["conv.weight", 0],
    ["conv.bias", 0],
    ["conv_1.weight", 1],
    ["linear.weight", 2],
    ["linear.bias", 2],
  ]);
  assert.equal(model.inputDim, 36);
  assert.deepEqual(model.inputShape, [6, 6, 1]);
  assert.equal(model.batchStatistics, undefined);
  assert.equal(model.stateSpecs, undefined);
});

Deno.test("sequential with per-sample parameters: one batched pass gives every sample its own network", async () => {
  const model = sequential([5, 5, 2], [
    conv2d({ filters: 3, kernelSize: 3, stride: 2, padding: 1 }),
    layerNorm(),
    activationLayer("tanh"),
    maxPool2d({ poolSize: 2, stride: 1 }),
    globalAvgPool2d(),
    dense({ units: 2 }),
  ]);
  assert.ok(model.perSampleParams);
  const nets = [model.init(1), model.init(2), model.init(3)];
  const stacked = nets[0].map((_, j) => tf.stack(nets.map((p) => p[j])));
  const x = tf.randomNormal([3, 5, 5, 2], 0, 1, "float32", 4);
  const batched = model.apply(stacked, x);
  const got = await batched.data();
  for (let i = 0; i < 3; i++) {
    const xi = tf.slice(x, i, 1);
    const yi = model.apply(nets[i], xi);
    assertAllClose(got.slice(2 * i, 2 * i + 2), await yi.data(), { atol: 1e-5 }, `sample ${i}`);
    tf.dispose([xi, yi]);
  }
  tf.dispose([x, batched, ...stacked]);
  disposeParams(nets);
});

Deno.test("sequential rejects what cannot be a model, naming the fix", () => {
  assert.throws(() => sequential([4, 4, 1], [conv2d({ filters: 2, kernelSize: 3 })]), {
    name: "TypeError",
    message:
      "Cannot build the sequential model: the last layer must output vectors [k], current output shape is [2,2,2]; end with flatten() or globalAvgPool2d() and dense(...)",
  });
  assert.throws(() => sequential([4, 4, 1], []), {
    name: "TypeError",
    message:
      "Cannot build the sequential model: layers must be a non-empty array of layers (conv2d(...), dense(...), ...)",
  });
  assert.throws(() => sequential([4, 4, 1], [dense({ units: 2 })]), {
    name: "TypeError",
    message:
      'Cannot build dense "linear": the input must be vectors [features], current input shape is [4,4,1]; add flatten() or globalAvgPool2d() before it',
  });
  const model = sequential([2], [dense({ units: 1 })]);
  const params = model.init(0);
  const x = tf.zeros([3, 2]);
  assert.throws(() => model.apply(params.slice(1), x), {
    name: "TypeError",
    message:
      'Cannot apply the model "sequential 2 → 1": params must hold 2 tensors, current length is 1',
  });
  x.dispose();
  disposeParams(params);
});

Deno.test("sequential rejects an input shape that is not positive integers", () => {
  assert.throws(() => sequential([0, 4], [flatten()]), {
    name: "TypeError",
    message:
      "Cannot build the sequential model: inputShape must be positive integers, e.g. [32, 32, 3], current value is [0,4]",
  });
});
