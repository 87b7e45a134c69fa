import assert from "node:assert/strict";
import { levyPath } from "./levy_path.ts";
import { variance } from "./_test_helpers.ts";
import { assertClose } from "../_test_util.ts";

Deno.test("levyPath increments have the characteristic function exp(−h σ^α |ξ|^α)", () => {
  const n = 100_000;
  for (const [alpha, scale, h] of [[1.5, 0.7, 0.3], [0.8, 1, 0.05], [1, 0.5, 2]]) {
    const dL = new Float64Array(n);
    const path = levyPath(alpha, { particles: n, scale, seed: 5, t0: 1 });
    path.increment(1, 1 + h, dL);
    for (const xi of [0.5, 2]) {
      let re = 0;
      for (const v of dL) re += Math.cos(xi * v);
      // Standard error of a mean of cosines ≤ 1/√n ≈ 3.2e-3.
      assertClose(
        re / n,
        Math.exp(-h * (scale * xi) ** alpha),
        { atol: 0.016 },
        `φ(${xi}), α=${alpha}`,
      );
    }
  }
});

Deno.test("levyPath with α = 2 is √2·σ·W: increments of variance 2σ²h", () => {
  const n = 100_000, h = 0.4, scale = 0.5;
  const dL = new Float64Array(n);
  levyPath(2, { particles: n, scale, seed: 1 }).increment(0, h, dL);
  assertClose(variance(dL), 2 * scale ** 2 * h, { rtol: 5 * Math.sqrt(2 / n) }, "variance");
});

Deno.test("levyPath reproduces its seed", () => {
  const draw = (seed: number) => {
    const dL = new Float64Array(4);
    levyPath(1.3, { particles: 2, dim: 2, seed }).increment(0, 1, dL);
    return Array.from(dL);
  };
  assert.deepEqual(draw(3), draw(3));
  assert.notDeepEqual(draw(3), draw(4));
});

Deno.test("levyPath rejects α outside (0, 2], bad scales, Lévy areas and out-of-order increments", () => {
  for (const alpha of [0, 2.5, NaN]) {
    assert.throws(() => levyPath(alpha), {
      name: "RangeError",
      message:
        `Cannot create a Lévy path: alpha must be in (0, 2], current value is ${alpha}; α = 2 is Gaussian, smaller α heavier-tailed`,
    });
  }
  assert.throws(() => levyPath(1.5, { scale: 0 }), {
    name: "RangeError",
    message: "Cannot create a Lévy path: scale must be positive and finite, current value is 0",
  });
  const path = levyPath(1.5, { particles: 2 });
  const dL = new Float64Array(2);
  assert.throws(() => path.increment(0, 1, dL, new Float64Array(2)), {
    name: "TypeError",
    message:
      "Cannot draw a Lévy increment: a Lévy path has no Lévy area (dZ); use a Brownian path for order-1.5 solvers",
  });
  path.increment(0, 1, dL);
  assert.throws(() => path.increment(2, 3, dL), {
    name: "RangeError",
    message:
      "Cannot draw a Lévy increment: levyPath gives consecutive increments only, expected s = 1, current value is 2",
  });
});
