import assert from "node:assert/strict";
import { logCurveDistance } from "./log_curve_distance.ts";
import { assertClose, TOL } from "../_test_util.ts";

Deno.test("logCurveDistance is the mean absolute log-ratio, symmetric and scale-free", () => {
  const a = [1, 0.5, 0.2, 0.1], b = [1, 0.25, 0.4, 0.1];
  // |log 2| twice and 0 twice over four points; from 1: over three.
  assertClose(logCurveDistance(a, b), Math.LN2 / 2, { rtol: TOL.float64 });
  assertClose(logCurveDistance(a, b, { from: 1 }), 2 * Math.LN2 / 3, { rtol: TOL.float64 });
  assert.equal(logCurveDistance(a, b), logCurveDistance(b, a));
  assertClose(
    logCurveDistance(a.map((v) => 1e3 * v), b.map((v) => 1e3 * v)),
    logCurveDistance(a, b),
    { rtol: TOL.float64 },
  );
  assert.equal(logCurveDistance(a, a), 0);
});

Deno.test("logCurveDistance rejects bad input with exact messages", () => {
  const what = "Cannot compute the log-curve distance";
  const cases: [() => unknown, string][] = [
    [
      () => logCurveDistance([1, 2], [1]),
      `${what}: the curves must have the same length, current lengths are 2 and 1`,
    ],
    [
      () => logCurveDistance([1, 2], [1, 2], { from: 2 }),
      `${what}: from must be an integer in [0, 1], current value is 2`,
    ],
    [
      () => logCurveDistance([1, 0], [1, 2]),
      `${what}: the curves must be positive and finite, current values at index 1 are 0 and 2`,
    ],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, message);
      return true;
    });
  }
});
