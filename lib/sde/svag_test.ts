import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { createDataset } from "../data/mod.ts";
import { disposeParams, mlp, mse } from "../nn/mod.ts";
import { heavyBall, sgd, train } from "../optim/mod.ts";
import { svag } from "./svag.ts";
import { assertClose } from "../_test_util.ts";

const context = { step: 0, rng: new Rng(0) };

Deno.test("svag's step has mean −(η/ℓ)∇L and covariance (η/ℓ)²·ℓ·Σ_B (two moments)", async () => {
  // Each of n coordinates is an independent sample: g₁, g₂ ~ N(μ, s²) per coordinate, as two
  // independent minibatch gradients with mean μ = ∇L and one-batch variance s².
  const n = 100_000, lr = 0.2, mu = 0.7, s = 1.3;
  const rng = new Rng(5);
  const draw = () => tf.tensor1d(rng.fillNormal(new Float32Array(n)).map((z) => mu + s * z));
  for (const l of [1, 2, 8]) {
    const opt = svag(sgd({ lr }), { l });
    const params = [tf.zeros([n])];
    const g1 = [draw()], g2 = [draw()];
    const before = tf.memory().numTensors;
    const state = opt.init(params);
    const step = opt.update([g1, g2], state, params, context);
    const u = await step.updates[0].data();
    disposeParams(step.updates);
    assert.equal(tf.memory().numTensors, before, "no leaked tensors");
    let m = 0, v = 0;
    for (const x of u) m += x;
    m /= n;
    for (const x of u) v += (x - m) ** 2;
    v /= n - 1;
    const wantVar = (lr / l) ** 2 * l * s * s;
    // 5 standard errors (float32 draws: relative rounding 6e-8, negligible).
    assertClose(m, -(lr / l) * mu, { atol: 5 * Math.sqrt(wantVar / n) }, `mean, ℓ = ${l}`);
    assertClose(v, wantVar, { atol: 5 * wantVar * Math.sqrt(2 / n) }, `variance, ℓ = ${l}`);
    disposeParams([params, g1, g2]);
  }
});

Deno.test("svag with ℓ = 1 is its base optimizer, and keeps the base's state (heavy ball)", async () => {
  const base = heavyBall({ lr: 0.1, momentum: 0.9 });
  const opt = svag(base, { l: 1 });
  const params = [tf.tensor1d([1, 2])];
  const g = [tf.tensor1d([0.5, -1])], other = [tf.tensor1d([100, 100])];
  const s0 = base.init(params);
  const a = base.update([g], s0, params, context);
  const b = opt.update([g, other], s0, params, context);
  assert.deepEqual(await a.updates[0].data(), await b.updates[0].data());
  // A second step: the velocity is carried in the base's state.
  const a2 = base.update([g], a.state, params, context);
  const b2 = opt.update([g, other], b.state, params, context);
  assert.deepEqual(await a2.updates[0].data(), await b2.updates[0].data());
  tf.dispose([params, g, other, s0, a, b, a2, b2] as unknown as tf.TensorContainer);
});

Deno.test("svag trains in the train loop, two minibatches a step", async () => {
  const data = createDataset([[1], [2], [3], [4]], [[1], [2], [3], [4]]);
  const model = mlp([1, 1], { bias: false, activation: "identity" });
  const before = tf.memory().numTensors;
  const run = await train({ model, loss: mse, data }, svag(sgd({ lr: 0.05 }), { l: 4 }), {
    steps: 40,
    batchSize: 2,
    every: 40,
    seed: 1,
  });
  // L(w) = ½ mean (w x − x)², minimized at w = 1: the loss falls.
  assert.ok((run.final.loss as number) < (run.history[0].loss as number));
  disposeParams(run.params);
  tf.dispose(run.state as tf.TensorContainer);
  assert.equal(tf.memory().numTensors, before, "no leaked tensors");
  data.dispose();
});

Deno.test("svag rejects ℓ < 1, multi-gradient or full-batch bases and a wrong gradient count", () => {
  assert.throws(() => svag(sgd({ lr: 0.1 }), { l: 0.5 }), {
    name: "RangeError",
    message:
      "Cannot create svag: l must be a finite number of at least 1 (l = 1 is the base optimizer), current value is 0.5",
  });
  assert.throws(() => svag(svag(sgd({ lr: 0.1 }), { l: 2 }), { l: 2 }), {
    name: "TypeError",
    message:
      "Cannot create svag: the base optimizer must take one minibatch gradient per step, but svag-sgd takes 2",
  });
  assert.throws(() => svag(heavyBall({ lr: 0.1, fullBatch: true }), { l: 2 }), {
    name: "TypeError",
    message:
      "Cannot create svag: the base optimizer must take one minibatch gradient per step, but heavy-ball takes the full-batch gradient",
  });
  const opt = svag(sgd({ lr: 0.1 }), { l: 2 });
  const p = [tf.zeros([1])];
  assert.throws(() => opt.update([p], {}, p, context), {
    name: "TypeError",
    message:
      "Cannot update svag-sgd: it takes 2 gradients per step (two independent minibatches), current count is 1",
  });
  disposeParams(p);
});
