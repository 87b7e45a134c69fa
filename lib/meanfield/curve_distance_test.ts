import assert from "node:assert/strict";
import { assertClose } from "../_test_util.ts";
import { curveDistance } from "./curve_distance.ts";

Deno.test("curveDistance: max, mean and rms of |a − b| from an index", () => {
  const a = [3, 1, 2, 5], b = [0, 2, 4, 5];
  assert.equal(curveDistance(a, b), 3);
  assert.equal(curveDistance(a, b, { from: 1 }), 2);
  assertClose(curveDistance(a, b, { norm: "mean", from: 1 }), 1);
  assertClose(curveDistance(a, b, { norm: "rms", from: 1 }), Math.sqrt(5 / 3));
  assert.equal(curveDistance(a, a), 0);
});

Deno.test("curveDistance: bad input", () => {
  assert.throws(() => curveDistance([1, 2], [1]), {
    name: "RangeError",
    message:
      "Cannot compute the curve distance: the curves must have the same length, current lengths are 2 and 1",
  });
  assert.throws(() => curveDistance([1, 2], [1, 2], { from: 2 }), {
    name: "RangeError",
    message:
      "Cannot compute the curve distance: from must be an integer in [0, 1], current value is 2",
  });
  assert.throws(() => curveDistance([1, NaN], [1, 2]), {
    name: "RangeError",
    message:
      "Cannot compute the curve distance: the curves must be finite, current values at index 1 are NaN and 2",
  });
  assert.throws(() => curveDistance([1], [1], { norm: "l1" as "max" }), {
    name: "TypeError",
    message:
      'Cannot compute the curve distance: norm must be "max", "mean" or "rms", current value is "l1"',
  });
});
