import assert from "node:assert/strict";
import { assertClose } from "../_test_util.ts";
import { modeCoverage } from "./mode_coverage.ts";

const means = Float64Array.of(1, 0, 0, 1, -1, 0, 0, -1);

Deno.test("modeCoverage: shares, quality and balance by hand", () => {
  // 4 samples at mode 0, 2 at mode 1, 1 at mode 2, 0 at mode 3, 1 far away (8 in all).
  const s = Float64Array.of(1, 0, 1.1, 0, 0.9, 0.05, 1, -0.1, 0, 1, 0.1, 1, -1, 0.2, 3, 3);
  const c = modeCoverage(s, means, 0.1);
  assert.deepEqual(c.shares, [0.5, 0.25, 0.125, 0]);
  assert.equal(c.quality, 7 / 8);
  // A mode needs a quarter of its fair share: 0.25/4 = 1/16 of the samples.
  assert.equal(c.covered, 3);
  assert.equal(c.coverage, 0.75);
  assert.equal(c.balance, Infinity);
  const balanced = modeCoverage(
    Float64Array.of(1, 0, 0, 1, -1, 0, 0, -1, 1, 0.1, 0, 0.9, -1, 0.1, 0, -1.1),
    means,
    0.1,
  );
  assertClose(balanced.balance, 0, { atol: 1e-15 });
  // share = 1 asks for the full fair share.
  assert.equal(modeCoverage(s, means, 0.1, { share: 1 }).covered, 2);
  // Within 0.5·σ = 0.05 only the two samples exactly at a mean count.
  assert.equal(modeCoverage(s, means, 0.1, { radius: 0.5 }).quality, 2 / 8);
});

Deno.test("modeCoverage rejects bad input", () => {
  assert.throws(() => modeCoverage(Float64Array.of(1, 2, 3), means, 0.1), {
    name: "RangeError",
    message:
      "Cannot measure mode coverage: samples must hold a positive whole number of points of 2 coordinates, current length is 3",
  });
  assert.throws(
    () => modeCoverage(Float64Array.of(1, 2), means, 0),
    /std must be a positive finite number, current value is 0/,
  );
  assert.throws(() => modeCoverage(Float64Array.of(1, 2), means, 1, { share: 2 }), {
    name: "RangeError",
    message: "Cannot measure mode coverage: options.share must be in (0, 1], current value is 2",
  });
});
