import assert from "node:assert/strict";
import { linearFit } from "./linear_fit.ts";
import { assertClose } from "../_test_util.ts";

Deno.test("linearFit: slope, intercept, R² and the slope's standard error against hand formulas", () => {
  const x = [0, 1, 2, 3, 4], y = [1.1, 2.9, 5.2, 6.8, 9.1];
  const r = linearFit(x, y);
  // Sxx = 10, Sxy = Σ(x − 2)(y − 5.02) = 19.9, so slope 1.99, intercept 5.02 − 3.98.
  assertClose(r.slope, 1.99, { rtol: 1e-12 });
  assertClose(r.intercept, 1.04, { rtol: 1e-12 });
  const sse = y.reduce((s, v, i) => s + (v - (1.04 + 1.99 * x[i])) ** 2, 0);
  const syy = y.reduce((s, v) => s + (v - 5.02) ** 2, 0);
  assertClose(r.r2, 1 - sse / syy, { rtol: 1e-12 });
  assertClose(r.slopeStandardError, Math.sqrt(sse / (3 * 10)), { rtol: 1e-10 });
  assert.equal(r.n, 5);
});

Deno.test("linearFit rejects mismatched, non-finite and degenerate inputs", () => {
  assert.throws(() => linearFit([1, 2], [1]), {
    name: "TypeError",
    message:
      "Cannot fit a line: x and y must be arrays of the same length, at least 2, current lengths are 2 and 1",
  });
  assert.throws(() => linearFit([1, NaN], [1, 2]), {
    name: "TypeError",
    message: "Cannot fit a line: point 1 is not finite, (NaN, 2)",
  });
  assert.throws(() => linearFit([3, 3], [1, 2]), {
    name: "RangeError",
    message: "Cannot fit a line: x must take at least two distinct values",
  });
});
