import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { scaleInvariantNet } from "./scale_invariant_net.ts";
import { mse } from "./mse.ts";
import { disposeParams, flattenParams } from "./params.ts";
import { outputs64 } from "./_float64_reference.ts";
import { assertAllClose, assertClose, TOL } from "../_test_util.ts";

const X = [[0.5, -1.2, 0.3], [1.5, 0.2, -0.7], [-0.4, 0.9, 1.1]];

Deno.test("scaleInvariantNet: f(θ) is the inner MLP at ρ₀θ/‖θ‖ (float64 reference) and does not change with ‖θ‖", async () => {
  const net = scaleInvariantNet([3, 5, 2], { radius: 2.5 });
  assert.equal(net.radius, 2.5);
  const params = net.init(1);
  const theta = await flattenParams(params);
  const norm = Math.sqrt(theta.reduce((s, v) => s + v * v, 0));
  const unit = theta.map((v) => (2.5 * v) / norm);
  const before = tf.memory().numTensors;
  const x = tf.tensor2d(X);
  for (const c of [0.3, 1, 4]) {
    const scaled = params.map((p) => tf.mul(p, c));
    const out = net.apply(scaled, x);
    const got = await out.array();
    X.forEach((xi, i) => {
      const want = outputs64({ sizes: [3, 5, 2], activation: "tanh" }, unit, xi);
      assertAllClose(got[i], want, { rtol: TOL.float32, atol: 2 * TOL.float32 }, `c=${c} x${i}`);
    });
    disposeParams([scaled, [out]]);
  }
  x.dispose();
  assert.equal(tf.memory().numTensors, before);
  disposeParams(params);
});

Deno.test("scaleInvariantNet: ⟨∇L, θ⟩ = 0 and ∇L(2θ) = ∇L(θ)/2, as scale invariance implies", async () => {
  const net = scaleInvariantNet([3, 4, 1]);
  const params = net.init(2);
  const x = tf.tensor2d(X), y = tf.tensor2d([[0.3], [-1], [0.5]]);
  const lossAt = (...ps: tf.Tensor[]) => tf.mean(mse.perSample(net.apply(ps, x), y)) as tf.Scalar;
  const g1 = await flattenParams(tf.grads(lossAt)(params));
  const doubled = params.map((p) => tf.mul(p, 2));
  const g2 = await flattenParams(tf.grads(lossAt)(doubled));
  const theta = await flattenParams(params);
  const dot = theta.reduce((s, v, i) => s + v * g1[i], 0);
  const gn = Math.sqrt(g1.reduce((s, v) => s + v * v, 0));
  const tn = Math.sqrt(theta.reduce((s, v) => s + v * v, 0));
  assertClose(dot / (gn * tn), 0, { atol: 1e-5 }, "cos(∇L, θ)");
  assertAllClose(g2, Array.from(g1, (v) => v / 2), { rtol: 1e-4, atol: 1e-7 }, "∇L(2θ)");
  disposeParams([params, doubled, [x, y]]);
});

Deno.test("scaleInvariantNet: per-sample parameters are normalized sample by sample", async () => {
  const net = scaleInvariantNet([3, 4, 1]);
  const a = net.init(1), b = net.init(2);
  const stacked = a.map((t, j) => tf.stack([t, tf.mul(b[j], 5), tf.mul(t, 0.1)]));
  const x = tf.tensor2d(X);
  const batched = await net.apply(stacked, x).data();
  for (const [i, p] of [a, b, a].entries()) {
    const single = await net.apply(p, tf.tensor2d([X[i]])).data();
    assertClose(batched[i], single[0], { atol: 1e-6 }, `sample ${i}`);
  }
  disposeParams([a, b, stacked, [x]]);
});

Deno.test("scaleInvariantNet: a bad radius is a RangeError", () => {
  assert.throws(() => scaleInvariantNet([2, 3, 1], { radius: 0 }), {
    name: "RangeError",
    message:
      "Cannot build the scale-invariant net: radius must be a positive number, current value is 0",
  });
});
