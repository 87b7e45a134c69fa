import assert from "node:assert/strict";
import { hutchinsonTrace } from "./hutchinson_trace.ts";
import { denseOperator } from "./linear_operator.ts";
import { counting, matrixWithSpectrum } from "./_test_matrices.ts";
import { assertClose } from "../_test_util.ts";

/** d = 50, spectrum in [−2, 5], and its exact trace and per-probe Rademacher variance. */
function fixture() {
  const d = 50;
  const spectrum = Array.from({ length: d }, (_, i) => -2 + 7 * (i / (d - 1)) ** 2);
  const known = matrixWithSpectrum(spectrum, 21);
  let trace = 0, frobenius2 = 0, diagonal2 = 0;
  for (let i = 0; i < d; i++) {
    trace += known.matrix[i * d + i];
    diagonal2 += known.matrix[i * d + i] ** 2;
    for (let j = 0; j < d; j++) frobenius2 += known.matrix[i * d + j] ** 2;
  }
  // Var(zᵀAz) = 2 Σ_{i≠j} A_ij² = 2(‖A‖_F² − Σ A_ii²) for Rademacher z and symmetric A.
  return { op: known.op, trace, variance: 2 * (frobenius2 - diagonal2) };
}

Deno.test("hutchinsonTrace is unbiased and its error shrinks like 1/√probes", async () => {
  const { op, trace, variance } = fixture();
  const seeds = 300;
  const rms: number[] = [];
  for (const probes of [8, 32, 128]) {
    let se = 0, meanReportedVariance = 0, bias = 0;
    for (let s = 0; s < seeds; s++) {
      const res = await hutchinsonTrace(op, { probes, seed: s });
      se += (res.trace - trace) ** 2;
      bias += res.trace - trace;
      meanReportedVariance += res.standardError ** 2;
    }
    const predicted = Math.sqrt(variance / probes);
    rms.push(Math.sqrt(se / seeds));
    // With 300 repetitions the RMS error is within about ±10% (4σ) of its expectation.
    assertClose(rms[rms.length - 1], predicted, { rtol: 0.12 }, `RMS error at ${probes} probes`);
    // The reported standard error estimates the same quantity (its square is unbiased).
    assertClose(
      Math.sqrt(meanReportedVariance / seeds),
      predicted,
      { rtol: 0.05 },
      `standard error at ${probes}`,
    );
    // Unbiased: the mean error is within 4 standard errors of the mean of 300 runs.
    assert.ok(Math.abs(bias / seeds) < 4 * predicted / Math.sqrt(seeds), `bias ${bias / seeds}`);
  }
  // Four times the probes, half the error (±20% is about 3.5 standard deviations here).
  assertClose(rms[0] / rms[1], 2, { rtol: 0.2 }, "8 → 32 probes");
  assertClose(rms[1] / rms[2], 2, { rtol: 0.2 }, "32 → 128 probes");
});

Deno.test("hutchinsonTrace uses one product per probe, is seeded, and reports progress", async () => {
  const { op } = fixture();
  const counted = counting(op);
  const seen: number[] = [];
  const a = await hutchinsonTrace(counted, {
    probes: 17,
    seed: 4,
    onProgress: (p) => seen.push(p.done),
  });
  assert.equal(counted.count, 17);
  assert.equal(a.probes, 17);
  assert.equal(a.samples.length, 17);
  // Progress after each batch of 8 probes.
  assert.deepEqual(seen, [8, 16, 17]);
  const b = await hutchinsonTrace(op, { probes: 17, seed: 4 });
  assert.deepEqual(a, b);
  // The same probes in other batches: the same estimate (these float64 products are exact).
  const one = await hutchinsonTrace(op, { probes: 17, seed: 4, batchSize: 1 });
  assert.deepEqual(one.samples, a.samples);
  const c = await hutchinsonTrace(op, { probes: 17, seed: 5 });
  assert.notEqual(c.trace, a.trace);
  // The mean of the samples is the estimate.
  assertClose(a.trace, a.samples.reduce((s, x) => s + x, 0) / 17, { rtol: 1e-14 });
});

Deno.test("hutchinsonTrace rejects bad input with messages that name the argument", async () => {
  const op = denseOperator([1, 0, 0, 1], 2);
  const cases: [unknown, string, string][] = [
    [{ probes: 1 }, "RangeError", "probes must be an integer ≥ 2, current value is 1"],
    [{ probes: 2.5 }, "RangeError", "probes must be an integer ≥ 2, current value is 2.5"],
    [
      { seed: 1.5 },
      "TypeError",
      "seed must be a non-negative integer below 2^53 or a string, current value is 1.5",
    ],
  ];
  for (const [options, name, message] of cases) {
    // deno-lint-ignore no-explicit-any
    await assert.rejects(() => hutchinsonTrace(op, options as any), {
      name,
      message: `Cannot estimate the trace: ${message}`,
    });
  }
  await assert.rejects(
    () => hutchinsonTrace({ dim: 2, matvec: () => Float64Array.of(NaN, 0) }),
    {
      name: "RangeError",
      message:
        "Cannot estimate the trace: op.matvec returned a non-finite value (NaN) at index 0; check the operator, e.g. a diverged model gives NaN Hessian-vector products",
    },
  );
});
