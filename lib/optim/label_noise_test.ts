import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset, gaussianMixture } from "../data/mod.ts";
import { mlp, mse } from "../nn/mod.ts";
import { Rng } from "../random/mod.ts";
import { labelNoise, labelNoiseSgd } from "./label_noise.ts";
import { gd, sgd } from "./sgd.ts";
import { train } from "./train.ts";
import { assertClose } from "../_test_util.ts";

function batchOf(n: number) {
  const x = tf.zeros([n, 2]) as tf.Tensor2D, y = tf.fill([n, 1], 0.5);
  return { x, y, indices: Int32Array.from({ length: n }, (_, i) => i) };
}

Deno.test("labelNoise.prepareBatch adds fresh N(0, σ²) or ±σ noise to the targets, seeded, without touching the batch", async () => {
  const data = createDataset([[0, 0]], [[0]]);
  const n = 20000, sigma = 0.3;
  const batch = batchOf(n);
  for (const distribution of ["gaussian", "rademacher"] as const) {
    const opt = labelNoise(sgd({ lr: 0.1 }), { std: sigma, distribution });
    const before = tf.memory().numTensors;
    const out = opt.prepareBatch!(batch, { step: 0, rng: new Rng(4) }, data);
    assert.equal(tf.memory().numTensors, before + 1, "one new tensor: the noisy targets");
    assert.equal(out.x, batch.x);
    const y = await out.y.data();
    const noise = Array.from(y, (v) => v - 0.5);
    const mean = noise.reduce((s, v) => s + v, 0) / n;
    const variance = noise.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    // Standard errors: mean σ/√n = 0.002, variance σ²·√(2/n) = 0.0009 (Gaussian).
    assertClose(mean, 0, { atol: 0.01 }, `${distribution} mean`);
    assertClose(variance, sigma * sigma, { rtol: 0.05 }, `${distribution} variance`);
    if (distribution === "rademacher") {
      assert.ok(noise.every((v) => Math.abs(Math.abs(v) - sigma) < 1e-6));
    }
    const again = opt.prepareBatch!(batch, { step: 0, rng: new Rng(4) }, data);
    assert.deepEqual(await again.y.data(), y);
    assert.deepEqual(Array.from(await batch.y.data()).slice(0, 3), [0.5, 0.5, 0.5]);
    tf.dispose([out.y, again.y]);
  }
  tf.dispose([batch.x, batch.y]);
  data.dispose();
});

Deno.test("labelNoiseSgd in train: runs are seeded, and the noise moves a zero-loss linear fit", async () => {
  const data = createDataset([[1, 0], [0, 1], [1, 1]], [[1], [2], [3]]);
  const model = mlp([2, 1], { bias: false, activation: "identity" });
  const w = [tf.tensor2d([[1], [2]])];
  const run = (opt = labelNoiseSgd({ lr: 0.1, std: 0.5 }), seed = 1) =>
    train({ model, loss: mse, data }, opt, { params: w, steps: 20, batchSize: 1, every: 10, seed });
  const [a, b, c] = [await run(), await run(), await run(undefined, 2)];
  assert.deepEqual(a.history, b.history);
  assert.notDeepEqual(a.history, c.history);
  assert.ok((a.final.loss as number) > 1e-4, "noise keeps it off the exact fit");
  const quiet = await run(sgd({ lr: 0.1 }));
  assert.ok((quiet.final.loss as number) < 1e-10);
  for (const r of [a, b, c, quiet]) r.dispose();
  w[0].dispose();
  data.dispose();
});

Deno.test("labelNoise rejects full-batch bases, classification data and bad scales", () => {
  assert.throws(() => labelNoise(gd({ lr: 0.1 }), { std: 1 }), {
    name: "TypeError",
    message:
      "Cannot create labelNoise: gd takes full-batch gradients, which never pass through a batch to perturb; use sgd with batchSize equal to the data size instead",
  });
  assert.throws(() => labelNoiseSgd({ lr: 0.1, std: 0 }), {
    name: "RangeError",
    message: "Cannot create labelNoise: std must be a positive number, current value is 0",
  });
  assert.throws(() => labelNoise(sgd({ lr: 0.1 }), { std: 1, distribution: "cauchy" as never }), {
    name: "TypeError",
    message:
      'Cannot create labelNoise: distribution must be "gaussian" or "rademacher", current value is "cauchy"',
  });
  const data = gaussianMixture({ samples: 4, targets: "integer" });
  const batch = batchOf(2);
  assert.throws(
    () =>
      labelNoiseSgd({ lr: 0.1, std: 1 }).prepareBatch!(batch, { step: 0, rng: new Rng(0) }, data),
    {
      name: "TypeError",
      message:
        'Cannot add label noise: the data\'s targets are "integer", label noise needs real-valued targets (regression with mse)',
    },
  );
  tf.dispose([batch.x, batch.y]);
  data.dispose();
});
