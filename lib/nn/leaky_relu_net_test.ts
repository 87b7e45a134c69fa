import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { hessianVectorProduct, homogeneityDegree, perSampleGradients } from "../landscape/mod.ts";
import { Rng } from "../random/mod.ts";
import { leakyReluNet } from "./leaky_relu_net.ts";
import { mse } from "./mse.ts";
import { disposeParams, flattenParams } from "./params.ts";
import { assertAllClose, assertClose, TOL } from "../_test_util.ts";

/** f(x) = Σₖ aₖ φ(wₖ·x) in float64; θ = [W (d×m row-major), a (m)]. */
function f64(theta: ArrayLike<number>, x: number[], d: number, m: number, alpha: number): number {
  let out = 0;
  for (let k = 0; k < m; k++) {
    let z = 0;
    for (let i = 0; i < d; i++) z += theta[i * m + k] * x[i];
    out += theta[d * m + k] * (z > 0 ? z : alpha * z);
  }
  return out;
}

/** L(θ) = (1/n) Σ ½(f(xᵢ) − yᵢ)² in float64. */
function loss64(
  theta: ArrayLike<number>,
  xs: number[][],
  ys: number[],
  d: number,
  m: number,
  alpha: number,
) {
  return xs.reduce((s, x, i) => s + 0.5 * (f64(theta, x, d, m, alpha) - ys[i]) ** 2, 0) / xs.length;
}

const XS = [[0.5, -1.2, 0.3], [1.5, 0.2, -0.7], [-0.4, 0.9, 1.1], [0.8, 0.8, -0.2]];
const YS = [1, -0.5, 0.3, 2];

Deno.test("leakyReluNet: outputs match float64 Σ aₖ max(wₖ·x, α wₖ·x), and f(cθ) = c² f(θ)", async () => {
  for (const alpha of [0, 0.1, 0.5]) {
    const net = leakyReluNet(3, 5, { alpha, initScale: 0.8 });
    assert.equal(net.degree, 2);
    assert.equal(net.numParams, 3 * 5 + 5);
    const params = net.init(2);
    const theta = await flattenParams(params);
    const x = tf.tensor2d(XS);
    const before = tf.memory().numTensors;
    const out = net.apply(params, x);
    assert.equal(tf.memory().numTensors, before + 1);
    const got = await out.data();
    XS.forEach((xi, i) =>
      assertClose(
        got[i],
        f64(theta, xi, 3, 5, alpha),
        { rtol: TOL.float32, atol: 1e-6 },
        `f(x${i})`,
      )
    );
    const scaled = params.map((p) => tf.mul(p, 1.7));
    const out2 = net.apply(scaled, x);
    const got2 = await out2.data();
    XS.forEach((_, i) => assertClose(got2[i], 1.7 ** 2 * got[i], { rtol: 1e-5, atol: 1e-6 }));
    disposeParams([scaled, [out, out2, x]]);
    disposeParams(params);
  }
});

Deno.test("leakyReluNet: the Hessian-vector product matches float64 central differences of the loss", async () => {
  const d = 3, m = 4, alpha = 0.2;
  const net = leakyReluNet(d, m, { alpha });
  const params = net.init(7);
  const theta = await flattenParams(params);
  const data = createDataset(XS, YS.map((y) => [y]));
  const rng = new Rng(1);
  const v = Array.from({ length: theta.length }, () => rng.normal());
  const hv = await hessianVectorProduct({ model: net, loss: mse, data, params }, v);
  // Second difference of L along v and cross terms: (Hv)_j = ∂_j ∂_v L by differences of the
  // float64 gradient; the gradient itself by central differences of the float64 loss (the net is
  // piecewise quadratic in θ, smooth away from kinks, which a generic θ avoids at step 1e-4).
  const h = 1e-4;
  const grad = (t: Float64Array) =>
    Float64Array.from(t, (_, j) => {
      const tp = Float64Array.from(t), tm = Float64Array.from(t);
      tp[j] += h;
      tm[j] -= h;
      return (loss64(tp, XS, YS, d, m, alpha) - loss64(tm, XS, YS, d, m, alpha)) / (2 * h);
    });
  const tp = Float64Array.from(theta, (t, j) => t + h * v[j]);
  const tm = Float64Array.from(theta, (t, j) => t - h * v[j]);
  const gp = grad(tp), gm = grad(tm);
  const want = Array.from(gp, (g, j) => (g - gm[j]) / (2 * h));
  assertAllClose(hv, want, { rtol: 1e-3, atol: 1e-3 }, "Hv");
  disposeParams(params);
  data.dispose();
});

Deno.test("leakyReluNet: per-sample parameters give the same per-sample gradients as a loop, and the degree is 2", async () => {
  const net = leakyReluNet(3, 6, { alpha: 0.1 });
  const params = net.init(3);
  const data = createDataset(XS, YS.map((y) => [y]));
  const point = { model: net, loss: mse, data, params };
  const batched = perSampleGradients(point);
  const looped = perSampleGradients({ ...point, model: { ...net, perSampleParams: false } });
  assertAllClose(await batched.data(), await looped.data(), { rtol: 1e-5, atol: 1e-6 });
  const h = await homogeneityDegree(point);
  assert.ok(h.homogeneous && Math.abs(h.degree - 2) < 1e-3, `degree ${h.degree}`);
  tf.dispose([batched, looped]);
  disposeParams(params);
  data.dispose();
});

Deno.test("leakyReluNet: seeds reproduce, the weights are N(0, initScale²/fan_in)", async () => {
  const net = leakyReluNet(50, 400, { initScale: 0.3 });
  const [a, b] = [net.init(9), net.init(9)];
  const [ta, tb] = [await flattenParams(a), await flattenParams(b)];
  assert.deepEqual(ta, tb);
  const W = ta.subarray(0, 50 * 400), A = ta.subarray(50 * 400);
  const sd = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
  assertClose(sd(W), 0.3 / Math.sqrt(50), { rtol: 0.02 });
  assertClose(sd(A), 0.3 / Math.sqrt(400), { rtol: 0.1 });
  disposeParams([a, b]);
});

Deno.test("leakyReluNet: invalid arguments throw with exact messages", () => {
  assert.throws(() => leakyReluNet(0, 3), {
    name: "RangeError",
    message:
      "Cannot build the leaky ReLU net: inputDim must be a positive integer, current value is 0",
  });
  assert.throws(() => leakyReluNet(2, 3, { alpha: 1 }), {
    name: "RangeError",
    message: "Cannot build the leaky ReLU net: alpha must be in [0, 1), current value is 1",
  });
  assert.throws(() => leakyReluNet(2, 3, { initScale: 0 }), {
    name: "RangeError",
    message:
      "Cannot build the leaky ReLU net: initScale must be a positive number, current value is 0",
  });
  const net = leakyReluNet(2, 3);
  const p = net.init(0);
  const [x2, x3] = [tf.zeros([1, 2]) as tf.Tensor2D, tf.zeros([1, 3]) as tf.Tensor2D];
  assert.throws(() => net.apply([p[0]], x2), {
    name: "TypeError",
    message:
      "Cannot apply the leaky ReLU net: params must hold 2 tensors [W, a], current length is 1",
  });
  assert.throws(() => net.apply(p, x3), {
    name: "TypeError",
    message: "Cannot apply the leaky ReLU net: x must have shape [n, 2], current shape is [1,3]",
  });
  disposeParams([p, [x2, x3]]);
});
