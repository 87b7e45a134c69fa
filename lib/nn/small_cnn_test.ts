import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { disposeParams, flattenParams } from "./params.ts";
import { smallCnn } from "./small_cnn.ts";
import { crossEntropy } from "./cross_entropy.ts";
import { orientedBars } from "../data/mod.ts";
import { evaluateAccuracy } from "../landscape/mod.ts";
import { adam, train } from "../optim/mod.ts";
import { assertMatches64 } from "./_convnet_check.ts";
import {
  act64,
  batchNorm64,
  conv64,
  dense64,
  flatten64,
  pool64,
  seq64,
} from "./_float64_convnet.ts";

const conv = (cin: number, cout: number, bias: boolean) =>
  conv64({ kh: 3, kw: 3, sh: 1, sw: 1, pad: [1, 1, 1, 1], cin, cout, bias });
const pool = pool64("max", { kh: 2, kw: 2, sh: 2, sw: 2, pad: [0, 0, 0, 0] });

Deno.test("smallCnn (ReLU, max pooling): outputs, gradient and Hessian match float64", async () => {
  const model = smallCnn({ inputShape: [8, 8, 1], outputDim: 3, width: 0.25 });
  const net = seq64([
    conv(1, 4, true),
    act64("relu"),
    pool,
    conv(4, 8, true),
    act64("relu"),
    pool,
    flatten64,
    dense64(2 * 2 * 8, 3),
  ]);
  await assertMatches64(model, net, { seed: 13, loss: "cross-entropy" });
});

Deno.test("smallCnn with BatchNorm: outputs, gradient and Hessian match float64", async () => {
  const model = smallCnn({
    inputShape: [8, 8, 2],
    outputDim: 2,
    width: 0.25,
    norm: "batch",
    activation: "tanh",
    pool: "avg",
  });
  assert.deepEqual(model.paramSpecs.map((s) => s.name), [
    "conv1.weight",
    "bn1.weight",
    "bn1.bias",
    "conv2.weight",
    "bn2.weight",
    "bn2.bias",
    "linear.weight",
    "linear.bias",
  ]);
  const avg = pool64("avg", { kh: 2, kw: 2, sh: 2, sw: 2, pad: [0, 0, 0, 0] });
  const net = seq64([
    conv(2, 4, false),
    batchNorm64(4),
    act64("tanh"),
    avg,
    conv(4, 8, false),
    batchNorm64(8),
    act64("tanh"),
    avg,
    flatten64,
    dense64(2 * 2 * 8, 2),
  ]);
  await assertMatches64(model, net, { seed: 14, samples: 3 });
});

Deno.test("smallCnn: the same seed gives the same parameters", async () => {
  const model = smallCnn();
  const [a, b, c] = [model.init(1), model.init(1), model.init(2)];
  const [ta, tb, tc] = await Promise.all([a, b, c].map(flattenParams));
  assert.deepEqual(ta, tb);
  assert.notDeepEqual(ta, tc);
  disposeParams([a, b, c]);
});

Deno.test("smallCnn names the expected image shape when given another one", () => {
  const model = smallCnn({ inputShape: [28, 28, 1] });
  const params = model.init(0);
  const rgb = tf.zeros([2, 28, 28, 3]);
  assert.throws(() => model.apply(params, rgb), {
    name: "TypeError",
    message:
      'Cannot apply the model "small-cnn 28×28×1 w1": x must be images [n, h, w, c] with [h, w, c] = [28, 28, 1], current shape is [2, 28, 28, 3]',
  });
  assert.throws(() => smallCnn({ inputShape: [784] }), {
    name: "TypeError",
    message:
      "Cannot build the small CNN: the input must be images [h, w, c] of positive integers, current input shape is [784]",
  });
  assert.throws(() => smallCnn({ width: 0 }), {
    name: "RangeError",
    message: "Cannot build the small CNN: width must be a positive number, current value is 0",
  });
  rgb.dispose();
  disposeParams(params);
});

Deno.test("smallCnn learns the oriented-bars task in a few dozen Adam steps (CI's convolutional problem)", async () => {
  const data = orientedBars({ samples: 256, testSamples: 256, seed: 1 });
  const model = smallCnn({ inputShape: [8, 8, 1], outputDim: 4, width: 0.5 });
  const run = await train({ model, loss: crossEntropy, data }, adam({ lr: 0.01 }), {
    steps: 60,
    batchSize: 32,
    every: 60,
    seed: 0,
  });
  const accuracy = await evaluateAccuracy({
    model,
    loss: crossEntropy,
    data: data.test!,
    params: run.params,
  });
  // Chance is 0.25; measured 0.99 after 150 steps.
  assert.ok(accuracy > 0.9, `test accuracy ${accuracy}`);
  disposeParams(run.params);
  data.dispose();
});

Deno.test("the convolutional models reject bad options, naming them", () => {
  assert.throws(() => smallCnn({ pool: "min" as "max" }), {
    name: "TypeError",
    message: 'Cannot build the small CNN: pool must be "max" or "avg", current value is "min"',
  });
  assert.throws(() => smallCnn({ outputDim: 0 }), {
    name: "RangeError",
    message: "Cannot build the small CNN: outputDim must be a positive integer, current value is 0",
  });
  assert.throws(() => smallCnn({ norm: "layer" as "none" }), {
    name: "TypeError",
    message: 'Cannot build the small CNN: norm must be "batch" or "none", current value is "layer"',
  });
  assert.throws(() => smallCnn({ activation: "swish" as "relu" }), {
    name: "TypeError",
    message:
      'Cannot build the small CNN: activation must be one of "relu", "tanh", "sigmoid", "softplus", "gelu", "silu", "identity", current value is "swish"',
  });
});
