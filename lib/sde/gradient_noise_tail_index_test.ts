import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { mlp, mse } from "../nn/mod.ts";
import { fillStable, Rng, sampleWithoutReplacement } from "../random/mod.ts";
import { gradientNoiseTailIndex } from "./gradient_noise_tail_index.ts";
import { tailIndex } from "./tail_index.ts";
import { assertClose, TOL } from "../_test_util.ts";

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

// A bias-free linear model on residuals with α-stable (α = 1.3) label noise: large, uneven
// per-sample gradients.
function heavyLinearProblem() {
  const rng = new Rng(4), n = 400, d = 3;
  const xs = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
  const eps = fillStable(rng, new Float64Array(n), 1.3, { scale: 0.5 });
  const ys = xs.map((x, i) => x[0] - x[1] + eps[i]);
  const w = [0.4, -0.3, 0.2];
  const data = createDataset(xs, ys.map((y) => [y]));
  const model = mlp([d, 1], { bias: false, activation: "identity" });
  return { xs, ys, w, data, model, params: [tf.tensor2d(w.map((v) => [v]))] };
}

Deno.test("gradientNoiseTailIndex is the estimator on the minibatch noise ∇L_B − ∇L", async () => {
  const { xs, ys, w, data, model, params } = heavyLinearProblem();
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

Deno.test("gradientNoiseTailIndex with a preconditioner estimates on (∇L_B − ∇L)/P", async () => {
  const { xs, ys, w, data, model, params } = heavyLinearProblem();
  const point = { model, loss: mse, data, params };
  const options = { batchSize: 10, batches: 500, seed: 9 };
  const P = [1, 8, 0.05];
  const preconditioner = [tf.tensor2d(P.map((v) => [v]))];
  const before = tf.memory().numTensors;
  const r = await gradientNoiseTailIndex(point, { ...options, preconditioner });
  assert.equal(tf.memory().numTensors, before, "no leaked tensors, the preconditioner kept");
  const ref = noiseReference(xs, ys, w, 10, 500, 9);
  const want = tailIndex(ref.map((v, k) => v / P[k % 3]));
  assertClose(r.alpha, want.alpha, { rtol: 1e-3 }, "α̂ against the float64 rebuild divided by P");
  // A non-uniform P changes the pooled samples, hence the estimate (by far more than the
  // tolerance above, so the check cannot pass with P ignored).
  const plain = await gradientNoiseTailIndex(point, options);
  assert.ok(Math.abs(r.alpha - plain.alpha) > 0.1, `α̂ ${r.alpha} vs ${plain.alpha} without P`);
  // A uniform P = c scales every sample by 1/c, and the block-sum estimator is scale-free:
  // log|Y/c| − log|X/c| = log|Y| − log|X|.
  const uniform = [tf.fill([3, 1], 3)];
  const scaled = await gradientNoiseTailIndex(point, { ...options, preconditioner: uniform });
  assertClose(scaled.alpha, plain.alpha, { rtol: TOL.float64 }, "α̂ with P = 3 against P = 1");
  tf.dispose([params, preconditioner, uniform]);
  data.dispose();
});

Deno.test("gradientNoiseTailIndex: a preconditioner that equalizes coordinate scales removes their spread from α̂", async () => {
  // w = 0 and y = ε give gᵢⱼ = −εᵢ xᵢⱼ: with features xᵢⱼ = sⱼzᵢⱼ the noise of coordinate j is
  // exactly sⱼ times that of the unit-scale problem (xᵢⱼ = zᵢⱼ, same batches).
  const rng = new Rng(1), n = 400, s = [1, 10, 100];
  const z = Array.from({ length: n }, () => s.map(() => rng.normal()));
  const eps = z.map(() => [rng.normal()]);
  const model = mlp([3, 1], { bias: false, activation: "identity" });
  const params = [tf.zeros([3, 1])];
  const unitData = createDataset(z, eps);
  const scaledData = createDataset(z.map((row) => row.map((v, j) => v * s[j])), eps);
  // Blocks of 30 = 10 samples of each coordinate, 400 blocks.
  const options = { batchSize: 10, batches: 4000, seed: 9, blockSize: 30 };
  const unit = await gradientNoiseTailIndex({ model, loss: mse, data: unitData, params }, options);
  const mixed = await gradientNoiseTailIndex(
    { model, loss: mse, data: scaledData, params },
    options,
  );
  const preconditioner = [tf.tensor2d(s.map((v) => [v]))];
  const equalized = await gradientNoiseTailIndex(
    { model, loss: mse, data: scaledData, params },
    { ...options, preconditioner },
  );
  // Dividing by sⱼ gives back the unit problem's samples (up to float32 rounding).
  assertClose(equalized.alpha, unit.alpha, { rtol: TOL.float32 }, "α̂ with P = s against unit");
  // The unit problem's minibatch noise has finite variance: α̂ near 2.
  assertClose(unit.alpha, 2, { atol: 0.15 }, "unit-scale α̂");
  // Unequalized, the pooled samples are a scale mixture. For Gaussian-like noise a block sum has
  // E log|Y| shifted by ½ log mean(s²) and the samples E log|X| by mean(log s), so
  // 1/α̂ grows by (½ log mean(s²) − mean(log s))/log K₁ (≈ 0.52 here: α̂ ≈ 1, not 2). The
  // tolerance covers 400 blocks' sampling error and the finite data's unequal variances.
  const shift = (0.5 * Math.log((1 + 100 + 10_000) / 3) - Math.log(1000) / 3) / Math.log(30);
  assertClose(mixed.alpha, 1 / (1 / unit.alpha + shift), { atol: 0.1 }, "α̂ of the scale mixture");
  tf.dispose([params, preconditioner]);
  unitData.dispose();
  scaledData.dispose();
});

Deno.test("gradientNoiseTailIndex rejects a malformed preconditioner", async () => {
  const data = createDataset([[1], [2], [3]], [[0], [1], [2]]);
  const model = mlp([1, 1]);
  const params = model.init(0);
  const point = { model, loss: mse, data, params };
  const what = "Cannot estimate the gradient-noise tail index";
  const cases: [Parameters<typeof gradientNoiseTailIndex>[1], string, string][] = [
    [
      { preconditioner: [tf.ones([1, 1])] },
      "TypeError",
      `${what}: preconditioner must hold 2 tensors (the model's paramSpecs), current length is 1`,
    ],
    [
      { preconditioner: [tf.ones([1, 1]), 2 as unknown as tf.Tensor] },
      "TypeError",
      `${what}: preconditioner[1] (b1) must be a live tensor of shape [1], current value is 2`,
    ],
    [
      { preconditioner: [tf.ones([1]), tf.ones([1])] },
      "TypeError",
      `${what}: preconditioner[0] (W1) must be a live tensor of shape [1,1], current shape is [1]`,
    ],
    [
      { preconditioner: [tf.ones([1, 1]), tf.zeros([1])] },
      "RangeError",
      `${what}: preconditioner must be positive and finite (it divides the noise), but its flattened entry 1 is 0`,
    ],
    [
      { preconditioner: [tf.fill([1, 1], NaN), tf.ones([1])] },
      "RangeError",
      `${what}: preconditioner must be positive and finite (it divides the noise), but its flattened entry 0 is NaN`,
    ],
  ];
  for (const [options, name, message] of cases) {
    await assert.rejects(() => gradientNoiseTailIndex(point, { batchSize: 2, ...options }), {
      name,
      message,
    });
    tf.dispose(options!.preconditioner!.filter((p) => p instanceof tf.Tensor));
  }
  const disposed = [tf.ones([1, 1]), tf.ones([1])];
  tf.dispose(disposed);
  await assert.rejects(
    () => gradientNoiseTailIndex(point, { batchSize: 2, preconditioner: disposed }),
    {
      name: "TypeError",
      message:
        `${what}: preconditioner[0] (W1) must be a live tensor of shape [1,1], current tensor is disposed`,
    },
  );
  tf.dispose(params);
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
