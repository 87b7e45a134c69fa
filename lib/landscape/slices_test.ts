import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { crossEntropy, mlp, mse } from "../nn/mod.ts";
import {
  lossAndGrad64,
  type Mlp64,
  outputs64,
  symmetricEigenvalues64,
} from "../nn/_float64_reference.ts";
import { filterNormalizedDirection } from "./filter_normalized_direction.ts";
import { lossSlice1d } from "./loss_slice_1d.ts";
import { lossSlice2d } from "./loss_slice_2d.ts";
import { lossAlongDirection } from "./loss_along_direction.ts";
import { inputSmoothness } from "./input_smoothness.ts";
import { tinyProblem } from "./_test_problems.ts";
import { assertClose } from "../_test_util.ts";

const NET: Mlp64 = { sizes: [2, 3, 2], activation: "tanh" };

Deno.test("filterNormalizedDirection: each filter has θ's norm, biases stay, seeds reproduce", async () => {
  const p = await tinyProblem(NET, "mse", 4, 2);
  const d = await filterNormalizedDirection(p.point, { seed: 5 });
  const layout = [[0, 2, 3], [9, 3, 2]]; // [offset, rows, cols] of W1 and W2
  for (const [off, rows, cols] of layout) {
    for (let j = 0; j < cols; j++) {
      let nt = 0, nd = 0;
      for (let i = 0; i < rows; i++) {
        nt += p.theta[off + i * cols + j] ** 2;
        nd += d[off + i * cols + j] ** 2;
      }
      assertClose(Math.sqrt(nd), Math.sqrt(nt), { rtol: 1e-12 }, `filter ${off}/${j}`);
    }
  }
  assert.deepEqual(Array.from(d.slice(6, 9)), [0, 0, 0], "b1 does not move");
  assert.deepEqual(await filterNormalizedDirection(p.point, { seed: 5 }), d);
  assert.notDeepEqual(await filterNormalizedDirection(p.point, { seed: 6 }), d);
  const withBias = await filterNormalizedDirection(p.point, { seed: 5, includeBiases: true });
  const nb = Math.hypot(...withBias.slice(6, 9)), tb = Math.hypot(...p.theta.slice(6, 9));
  assertClose(nb, tb, { rtol: 1e-12 }, "bias norm");
  p.dispose();
});

Deno.test("lossSlice1d and lossSlice2d equal the float64 loss at θ + αd₁ + βd₂", async () => {
  const p = await tinyProblem(NET, "mse", 5, 3);
  const d1 = await filterNormalizedDirection(p.point, { seed: 1 });
  const d2 = await filterNormalizedDirection(p.point, { seed: 2 });
  const loss64 = (a: number, b: number) =>
    lossAndGrad64(NET, "mse", p.theta.map((t, i) => t + a * d1[i] + b * d2[i]), p.xs, p.ys).value;
  const before = tf.memory().numTensors;
  const one = await lossSlice1d(p.point, { direction: d1, range: [-2, 1], points: 7 });
  assert.deepEqual(one.rows.map((r) => r.alpha), [-2, -1.5, -1, -0.5, 0, 0.5, 1]);
  for (const r of one.rows) assertClose(r.loss, loss64(r.alpha, 0), { rtol: 1e-5 }, `α=${r.alpha}`);
  const two = await lossSlice2d(p.point, { points: 5, seed: 1 });
  assert.equal(two.rows.length, 25);
  for (const r of two.rows) {
    assertClose(r.loss, loss64(r.alpha, r.beta), { rtol: 1e-5 }, `(${r.alpha}, ${r.beta})`);
  }
  const random = await lossSlice1d(p.point, { points: 3, seed: 1 });
  assert.deepEqual(random.direction, d1, "the default direction is filter-normalized, seed 1");
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(() => lossSlice1d(p.point, { range: [1, -1] }), {
    name: "RangeError",
    message:
      "Cannot slice the loss: range must be [lower, upper] with lower < upper, current value is [1,-1]",
  });
  await assert.rejects(() => lossSlice2d(p.point, { points: 0 }), {
    name: "RangeError",
    message: "Cannot slice the loss: points must be a positive integer, current value is 0",
  });
  p.dispose();
});

/** The least-squares slope of log y on log x, in float64. */
function slope(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log), ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length, my = ly.reduce((a, b) => a + b) / ly.length;
  let sxy = 0, sxx = 0;
  lx.forEach((x, i) => {
    sxy += (x - mx) * (ly[i] - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

Deno.test("lossAlongDirection: exponent ≈ 2 near a quadratic minimum, ≈ 1 on a linear tail", async () => {
  // ℓ(w) = log(1 + e^{−w x y}) with x = y = 1 at w = 0: the symmetric increase is
  // ΔL(t) = ½(softplus(t) + softplus(−t)) − log 2, ≈ t²/8 for small t and t/2 − log 2 for large t.
  const exact = (t: number) =>
    0.5 * (Math.log1p(Math.exp(t)) + Math.log1p(Math.exp(-t))) - Math.LN2;
  const data = createDataset([[1]], [1], { targets: "signed" });
  const model = mlp([1, 1], { bias: false, activation: "identity" });
  const params = [tf.tensor2d([[0]])];
  const point = { model, loss: crossEntropy, data, params };
  const small = await lossAlongDirection(point, [3], { range: [1e-2, 5e-2], points: 8 });
  assertClose(small.exponent, 2, { atol: 1e-2 }, "small t");
  assertClose(small.rows[0].increase, 1e-4 / 8, { rtol: 1e-2 }, "t²/8");
  const far = [20, 30, 50, 80];
  const large = await lossAlongDirection(point, [1], { distances: far });
  // The fit of the exact float64 ΔL (1.04 here: the −log 2 offset), and close to 1.
  assertClose(large.exponent, slope(far, far.map(exact)), { rtol: 1e-4 }, "large t");
  assert.ok(Math.abs(large.exponent - 1) < 0.05);
  assert.ok(large.rSquared > 0.999);
  const plus = await lossAlongDirection(point, [1], { distances: [1], side: "plus" });
  assertClose(plus.rows[0].increase, Math.log1p(Math.exp(-1)) - Math.LN2, { rtol: 1e-5 }, "plus");
  assert.ok(Number.isNaN(plus.exponent), "one point cannot be fitted");
  await assert.rejects(() => lossAlongDirection(point, [0]), {
    name: "RangeError",
    message:
      "Cannot measure the loss along the direction: direction must be non-zero, current norm is 0",
  });
  params[0].dispose();
  data.dispose();
});

Deno.test("inputSmoothness matches float64 input Jacobians, tr G and ‖W₁‖₂, and the bound holds", async () => {
  const net: Mlp64 = { sizes: [3, 4, 2], activation: "softplus" };
  const p = await tinyProblem(net, "mse", 5, 4);
  const { theta, xs } = p;
  let norm = 0, weighted = 0, trace = 0;
  for (const x of xs) {
    // ∂f/∂x by central differences of the float64 forward pass.
    let j2 = 0;
    for (let a = 0; a < 3; a++) {
      const xp = x.slice(), xm = x.slice();
      xp[a] += 1e-6;
      xm[a] -= 1e-6;
      const fp = outputs64(net, theta, xp), fm = outputs64(net, theta, xm);
      for (let c = 0; c < 2; c++) j2 += ((fp[c] - fm[c]) / 2e-6) ** 2;
    }
    norm += Math.sqrt(j2) / xs.length;
    weighted += x.reduce((s, v) => s + v * v, 0) * j2 / xs.length;
    // ∇θ f_c as the gradient of ½(f − y)² with residual e_c.
    const f = outputs64(net, theta, x);
    for (let c = 0; c < 2; c++) {
      const y = Array.from(f, (v, k) => v - (k === c ? 1 : 0));
      const g = lossAndGrad64(net, "mse", theta, [x], [y]).grad;
      trace += g.reduce((s, v) => s + v * v, 0) / xs.length;
    }
  }
  const W = theta.slice(0, 12);
  const gram = new Float64Array(16);
  for (let i = 0; i < 3; i++) {
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) gram[a * 4 + b] += W[i * 4 + a] * W[i * 4 + b];
    }
  }
  const wNorm = Math.sqrt(symmetricEigenvalues64(gram, 4)[3]);
  const before = tf.memory().numTensors;
  const r = await inputSmoothness(p.point, { chunkSize: 2 });
  assert.equal(tf.memory().numTensors, before);
  assertClose(r.meanInputGradientNorm, norm, { rtol: 1e-4 }, "mean ‖∇ₓf‖");
  assertClose(r.weightedInputGradient, weighted, { rtol: 1e-4 }, "weighted");
  assertClose(r.gaussNewtonTrace, trace, { rtol: 1e-4 }, "tr G");
  assertClose(r.firstLayerNorm, wNorm, { rtol: 1e-5 }, "‖W₁‖₂");
  assert.ok(r.holds && r.weightedInputGradient < r.bound);
  const looped = await inputSmoothness({
    ...p.point,
    model: { ...p.point.model, perSampleParams: false },
  });
  assertClose(looped.gaussNewtonTrace, trace, { rtol: 1e-4 }, "tr G, looped");
  p.dispose();
});

Deno.test("lossSlice2d names directions that are not two vectors", async () => {
  const data = createDataset([[1, 2]], [[0]]);
  const model = mlp([2, 1], { bias: false, activation: "identity" });
  const params = [tf.tensor2d([[0], [0]])];
  // It failed with "undefined is not iterable".
  await assert.rejects(
    () => lossSlice2d({ model, loss: mse, data, params }, { directions: -1 as never }),
    new TypeError(
      "Cannot slice the loss: directions must be two vectors [d1, d2] of length 2, current value is -1",
    ),
  );
  params[0].dispose();
  data.dispose();
});
