import assert from "node:assert/strict";
import { quadraticOracle } from "./quadratic_oracle.ts";
import { Rng } from "../random/mod.ts";
import { covariance, mean } from "./_test_helpers.ts";
import { assertClose } from "../_test_util.ts";

Deno.test("quadraticOracle gives the loss, gradient, noise square root and minibatch gradients", () => {
  const q = quadraticOracle({ curvature: [2, 0.5], center: [1, -1], noiseStd: [3, 0.2] });
  assert.equal(q.dim, 2);
  assert.equal(q.loss([2, 1]), 0.5 * 2 * 1 + 0.5 * 0.5 * 4);
  const g = new Float64Array(2);
  q.gradient(Float64Array.of(2, 1), g);
  assert.deepEqual(Array.from(g), [2, 1]);
  assert.equal(q.noise.kind, "sqrtCovariance");
  if (q.noise.kind === "sqrtCovariance") {
    const out = new Float64Array(2);
    q.noise.apply(g, Float64Array.of(1, -2), out);
    assert.deepEqual(Array.from(out), [3, -0.4]);
    q.noise.diagonal!(g, out);
    assertClose(out[0], 9, { rtol: 1e-15 });
    assertClose(out[1], 0.04, { rtol: 1e-15 });
  }
  // Minibatch gradients: mean ∇L, covariance Σ/B.
  const n = 50_000, B = 8, rng = new Rng(1);
  const a = new Float64Array(n), b = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    q.stochasticGradient([2, 1], rng, g, B);
    a[k] = g[0], b[k] = g[1];
  }
  assertClose(mean(a), 2, { atol: 5 * 3 / Math.sqrt(B * n) }, "mean 0");
  assertClose(covariance(a, a), 9 / B, { atol: 5 * 9 / B * Math.sqrt(2 / n) }, "var 0");
  assertClose(covariance(b, b), 0.04 / B, { atol: 5 * 0.04 / B * Math.sqrt(2 / n) }, "var 1");
  assertClose(covariance(a, b), 0, { atol: 5 * Math.sqrt(9 * 0.04) / B / Math.sqrt(n) }, "cov");
});

Deno.test("quadraticOracle rejects empty curvatures and mismatched lengths", () => {
  assert.throws(() => quadraticOracle({ curvature: [] }), {
    name: "RangeError",
    message:
      "Cannot build the quadratic oracle: curvature must hold one finite number per parameter",
  });
  assert.throws(() => quadraticOracle({ curvature: [1, 2], noiseStd: [1] }), {
    name: "RangeError",
    message:
      "Cannot build the quadratic oracle: center and noiseStd must hold d = 2 values, current lengths are 2 and 1",
  });
  assert.throws(() => quadraticOracle({ curvature: [1], noiseStd: -1 }), RangeError);
});
