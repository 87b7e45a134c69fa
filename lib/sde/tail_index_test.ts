import assert from "node:assert/strict";
import { fillStable, Rng } from "../random/mod.ts";
import { tailIndex } from "./tail_index.ts";
import { assertClose } from "../_test_util.ts";

Deno.test("tailIndex recovers α on synthetic symmetric α-stable samples", () => {
  // Over 10 seeds with K = 1e5 the estimator's sd was 0.01 (α = 0.6) to 0.05 (α = 1.8).
  for (const [k, alpha] of [0.6, 1, 1.3, 1.5, 1.8, 2].entries()) {
    const x = fillStable(new Rng(100 + k), new Float64Array(100_000), alpha, { scale: 0.3 });
    const r = tailIndex(x);
    assertClose(r.alpha, alpha, { atol: 0.15 }, `α = ${alpha}`);
    assert.deepEqual([r.blockSize, r.blocks, r.used, r.zeros], [316, 316, 99_856, 0]);
  }
});

Deno.test("tailIndex is scale invariant and honours the block size", () => {
  const x = fillStable(new Rng(3), new Float64Array(50_000), 1.4);
  const a = tailIndex(x, { blockSize: 100 });
  const b = tailIndex(x.map((v) => 7 * v), { blockSize: 100 });
  assert.deepEqual([a.blockSize, a.blocks, a.used], [100, 500, 50_000]);
  assertClose(b.alpha, a.alpha, { rtol: 1e-9 }, "scaled samples");
  assertClose(a.alpha, 1.4, { atol: 0.15 }, "α with K₁ = 100");
  // Zeros are skipped in the logarithms and counted.
  const z = Float64Array.from(x);
  z[0] = 0;
  assert.equal(tailIndex(z, { blockSize: 100 }).zeros, 1);
});

Deno.test("tailIndex rejects short, non-finite and all-zero samples and bad block sizes", () => {
  assert.throws(() => tailIndex([1, 2, 3]), {
    name: "RangeError",
    message:
      "Cannot estimate the tail index: samples must hold at least 4 values, current length is 3",
  });
  assert.throws(() => tailIndex([1, 2, 3, 4, 5], { blockSize: 3 }), {
    name: "RangeError",
    message:
      "Cannot estimate the tail index: blockSize must be an integer in [2, K/2] = [2, 2], current value is 3",
  });
  assert.throws(() => tailIndex([1, NaN, 3, 4]), {
    name: "RangeError",
    message: "Cannot estimate the tail index: samples must be finite, but samples[1] = NaN",
  });
  assert.throws(() => tailIndex([0, 0, 0, 0]), {
    name: "RangeError",
    message: "Cannot estimate the tail index: the samples are all zero",
  });
});
