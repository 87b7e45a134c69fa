import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { mlp, mse } from "../nn/mod.ts";
import { fillStable, Rng, sampleWithoutReplacement } from "../random/mod.ts";
import { gradientNoiseTailIndex } from "./gradient_noise_tail_index.ts";
import { tailIndex } from "./tail_index.ts";
import { assertClose } from "../_test_util.ts";

// A bias-free linear model f(x) = wᵀx with ℓ = ½(f − y)²: gᵢ = (wᵀxᵢ − yᵢ)xᵢ in closed form, so
// the noise samples can be rebuilt in float64 from the same minibatches.
function noiseReference(
  xs: number[][],
  ys: number[],
  w: number[],
  B: number,
  batches: number,
  seed: number,
) {
  const n = xs.length, d = w.length;
  const g = xs.map((x, i) => {
    const r = x.reduce((s, v, j) => s + v * w[j], 0) - ys[i];
    return x.map((v) => r * v);
  });
  const mean = Array.from({ length: d }, (_, j) => g.reduce((s, gi) => s + gi[j], 0) / n);
  const rng = new Rng(seed);
  const out = new Float64Array(batches * d);
  for (let b = 0; b < batches; b++) {
    const idx = sampleWithoutReplacement(rng, n, B);
    for (let j = 0; j < d; j++) {
      out[b * d + j] = Array.from(idx).reduce((s, i) => s + g[i][j], 0) / B - mean[j];
    }
  }
  return out;
}

Deno.test("gradientNoiseTailIndex is the estimator on the minibatch noise ∇L_B − ∇L", async () => {
  // Residuals with α-stable (α = 1.3) label noise: large, uneven per-sample gradients.
  const rng = new Rng(4), n = 400, d = 3;
  const xs = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
  const eps = fillStable(rng, new Float64Array(n), 1.3, { scale: 0.5 });
  const ys = xs.map((x, i) => x[0] - x[1] + eps[i]);
  const w = [0.4, -0.3, 0.2];
  const data = createDataset(xs, ys.map((y) => [y]));
  const model = mlp([d, 1], { bias: false, activation: "identity" });
  const params = [tf.tensor2d(w.map((v) => [v]))];
  const before = tf.memory().numTensors;
  const r = await gradientNoiseTailIndex({ model, loss: mse, data, params }, {
    batchSize: 10,
    batches: 500,
    seed: 9,
  });
  assert.equal(tf.memory().numTensors, before, "no leaked tensors");
  const want = tailIndex(noiseReference(xs, ys, w, 10, 500, 9));
  assertClose(r.alpha, want.alpha, { rtol: 1e-3 }, "α̂ against the float64 rebuild");
  assert.deepEqual([r.used, r.blockSize], [want.used, want.blockSize]);
  params[0].dispose();
  data.dispose();
});

Deno.test("gradientNoiseTailIndex rejects bad batch sizes and counts", async () => {
  const data = createDataset([[1], [2], [3]], [[0], [1], [2]]);
  const model = mlp([1, 1]);
  const params = model.init(0);
  await assert.rejects(
    () => gradientNoiseTailIndex({ model, loss: mse, data, params }, { batchSize: 3 }),
    {
      name: "RangeError",
      message:
        "Cannot estimate the gradient-noise tail index: batchSize must be an integer in [1, n − 1] = [1, 2], current value is 3",
    },
  );
  await assert.rejects(
    () => gradientNoiseTailIndex({ model, loss: mse, data, params }, { batchSize: 1, batches: 0 }),
    {
      name: "RangeError",
      message:
        "Cannot estimate the gradient-noise tail index: batches must be a positive integer, current value is 0",
    },
  );
  tf.dispose(params);
  data.dispose();
});
