import assert from "node:assert/strict";
import { brownianPath } from "./brownian_path.ts";
import { covariance, mean, variance } from "./_test_helpers.ts";
import { assertClose } from "../_test_util.ts";

Deno.test("brownianPath increments have the joint law of (ΔW, ΔZ)", () => {
  const n = 200_000, h = 0.3;
  const path = brownianPath({ particles: n, levyArea: true, seed: 1, t0: 1 });
  const dW = new Float64Array(n), dZ = new Float64Array(n);
  path.increment(1, 1 + h, dW, dZ);
  // Var ΔW = h, Var ΔZ = h³/3, Cov = h²/2; 5 standard errors (Var of a sample variance of a
  // normal is 2σ⁴/n, of a product's mean about (σ_x²σ_y² + c²)/n).
  assertClose(mean(dW), 0, { atol: 5 * Math.sqrt(h / n) }, "mean ΔW");
  assertClose(variance(dW), h, { atol: 5 * h * Math.sqrt(2 / n) }, "Var ΔW");
  assertClose(variance(dZ), h ** 3 / 3, { atol: 5 * h ** 3 / 3 * Math.sqrt(2 / n) }, "Var ΔZ");
  const c = h * h / 2;
  assertClose(covariance(dW, dZ), c, {
    atol: 5 * Math.sqrt((h * h ** 3 / 3 + c * c) / n),
  }, "Cov(ΔW, ΔZ)");
  // The next increment is independent of this one.
  const dW2 = new Float64Array(n);
  path.increment(1 + h, 1 + 2 * h, dW2, dZ);
  assertClose(covariance(dW, dW2), 0, { atol: 5 * h / Math.sqrt(n) }, "Cov of successive ΔW");
});

Deno.test("brownianPath reproduces its seed and differs across seeds", () => {
  const draw = (seed: number | string) => {
    const dW = new Float64Array(6);
    brownianPath({ particles: 3, dim: 2, seed }).increment(0, 0.1, dW);
    return Array.from(dW);
  };
  assert.deepEqual(draw(4), draw(4));
  assert.deepEqual(draw("run"), draw("run"));
  assert.notDeepEqual(draw(4), draw(5));
});

Deno.test("brownianPath draws the same ΔW whether or not ΔZ is read", () => {
  const a = brownianPath({ particles: 4, levyArea: true, seed: 2 });
  const b = brownianPath({ particles: 4, levyArea: true, seed: 2 });
  const wa = new Float64Array(4), wb = new Float64Array(4), z = new Float64Array(4);
  a.increment(0, 0.5, wa);
  b.increment(0, 0.5, wb, z);
  assert.deepEqual(wa, wb);
  a.increment(0.5, 1, wa);
  b.increment(0.5, 1, wb, z);
  assert.deepEqual(wa, wb);
});

Deno.test("brownianPath rejects bad shapes, intervals and out-of-order increments", () => {
  assert.throws(
    () => brownianPath({ particles: 0 }),
    {
      name: "RangeError",
      message:
        "Cannot create a Brownian path: particles must be a positive integer, current value is 0",
    },
  );
  assert.throws(
    () => brownianPath({ dim: 1.5 }),
    {
      name: "RangeError",
      message:
        "Cannot create a Brownian path: dim must be a positive integer, current value is 1.5",
    },
  );
  assert.throws(
    () => brownianPath({ seed: -1 }),
    {
      name: "TypeError",
      message:
        "Cannot create a Brownian path: seed must be a non-negative integer below 2^53 or a string, current value is -1",
    },
  );
  const path = brownianPath({ particles: 2 });
  const dW = new Float64Array(2);
  assert.throws(
    () => path.increment(0.5, 0.5, dW),
    {
      name: "RangeError",
      message:
        "Cannot draw a Brownian increment: the interval must have u > s, current values are s = 0.5, u = 0.5",
    },
  );
  assert.throws(
    () => path.increment(0, 1, new Float64Array(3)),
    {
      name: "TypeError",
      message:
        "Cannot draw a Brownian increment: dW must be a Float64Array of length particles × dim = 2, current length is 3",
    },
  );
  assert.throws(
    () => path.increment(0, 1, dW, new Float64Array(2)),
    {
      name: "TypeError",
      message:
        "Cannot draw a Brownian increment: dZ was requested from a path created without levyArea; create it with levyArea: true",
    },
  );
  assert.throws(
    () => path.increment(-1, 1, dW),
    {
      name: "RangeError",
      message:
        "Cannot draw a Brownian increment: brownianPath gives consecutive increments only, expected s = t0 = 0 or later, current value is -1; use virtualBrownianTree to revisit times",
    },
  );
  path.increment(0, 1, dW);
  assert.throws(
    () => path.increment(0, 1, dW),
    {
      name: "RangeError",
      message:
        "Cannot draw a Brownian increment: brownianPath gives consecutive increments only, expected s = 1, current value is 0; use virtualBrownianTree to revisit times",
    },
  );
});
