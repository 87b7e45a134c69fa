import assert from "node:assert/strict";
import { sgdMeanSquareFactor } from "./linear_stability.ts";
import { linearStabilityConditions } from "./linear_stability_conditions.ts";
import { linearStabilityRegion } from "./linear_stability_region.ts";
import { linearStabilityBoundary } from "./linear_stability_boundary.ts";
import { assertClose, TOL } from "../_test_util.ts";
import { Rng, sampleWithoutReplacement } from "../random/mod.ts";

/** n curvatures h_i with exactly the given mean a and standard deviation s (population). */
function curvatures(n: number, a: number, s: number, seed: number): Float64Array {
  const h = new Rng(seed).fillNormal(new Float64Array(n));
  let m = 0;
  for (const x of h) m += x / n;
  let v = 0;
  for (const x of h) v += (x - m) ** 2 / n;
  return h.map((x) => a + s * (x - m) / Math.sqrt(v));
}

/** Mean and population standard deviation. */
function moments(h: Float64Array): { a: number; s: number } {
  const n = h.length;
  const a = h.reduce((t, x) => t + x, 0) / n;
  return { a, s: Math.sqrt(h.reduce((t, x) => t + (x - a) ** 2, 0) / n) };
}

/** E[(1 − ηg)²] by enumerating every batch of size B (all C(n, B) subsets, equally likely). */
function enumeratedFactor(h: Float64Array, lr: number, batchSize: number): number {
  const n = h.length;
  let total = 0, count = 0;
  const visit = (start: number, chosen: number, sum: number) => {
    if (chosen === batchSize) {
      total += (1 - lr * sum / batchSize) ** 2;
      count++;
      return;
    }
    for (let i = start; i <= n - (batchSize - chosen); i++) visit(i + 1, chosen + 1, sum + h[i]);
  };
  visit(0, 0, 0);
  return total / count;
}

Deno.test("sgdMeanSquareFactor equals E(1 − ηg)² over every batch without replacement", () => {
  const h = Float64Array.of(0.5, 3, -1, 7, 2.5, 4, 0, 1.25, 6, 2);
  const { a, s } = moments(h);
  for (const lr of [0.05, 0.3, 0.6]) {
    for (const batchSize of [1, 2, 3, 5, 9, 10]) {
      const res = sgdMeanSquareFactor({ a, s }, { lr, batchSize, n: h.length });
      assertClose(
        res.factor,
        enumeratedFactor(h, lr, batchSize),
        { rtol: TOL.float64 },
        `η=${lr}, B=${batchSize}`,
      );
      assertClose(res.factor, res.contraction + res.noise, { rtol: 1e-15 });
      assert.equal(res.stable, res.factor <= 1);
    }
  }
  // GD (B = n): no noise term; B = 1: γ = 1.
  assert.equal(sgdMeanSquareFactor({ a, s }, { lr: 0.1, batchSize: 10, n: 10 }).noise, 0);
  assert.equal(sgdMeanSquareFactor({ a, s }, { lr: 0.1, batchSize: 1, n: 10 }).gamma, 1);
});

Deno.test("sgdMeanSquareFactor predicts the growth of E x_t² in Monte-Carlo SGD", () => {
  // n = 50 scalar quadratics f_i(x) = ½h_i x²; M independent SGD chains from x_0 = 1, T steps, batches
  // drawn without replacement. E x_T² = factor^T exactly, so the measured per-step growth
  // (mean x_T²)^{1/T} must match the formula, on both sides of the stability boundary.
  const n = 50, chains = 20_000, steps = 6;
  const cases = [
    { a: 4, s: 6, lr: 0.2, batchSize: 5 }, // factor (0.2)² + 0.04·(45/245)·36 ≈ 0.30: stable
    { a: 4, s: 12, lr: 0.2, batchSize: 2 }, // ≈ 0.04 + 0.04·(48/98)·144 ≈ 2.86: unstable
    { a: 9, s: 3, lr: 0.2, batchSize: 10 }, // GD part (1 − 1.8)² = 0.64, noise 0.04·(40/490)·9
    { a: 10.5, s: 1, lr: 0.2, batchSize: 25 }, // ηa = 2.1 > 2: unstable even without noise
  ];
  const rng = new Rng(2024);
  for (const c of cases) {
    const h = curvatures(n, c.a, c.s, 7);
    const predicted = sgdMeanSquareFactor({ a: c.a, s: c.s }, {
      lr: c.lr,
      batchSize: c.batchSize,
      n,
    });
    let sum = 0, sumSquares = 0;
    for (let m = 0; m < chains; m++) {
      let x = 1;
      for (let t = 0; t < steps; t++) {
        const batch = sampleWithoutReplacement(rng, n, c.batchSize);
        let g = 0;
        for (const i of batch) g += h[i];
        x *= 1 - c.lr * g / c.batchSize;
      }
      sum += x * x;
      sumSquares += x ** 4;
    }
    const mean = sum / chains;
    const standardError = Math.sqrt((sumSquares / chains - mean * mean) / chains);
    // E x_T² against factor^T within 4 standard errors of the Monte-Carlo mean.
    const expected = predicted.factor ** steps;
    assert.ok(
      Math.abs(mean - expected) < 4 * standardError,
      `${JSON.stringify(c)}: E x_T² = ${mean} ± ${standardError}, predicted ${expected}`,
    );
    // And the verdict agrees with what the chains did: the second moment grew iff unstable.
    assert.equal(predicted.stable, mean < 1, JSON.stringify(c));
  }
});

Deno.test("linearStabilityConditions gives a ≤ 2/η and s ≤ (1/η)√(B(n−1)/(n−B))", () => {
  const sgd = { lr: 0.05, batchSize: 16, n: 1024 };
  const c = linearStabilityConditions({ a: 30, s: 50 }, sgd);
  assertClose(c.maxSharpness, 40, { rtol: 1e-15 });
  assertClose(c.maxNonUniformity, 20 * Math.sqrt(16 * 1023 / 1008), { rtol: 1e-14 });
  assert.ok(c.sharpnessOk && c.nonUniformityOk && c.satisfied);
  assert.equal(linearStabilityConditions({ a: 41, s: 0 }, sgd).satisfied, false);
  assert.equal(linearStabilityConditions({ a: -1, s: 0 }, sgd).sharpnessOk, false);
  const rough = linearStabilityConditions({ a: 30, s: 90 }, sgd);
  assert.ok(rough.sharpnessOk && !rough.nonUniformityOk && !rough.satisfied);
  // The bound is about √B/η for n ≫ B, and GD leaves s free.
  assertClose(
    linearStabilityConditions({ a: 1, s: 0 }, { lr: 0.1, batchSize: 8, n: 1e6 }).maxNonUniformity,
    Math.sqrt(8) / 0.1,
    { rtol: 1e-5 },
  );
  assert.equal(
    linearStabilityConditions({ a: 1, s: 1e9 }, { lr: 0.1, batchSize: 64, n: 64 }).maxNonUniformity,
    Infinity,
  );
  // The 1-D factor implies both: a stable (a, s) always satisfies the necessary conditions.
  const rng = new Rng(1);
  for (let t = 0; t < 1000; t++) {
    const minimum = { a: 60 * rng.uniform() - 5, s: 120 * rng.uniform() };
    if (sgdMeanSquareFactor(minimum, sgd).stable) {
      assert.ok(linearStabilityConditions(minimum, sgd).satisfied, JSON.stringify(minimum));
    }
  }
});

Deno.test("linearStabilityRegion tabulates the factor and linearStabilityBoundary traces factor = 1", () => {
  const sgd = { lr: 0.1, batchSize: 4, n: 100 };
  const rows = linearStabilityRegion(sgd, { aPoints: 41, sPoints: 31 });
  assert.equal(rows.length, 41 * 31);
  // Default ranges: a ∈ [0, 2.5/η], s ∈ [0, 1.5·sMax].
  const sMax = 10 * Math.sqrt(4 * 99 / 96);
  assert.equal(rows[0].a, 0);
  assertClose(rows[40].a, 25, { rtol: 1e-15 });
  assertClose(rows[rows.length - 1].s, 1.5 * sMax, { rtol: 1e-14 });
  for (const r of rows) {
    assertClose(r.factor, sgdMeanSquareFactor({ a: r.a, s: r.s }, sgd).factor, {
      rtol: 1e-14,
      atol: 1e-15,
    });
    assert.equal(r.stable, r.factor <= 1);
  }
  const curve = linearStabilityBoundary(sgd);
  assert.equal(curve.length, 201);
  assert.deepEqual([curve[0].a, curve[0].s], [0, 0]);
  assert.deepEqual([curve[200].a, curve[200].s], [20, 0]);
  for (const p of curve) {
    assertClose(sgdMeanSquareFactor(p, sgd).factor, 1, { rtol: 1e-12 }, `factor at a = ${p.a}`);
  }
  assertClose(Math.max(...curve.map((p) => p.s)), sMax, { rtol: 1e-12 }, "top of the curve");
  // Points just inside the curve are stable, just outside unstable.
  for (const p of curve.slice(1, -1)) {
    assert.ok(sgdMeanSquareFactor({ a: p.a, s: 0.999 * p.s }, sgd).stable);
    assert.ok(!sgdMeanSquareFactor({ a: p.a, s: 1.001 * p.s }, sgd).stable);
  }
});

Deno.test("linear stability functions reject bad input with messages that name the argument", () => {
  const m = { a: 1, s: 1 };
  const cases: [() => unknown, string, string][] = [
    [
      () => sgdMeanSquareFactor(m, { lr: 0, batchSize: 1, n: 10 }),
      "RangeError",
      "Cannot compute the mean-square factor: lr must be a positive finite number, current value is 0",
    ],
    [
      () => sgdMeanSquareFactor(m, { lr: -0.1, batchSize: 1, n: 10 }),
      "RangeError",
      "Cannot compute the mean-square factor: lr must be a positive finite number, current value is -0.1",
    ],
    [
      () => sgdMeanSquareFactor(m, { lr: 0.1, batchSize: 11, n: 10 }),
      "RangeError",
      "Cannot compute the mean-square factor: batchSize must be at most n = 10 (batches are drawn without replacement), current value is 11",
    ],
    [
      () => sgdMeanSquareFactor(m, { lr: 0.1, batchSize: 0, n: 10 }),
      "RangeError",
      "Cannot compute the mean-square factor: batchSize must be a positive integer, current value is 0",
    ],
    [
      () => sgdMeanSquareFactor(m, { lr: 0.1, batchSize: 2.5, n: 10 }),
      "RangeError",
      "Cannot compute the mean-square factor: batchSize must be a positive integer, current value is 2.5",
    ],
    [
      () => sgdMeanSquareFactor(m, { lr: 0.1, batchSize: 1, n: 1 }),
      "RangeError",
      "Cannot compute the mean-square factor: n must be an integer ≥ 2 (the batch variance needs two samples), current value is 1",
    ],
    [
      () => sgdMeanSquareFactor({ a: 1, s: -1 }, { lr: 0.1, batchSize: 1, n: 10 }),
      "RangeError",
      "Cannot compute the mean-square factor: s must be a finite number ≥ 0 (a standard deviation), current value is -1",
    ],
    [
      () => sgdMeanSquareFactor({ a: NaN, s: 1 }, { lr: 0.1, batchSize: 1, n: 10 }),
      "RangeError",
      "Cannot compute the mean-square factor: a must be a finite number, current value is NaN",
    ],
    [
      () => sgdMeanSquareFactor(m, null as unknown as { lr: number; batchSize: number; n: number }),
      "TypeError",
      "Cannot compute the mean-square factor: sgd must be an object { lr, batchSize, n }, current value is null",
    ],
    [
      () =>
        linearStabilityConditions(undefined as unknown as typeof m, {
          lr: 0.1,
          batchSize: 1,
          n: 10,
        }),
      "TypeError",
      "Cannot check the linear stability conditions: minimum must be an object { a, s }, current value is undefined",
    ],
    [
      () => linearStabilityRegion({ lr: 0.1, batchSize: 1, n: 10 }, { aRange: [1, 1] }),
      "RangeError",
      "Cannot compute the linear stability region: aRange must be two finite numbers [lower, upper] with lower < upper, current value is [1,1]",
    ],
    [
      () => linearStabilityRegion({ lr: 0.1, batchSize: 1, n: 10 }, { sPoints: 1 }),
      "RangeError",
      "Cannot compute the linear stability region: sPoints must be an integer ≥ 2, current value is 1",
    ],
    [
      () => linearStabilityBoundary({ lr: 0.1, batchSize: 10, n: 10 }),
      "RangeError",
      "Cannot draw the linear stability boundary: with batchSize = n = 10 (GD) the noise term vanishes and the region is the strip 0 ≤ a ≤ 2/η for every s; draw a rule at a = 2/η = 20 instead, or use batchSize < n",
    ],
    [
      () => linearStabilityBoundary({ lr: 0.1, batchSize: 1, n: 10 }, { points: 0 }),
      "RangeError",
      "Cannot draw the linear stability boundary: points must be an integer ≥ 2, current value is 0",
    ],
  ];
  for (const [fn, name, message] of cases) assert.throws(fn, { name, message });
});
