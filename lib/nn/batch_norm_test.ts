import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { activationLayer } from "./activation_layer.ts";
import { batchNorm } from "./batch_norm.ts";
import { conv2d } from "./conv2d.ts";
import { dense } from "./dense.ts";
import { flatten } from "./flatten.ts";
import { disposeParams } from "./params.ts";
import { sequential } from "./sequential.ts";
import { assertMatches64 } from "./_convnet_check.ts";
import { act64, batchNorm64, conv64, dense64, flatten64, seq64 } from "./_float64_convnet.ts";
import { assertAllClose } from "../_test_util.ts";

const CONV = {
  kh: 3,
  kw: 3,
  sh: 1,
  sw: 1,
  pad: [1, 1, 1, 1] as [number, number, number, number],
  cin: 2,
  cout: 3,
  bias: true,
};

function convBn(options: Parameters<typeof batchNorm>[0]) {
  return sequential([4, 4, 2], [
    conv2d({ filters: 3, kernelSize: 3, padding: 1 }),
    batchNorm(options),
    activationLayer("tanh"),
    flatten(),
    dense({ units: 2 }),
  ]);
}

for (
  const c of [
    { label: "over the whole batch", options: {}, ref: {}, samples: 4 },
    {
      label: "over ghost batches of 3 in a batch of 5",
      options: { ghostBatchSize: 3 },
      ref: { ghost: 3 },
      samples: 5,
    },
    {
      label: "without affine parameters",
      options: { affine: false },
      ref: { affine: false },
      samples: 3,
    },
  ]
) {
  Deno.test(`batchNorm in train mode ${c.label}: outputs, gradient and Hessian match float64`, async () => {
    const model = convBn(c.options);
    assert.equal(model.batchStatistics, c.options.ghostBatchSize ?? Infinity);
    const net = seq64([
      conv64(CONV),
      batchNorm64(3, c.ref),
      act64("tanh"),
      flatten64,
      dense64(48, 2),
    ]);
    await assertMatches64(model, net, { samples: c.samples, seed: 5 });
  });
}

Deno.test("batchNorm on vectors [n, c] (BatchNorm1d): outputs, gradient and Hessian match float64", async () => {
  const model = sequential([3], [
    dense({ units: 4 }),
    batchNorm(),
    activationLayer("tanh"),
    dense({ units: 2 }),
  ]);
  const net = seq64([dense64(3, 4), batchNorm64(4), act64("tanh"), dense64(4, 2)]);
  await assertMatches64(model, net, { samples: 5, seed: 6, loss: "cross-entropy" });
});

Deno.test("batchNorm in eval mode uses the running statistics: outputs, gradient and Hessian match float64", async () => {
  const model = convBn({});
  const state = [tf.tensor1d([0.3, -0.2, 0.1]), tf.tensor1d([1.5, 0.7, 2.2])];
  const net = seq64([conv64(CONV), batchNorm64(3), act64("tanh"), flatten64, dense64(48, 2)]);
  await assertMatches64(model, net, { samples: 2, seed: 7, state });
  tf.dispose(state);
});

Deno.test("batchNorm: updateState blends the batch mean and unbiased variance with momentum 0.1, as PyTorch", async () => {
  const model = sequential([2, 2, 1], [batchNorm({ name: "bn1" }), flatten(), dense({ units: 1 })]);
  assert.deepEqual(model.stateSpecs!.map((s) => [s.name, s.kind, s.momentum]), [
    ["bn1.running_mean", "mean", 0.1],
    ["bn1.running_var", "variance", 0.1],
  ]);
  const params = model.init(0);
  const state = model.initState!();
  const values = [1, 2, 3, 4, 5, 6, 7, 9];
  const x = tf.tensor4d(values, [2, 2, 2, 1]);
  const before = tf.memory().numTensors;
  const next = model.updateState!(params, state, x);
  assert.equal(tf.memory().numTensors, before + 2);
  const mean = values.reduce((a, b) => a + b, 0) / 8;
  const unbiased = values.reduce((s, v) => s + (v - mean) ** 2, 0) / 7;
  assertAllClose(await next[0].data(), [0.1 * mean], { rtol: 1e-6 }, "running_mean");
  assertAllClose(await next[1].data(), [0.9 + 0.1 * unbiased], { rtol: 1e-6 }, "running_var");
  assert.deepEqual(Array.from(await state[0].data()), [0], "the old state is not modified");
  const evalOut = model.applyEval!(params, next, x);
  assert.deepEqual(evalOut.shape, [2, 1]);
  tf.dispose([x, evalOut, ...next, ...state]);
  disposeParams(params);
});

Deno.test("batchNorm refuses a batch of one in train mode, and eval mode without state", () => {
  const model = sequential([4, 4, 1], [batchNorm({ name: "bn1" }), flatten(), dense({ units: 1 })]);
  const params = model.init(0);
  const one = tf.zeros([1, 4, 4, 1]);
  assert.throws(() => model.apply(params, one), {
    name: "RangeError",
    message:
      'Cannot apply batchNorm "bn1" in train mode: batch statistics need at least 2 samples per batch, current batch has 1; a single sample would be normalized against itself (use eval mode with running statistics for single samples)',
  });
  const ghost = sequential([2], [batchNorm({ ghostBatchSize: 2 }), dense({ units: 1 })]);
  const gp = ghost.init(0);
  const five = tf.zeros([5, 2]);
  assert.throws(() => ghost.apply(gp, five), {
    name: "RangeError",
    message:
      'Cannot apply batchNorm "bn" in train mode: batch statistics need at least 2 samples per ghost batch, current batch of 5 leaves a ghost batch of 1; a single sample would be normalized against itself (use eval mode with running statistics for single samples)',
  });
  assert.throws(() => model.applyEval!(params, [], one), {
    name: "TypeError",
    message:
      'Cannot apply the model "sequential 4×4×1 → 1" in eval mode: state must hold 2 tensors (the model\'s stateSpecs, from initState() or runningStatistics()), current length is 0',
  });
  assert.throws(() => batchNorm({ ghostBatchSize: 1 }), {
    name: "RangeError",
    message:
      'Cannot build batchNorm "bn": ghostBatchSize must be an integer ≥ 2, current value is 1',
  });
  assert.throws(() => batchNorm({ momentum: 2 }), {
    name: "RangeError",
    message: 'Cannot build batchNorm "bn": momentum must be a number in [0, 1], current value is 2',
  });
  tf.dispose([one, five]);
  disposeParams([params, gp]);
});

Deno.test("batchNorm rejects bad options, inputs, modes and state, naming them", () => {
  assert.throws(() => batchNorm({ eps: -1 }), {
    name: "RangeError",
    message: 'Cannot build batchNorm "bn": eps must be a non-negative number, current value is -1',
  });
  assert.throws(() => batchNorm().build([2, 3]), {
    name: "TypeError",
    message:
      'Cannot build batchNorm "bn": the input must be images [h, w, c] or vectors [c], current input shape is [2,3]',
  });
  const layer = batchNorm().build([2]);
  const params = layer.init(0);
  const x = tf.zeros([3, 2]);
  assert.throws(() => layer.apply(params, x, { mode: "test" as "eval" }), {
    name: "TypeError",
    message: 'Cannot apply batchNorm "bn": mode must be "train" or "eval", current value is "test"',
  });
  const model = sequential([2], [batchNorm({ name: "bn1" }), dense({ units: 1 })]);
  const mp = model.init(0);
  const state = model.initState!();
  assert.throws(() => model.updateState!(mp, state, x, { momentum: 1.5 }), {
    name: "RangeError",
    message:
      'Cannot update the running statistics of "sequential 2 → 1": momentum must be a number in [0, 1], current value is 1.5',
  });
  const wrong = [state[0], tf.ones([3])];
  assert.throws(() => model.applyEval!(mp, wrong, x), {
    name: "TypeError",
    message:
      'Cannot apply the model "sequential 2 → 1" in eval mode: state[1] (bn1.running_var) must be a live tensor of shape [2], current shape is [3]',
  });
  tf.dispose([x, ...state, wrong[1]]);
  disposeParams([params, mp]);
});
