import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { homogeneousNet } from "./homogeneous_net.ts";
import { disposeParams, flattenParams } from "./params.ts";
import { outputs64 } from "./_float64_reference.ts";
import { assertAllClose, TOL } from "../_test_util.ts";

const X = [[0.5, -1.2], [1.5, 0.2], [-0.4, 0.9]];

Deno.test("homogeneousNet: a bias-free ReLU MLP of degree L, f(cθ) = c^L f(θ), against float64", async () => {
  for (const sizes of [[2, 6, 1], [2, 5, 4, 1]]) {
    const net = homogeneousNet(sizes, { initScale: 0.7 });
    assert.equal(net.degree, sizes.length - 1);
    assert.equal(net.numParams, sizes.slice(1).reduce((s, m, l) => s + sizes[l] * m, 0));
    const params = net.init(3);
    const theta = await flattenParams(params);
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(X);
    for (const c of [0.5, 1, 3]) {
      const scaled = params.map((p) => tf.mul(p, c));
      const out = net.apply(scaled, x);
      const got = await out.data();
      X.forEach((xi, i) => {
        const want = outputs64({ sizes, activation: "relu", bias: false }, theta, xi)[0];
        assertAllClose([got[i]], [c ** net.degree * want], { rtol: 10 * TOL.float32, atol: 1e-6 });
      });
      disposeParams([scaled, [out]]);
    }
    x.dispose();
    assert.equal(tf.memory().numTensors, before);
    disposeParams(params);
  }
});

Deno.test("homogeneousNet: seeds reproduce and initScale multiplies the weights", async () => {
  const a = homogeneousNet([3, 4, 1]).init(5), b = homogeneousNet([3, 4, 1]).init(5);
  const c = homogeneousNet([3, 4, 1], { initScale: 2 }).init(5);
  const [ta, tb, tc] = [await flattenParams(a), await flattenParams(b), await flattenParams(c)];
  assert.deepEqual(ta, tb);
  assertAllClose(tc, Array.from(ta, (v) => 2 * v), { rtol: 1e-6 });
  disposeParams([a, b, c]);
});
