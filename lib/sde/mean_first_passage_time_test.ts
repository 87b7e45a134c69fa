import assert from "node:assert/strict";
import { meanFirstPassageTime } from "./mean_first_passage_time.ts";
import { assertClose } from "../_test_util.ts";

Deno.test("meanFirstPassageTime matches the closed forms for flat and linear potentials", () => {
  // Flat, reflected at a: T = ((b − a)² − (x₀ − a)²)/σ².
  assertClose(
    meanFirstPassageTime(() => 0, { lower: -1, from: 0.3, to: 2 }, { sigma: 0.7 }),
    (9 - 1.3 ** 2) / 0.49,
    { rtol: 1e-8 },
    "flat",
  );
  // U = −μx (drift μ): T = (b − x₀)/μ − (σ²/(2μ²))(e^{−2μ(x₀−a)/σ²} − e^{−2μ(b−a)/σ²}).
  const mu = 0.8, sigma = 1.1, a = 0, x0 = 0.5, b = 2;
  const want = (b - x0) / mu -
    sigma ** 2 / (2 * mu ** 2) *
      (Math.exp(-2 * mu * (x0 - a) / sigma ** 2) - Math.exp(-2 * mu * (b - a) / sigma ** 2));
  assertClose(
    meanFirstPassageTime((x) => -mu * x, { lower: a, from: x0, to: b }, { sigma }),
    want,
    {
      rtol: 1e-8,
    },
    "linear",
  );
});

Deno.test("meanFirstPassageTime approaches Kramers' law over a double-well barrier", () => {
  // U = x⁴/4 − x²/2: ΔU = 1/4, U''(−1) = 2, U''(0) = −1; reaching the top takes half the
  // transition time, (π/√2)e^{2ΔU/σ²}, up to a relative O(σ²) correction.
  const U = (x: number) => x ** 4 / 4 - x ** 2 / 2;
  const ratios = [0.4, 0.3, 0.2].map((sigma) =>
    meanFirstPassageTime(U, { lower: -4, from: -1, to: 0 }, { sigma }) /
    (Math.PI / Math.SQRT2 * Math.exp(0.5 / sigma ** 2))
  );
  // The corrections shrink with σ: measured 1.137, 1.087, 1.033, falling to 1.
  assert.ok(ratios[0] > ratios[1] && ratios[1] > ratios[2] && ratios[2] > 1, `ratios ${ratios}`);
  assertClose(ratios[2], 1, { atol: 0.05 }, "σ = 0.2");
});

Deno.test("meanFirstPassageTime rejects bad intervals, σ and steps", () => {
  assert.throws(() => meanFirstPassageTime(() => 0, { lower: 0, from: 1, to: 1 }), {
    name: "RangeError",
    message:
      "Cannot compute the mean first-passage time: the interval must have finite lower ≤ from < to, current values are lower = 0, from = 1, to = 1",
  });
  assert.throws(() => meanFirstPassageTime(() => 0, { lower: 0, from: 0, to: 1 }, { sigma: 0 }), {
    name: "RangeError",
    message:
      "Cannot compute the mean first-passage time: sigma must be a positive finite number, current value is 0",
  });
  assert.throws(
    () => meanFirstPassageTime(() => 0, { lower: 0, from: 0, to: 1 }, { steps: 5 }),
    RangeError,
  );
  assert.throws(
    () => meanFirstPassageTime((x) => -1e4 * x * x, { lower: -1, from: 0, to: 1 }, { sigma: 0.1 }),
    {
      name: "RangeError",
      message:
        "Cannot compute the mean first-passage time: the integrals overflowed; the barrier is too high for σ = 0.1",
    },
  );
});
