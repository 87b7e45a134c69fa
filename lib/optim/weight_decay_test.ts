import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { mlp, mse } from "../nn/mod.ts";
import { Rng } from "../random/mod.ts";
import { addDecayedWeights, weightDecay } from "./weight_decay.ts";
import { chain, scale } from "./gradient_transformations.ts";
import { adam } from "./adam.ts";
import { gd, sgd } from "./sgd.ts";
import { labelNoise } from "./label_noise.ts";
import { train } from "./train.ts";
import { assertAllClose } from "../_test_util.ts";

Deno.test("weightDecay(gd) on a zero-loss point shrinks θ by (1 − ηλ)^t exactly", async () => {
  // y = 0 at w = 0 is not where we start: the loss gradient is there, so compare with float64 GD on
  // L + (λ/2)w² for a one-weight linear model.
  const data = createDataset([[1], [2]], [[0.5], [1]]);
  const model = mlp([1, 1], { bias: false, activation: "identity" });
  const w0 = [tf.tensor2d([[3]])];
  const run = await train(
    { model, loss: mse, data },
    weightDecay(gd({ lr: 0.1 }), { decay: 0.4 }),
    {
      params: w0,
      steps: 5,
      every: 1,
    },
  );
  // L = ½·mean((w x − y)²) = ½·(w − 0.5)²·(1 + 4)/2, ∇ = 2.5(w − 0.5); step w ← w − 0.1(2.5(w − 0.5) + 0.4w).
  let w = 3;
  for (let t = 0; t < 5; t++) w -= 0.1 * (2.5 * (w - 0.5) + 0.4 * w);
  assertAllClose(await run.params[0].data(), [w], { rtol: 1e-5 });
  run.dispose();
  w0[0].dispose();
  data.dispose();
});

Deno.test("addDecayedWeights chains before the learning rate; weightDecay keeps the base's batches", async () => {
  const t = chain(addDecayedWeights(0.2), scale(-0.5));
  const p = [tf.tensor1d([1, -2])], g = [tf.tensor1d([0.1, 0.3])];
  const before = tf.memory().numTensors;
  const { updates } = tf.tidy(() => t.update(g, t.init(p), p, { step: 0, rng: new Rng(0) }));
  assertAllClose(await updates[0].data(), [-0.5 * (0.1 + 0.2), -0.5 * (0.3 - 0.4)], { rtol: 1e-6 });
  tf.dispose(updates);
  assert.equal(tf.memory().numTensors, before);
  const noisy = weightDecay(labelNoise(sgd({ lr: 0.1 }), { std: 1 }), { decay: 0.1 });
  assert.equal(typeof noisy.prepareBatch, "function");
  assert.equal(noisy.name, "label-noise-sgd+wd");
  assert.equal(weightDecay(adam({ lr: 0.001 }), { decay: 5000 }).hyperparameters.weightDecay, 5000);
  tf.dispose([p, g]);
});

Deno.test("weight decay out of range is a RangeError naming the fix", () => {
  assert.throws(() => addDecayedWeights(-0.1), {
    name: "RangeError",
    message:
      "Cannot create addDecayedWeights: decay must be a non-negative number (the weight decay λ), current value is -0.1",
  });
  assert.throws(() => weightDecay(sgd({ lr: 0.5 }), { decay: NaN }), {
    name: "RangeError",
    message:
      "Cannot create weightDecay: decay must be a non-negative number (the weight decay λ), current value is NaN",
  });
  assert.throws(() => weightDecay(sgd({ lr: 0.5 }), { decay: 2 }), {
    name: "RangeError",
    message:
      "Cannot create weightDecay: decay·lr must be below 1 (each sgd step multiplies θ by 1 − lr·decay), current value is 1; lower decay below 2",
  });
  assert.throws(() => weightDecay(undefined as never, { decay: 1 }), {
    name: "TypeError",
    message:
      "Cannot create weightDecay: opt must be an Optimizer (e.g. sgd({ lr: 0.1 })), current value is undefined",
  });
});

Deno.test("GD with weight decay on a scale-invariant net: ‖θ'‖² = (1 − ηλ)²‖θ‖² + η²‖∇L‖², as ∇L ⟂ θ", async () => {
  const { scaleInvariantNet, flattenParams } = await import("../nn/mod.ts");
  const { teacherStudent } = await import("../data/mod.ts");
  const data = teacherStudent({ samples: 8, inputDim: 3 });
  const model = scaleInvariantNet([3, 5, 1]);
  const params = model.init(1);
  const lossAt = (...ps: tf.Tensor[]) =>
    tf.mean(mse.perSample(model.apply(ps, data.x), data.y)) as tf.Scalar;
  const g = await flattenParams(tf.grads(lossAt)(params));
  const theta = await flattenParams(params);
  const run = await train(
    { model, loss: mse, data },
    weightDecay(gd({ lr: 0.3 }), { decay: 0.1 }),
    {
      params,
      steps: 1,
      every: 1,
    },
  );
  const next = await flattenParams(run.params);
  const sq = (v: Float64Array) => v.reduce((s, x) => s + x * x, 0);
  assertAllClose([sq(next)], [(1 - 0.03) ** 2 * sq(theta) + 0.09 * sq(g)], { rtol: 1e-5 });
  run.dispose();
  tf.dispose(params);
  data.dispose();
});
