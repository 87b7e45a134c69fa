import assert from "node:assert/strict";
import { hutchPlusPlusTrace } from "./hutch_plus_plus_trace.ts";
import { hutchinsonTrace } from "./hutchinson_trace.ts";
import { denseOperator } from "./linear_operator.ts";
import { counting, householderOperator, matrixWithSpectrum } from "./_test_matrices.ts";
import { assertClose } from "../_test_util.ts";
import { Rng } from "../random/mod.ts";

/** d = 300: ten large eigenvalues 20…200 (low rank) plus a noise floor in [0, 0.2]. */
function lowRankPlusNoise() {
  const d = 300;
  const rng = new Rng(31);
  const spectrum = Array.from(
    { length: d },
    (_, i) => (i < 10 ? 20 * (i + 1) : 0.2 * rng.uniform()),
  );
  const known = matrixWithSpectrum(spectrum, 32);
  return { op: known.op, trace: spectrum.reduce((s, x) => s + x, 0) };
}

Deno.test("hutchPlusPlusTrace beats Hutchinson at equal products on a low-rank-plus-noise matrix", async () => {
  const { op, trace } = lowRankPlusNoise();
  const seeds = 40, matvecs = 60;
  let seHutch = 0, sePlus = 0, biasPlus = 0, reported = 0;
  for (let s = 0; s < seeds; s++) {
    const h = await hutchinsonTrace(op, { probes: matvecs, seed: s });
    const p = await hutchPlusPlusTrace(op, { matvecs, seed: s });
    seHutch += (h.trace - trace) ** 2;
    sePlus += (p.trace - trace) ** 2;
    biasPlus += p.trace - trace;
    reported += p.standardError ** 2;
  }
  const rmsHutch = Math.sqrt(seHutch / seeds), rmsPlus = Math.sqrt(sePlus / seeds);
  // Hutchinson's error is driven by the ten large eigenvalues (‖A‖_F ≈ 390 over √60 probes, times
  // √2); the sketch of 20 vectors captures them, leaving only the noise floor to sample.
  assert.ok(rmsPlus < rmsHutch / 20, `RMS error Hutch++ ${rmsPlus} vs Hutchinson ${rmsHutch}`);
  // Unbiased, and the reported standard error has the size of the actual error.
  assert.ok(
    Math.abs(biasPlus / seeds) < 4 * rmsPlus / Math.sqrt(seeds),
    `bias ${biasPlus / seeds}`,
  );
  assertClose(Math.sqrt(reported / seeds), rmsPlus, { rtol: 0.35 }, "standard error vs RMS error");
});

Deno.test("hutchPlusPlusTrace spends exactly its budget and splits it into thirds", async () => {
  const { op } = lowRankPlusNoise();
  for (const matvecs of [6, 7, 8, 99]) {
    const counted = counting(op);
    const res = await hutchPlusPlusTrace(counted, { matvecs, seed: 1 });
    assert.equal(counted.count, matvecs);
    assert.equal(res.matvecs, matvecs);
    assert.equal(res.sketchSize, Math.floor(matvecs / 3));
    assert.equal(res.probes, matvecs - 2 * Math.floor(matvecs / 3));
    assertClose(res.trace, res.lowRankTrace + res.residualTrace, { rtol: 1e-14 });
  }
});

Deno.test("hutchPlusPlusTrace is exact when the sketch captures the whole range", async () => {
  // Rank 3 in d = 2000, matrix-free: tr = 3 + 2 + 1 and the rank-deficient sketch gives its unused
  // products to the (zero) residual.
  const d = 2000;
  const spectrum = new Float64Array(d);
  spectrum.set([3, 2, 1]);
  const { op } = householderOperator(spectrum, 2);
  const res = await hutchPlusPlusTrace(op, { matvecs: 30 });
  assert.equal(res.sketchSize, 3);
  assert.equal(res.probes, 30 - 10 - 3);
  assertClose(res.trace, 6, { rtol: 1e-10 });
  assert.ok(Math.abs(res.residualTrace) < 1e-10, `residual ${res.residualTrace}`);
  const again = await hutchPlusPlusTrace(op, { matvecs: 30 });
  assert.deepEqual(again, res);
});

Deno.test("hutchPlusPlusTrace is exact, in d products, when the budget covers the dimension", async () => {
  // 2×2 with 30 products once returned 4.8 for trace 5: two Rademacher columns in 2-D are
  // dependent half the time and the residual was then sampled.
  for (let seed = 0; seed < 8; seed++) {
    const counted = counting(denseOperator([2, 1, 1, 3], 2));
    const res = await hutchPlusPlusTrace(counted, { matvecs: 30, seed });
    assert.equal(res.trace, 5);
    assert.equal(res.standardError, 0);
    assert.equal(counted.count, 2);
    assert.equal(res.matvecs, 2);
  }
});

Deno.test("hutchPlusPlusTrace rejects bad input with messages that name the argument", async () => {
  const op = denseOperator([1, 0, 0, 1], 2);
  for (const matvecs of [5, 6.5, -1]) {
    await assert.rejects(() => hutchPlusPlusTrace(op, { matvecs }), {
      name: "RangeError",
      message:
        `Cannot estimate the trace with Hutch++: matvecs must be an integer ≥ 6, current value is ${matvecs}`,
    });
  }
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => hutchPlusPlusTrace({ dim: -2, matvec: (v: Float64Array) => v } as any),
    {
      name: "RangeError",
      message:
        "Cannot estimate the trace with Hutch++: op.dim must be a positive integer, current value is -2",
    },
  );
});
