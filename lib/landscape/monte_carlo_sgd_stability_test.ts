import assert from "node:assert/strict";
import { monteCarloSgdStability } from "./monte_carlo_sgd_stability.ts";
import { sgdMeanSquareFactor } from "./linear_stability.ts";
import { assertClose, TOL } from "../_test_util.ts";
import { Rng } from "../random/mod.ts";

Deno.test("monteCarloSgdStability's mean square matches factor^T within its standard error", () => {
  // E x_T² = factor^T exactly (batches independent of x), on both sides of the boundary.
  const cases = [
    { a: 4, s: 6, lr: 0.2, batchSize: 5, n: 50 },
    { a: 4, s: 12, lr: 0.2, batchSize: 2, n: 50 },
    { a: 9, s: 3, lr: 0.2, batchSize: 10, n: 50 },
    { a: 10.5, s: 1, lr: 0.2, batchSize: 25, n: 50 },
    { a: 7, s: 40, lr: 0.1, batchSize: 1, n: 20 },
  ];
  for (const [k, c] of cases.entries()) {
    const sgd = { lr: c.lr, batchSize: c.batchSize, n: c.n };
    const r = monteCarloSgdStability({ a: c.a, s: c.s }, sgd, {
      chains: 20_000,
      steps: 6,
      seed: k,
    });
    const predicted = sgdMeanSquareFactor({ a: c.a, s: c.s }, sgd).factor;
    assertClose(r.factor, predicted, { rtol: TOL.float64 }, "factor");
    assert.ok(
      Math.abs(r.meanSquare - predicted ** 6) < 4 * r.standardError,
      `${JSON.stringify(c)}: mean x_T² = ${r.meanSquare} ± ${r.standardError}, predicted ${
        predicted ** 6
      }`,
    );
    assertClose(r.growth, r.meanSquare ** (1 / 6), { rtol: 1e-14 });
    assert.equal(r.predictedStable, predicted <= 1);
    assert.equal(r.diverged, r.meanSquare > 1);
    assert.equal(r.agrees, r.diverged !== r.predictedStable);
    assert.ok(r.agrees, JSON.stringify(c));
    assert.deepEqual([r.chains, r.steps], [20_000, 6]);
  }
});

Deno.test("monteCarloSgdStability samples batches without replacement: B = n is GD exactly", () => {
  // With B = n every batch is the whole set, so x_T = (1 − ηa)^T on every chain.
  const r = monteCarloSgdStability({ a: 3, s: 2 }, { lr: 0.5, batchSize: 8, n: 8 }, {
    chains: 10,
    steps: 5,
  });
  assertClose(r.meanSquare, (1 - 1.5) ** 10, { rtol: 1e-12 });
  assertClose(r.typicalGrowth, (1 - 1.5) ** 2, { rtol: 1e-12 });
  assertClose(r.standardError, 0, { atol: 1e-15 });
  // With n = 2 and B = 1 the factor is (1 − ηh₁)² or (1 − ηh₂)², each with probability ½.
  const two = monteCarloSgdStability({ a: 0, s: 0 }, { lr: 0.25, batchSize: 1, n: 2 }, {
    curvatures: [1, 6],
    chains: 40_000,
    steps: 1,
    seed: 3,
  });
  const exact = 0.5 * ((1 - 0.25) ** 2 + (1 - 1.5) ** 2);
  assert.ok(Math.abs(two.meanSquare - exact) < 4 * two.standardError);
  // The typical growth is the geometric mean: exp(½(log 0.75² + log 0.5²)) = 0.75·0.5 = 0.375,
  // within the binomial error of the two equally likely factors (|log 0.75² − log 0.5²| = 0.81).
  const logError = 4 * 0.5 * Math.abs(Math.log(0.75 ** 2 / 0.25)) / Math.sqrt(40_000);
  assert.ok(Math.abs(Math.log(two.typicalGrowth / 0.375)) < logError, `${two.typicalGrowth}`);
  // a and s come from the given curvatures: mean 3.5, standard deviation 2.5.
  assertClose(
    two.factor,
    sgdMeanSquareFactor({ a: 3.5, s: 2.5 }, {
      lr: 0.25,
      batchSize: 1,
      n: 2,
    }).factor,
    { rtol: 1e-14 },
  );
});

Deno.test("monteCarloSgdStability: the default curvatures have exactly mean a and deviation s", () => {
  // B = 1, T = 1: E x₁² = mean over i of (1 − ηh_i)² = (1 − ηa)² + η²s² whatever the h_i are, so
  // with many chains the estimate settles on the factor, which needs exact a and s.
  const r = monteCarloSgdStability({ a: 2, s: 3 }, { lr: 0.1, batchSize: 1, n: 5 }, {
    chains: 200_000,
    steps: 1,
    seed: 9,
  });
  assert.ok(Math.abs(r.meanSquare - r.factor) < 4 * r.standardError);
  assertClose(r.factor, 0.8 ** 2 + 0.01 * 9, { rtol: 1e-14 });
});

Deno.test("monteCarloSgdStability: most chains shrink where the second moment grows", () => {
  // B = 1 on curvatures h_i = c for nine samples and h₀ = c + 3.13 for one, η = 1, with
  // (1 − c)² = 0.8 and (1 − h₀)² = 5: a step multiplies x² by 0.8 with probability 0.9 and by 5
  // with probability 0.1. The second moment grows, factor = 0.72 + 0.5 = 1.22, but the typical
  // factor is exp(0.9·log 0.8 + 0.1·log 5) ≈ 0.961 < 1: most chains shrink.
  const n = 10, c = 1 - Math.sqrt(0.8), h0 = 1 + Math.sqrt(5);
  const h = Array.from({ length: n }, (_, i) => (i === 0 ? h0 : c));
  const r = monteCarloSgdStability({ a: 0, s: 0 }, { lr: 1, batchSize: 1, n }, {
    curvatures: h,
    chains: 100_000,
    steps: 5,
    seed: 11,
  });
  const factor = 0.9 * 0.8 + 0.1 * 5;
  const typical = Math.exp(0.9 * Math.log(0.8) + 0.1 * Math.log(5));
  assertClose(r.factor, factor, { rtol: 1e-12 });
  assert.ok(Math.abs(r.meanSquare - factor ** 5) < 4 * r.standardError);
  assert.ok(r.diverged && !r.predictedStable && r.agrees);
  // Standard error of the log-mean: √(0.09·(log 5 − log 0.8)²/(5·100 000)) ≈ 7.8e-4.
  assertClose(r.typicalGrowth, typical, { rtol: 4 * 7.8e-4 });
  assert.ok(r.typicalGrowth < 1 && r.growth > 1);
});

Deno.test("monteCarloSgdStability reproduces with a seed and changes without", () => {
  const sgd = { lr: 0.1, batchSize: 3, n: 30 };
  const one = monteCarloSgdStability({ a: 8, s: 20 }, sgd, { chains: 300, seed: 5 });
  const two = monteCarloSgdStability({ a: 8, s: 20 }, sgd, { chains: 300, seed: 5 });
  const other = monteCarloSgdStability({ a: 8, s: 20 }, sgd, { chains: 300, seed: 6 });
  assert.deepEqual(one, two);
  assert.notEqual(one.meanSquare, other.meanSquare);
  // The caller's curvatures are not modified.
  const h = new Rng(1).fillNormal(new Float64Array(30));
  const copy = Float64Array.from(h);
  monteCarloSgdStability({ a: 0, s: 0 }, sgd, { curvatures: h, chains: 10 });
  assert.deepEqual(h, copy);
});

Deno.test("monteCarloSgdStability rejects bad input with messages that name the argument", () => {
  const sgd = { lr: 0.1, batchSize: 2, n: 10 };
  const m = { a: 1, s: 1 };
  const cases: [() => unknown, string, string][] = [
    [
      () => monteCarloSgdStability(m, sgd, { chains: 0 }),
      "RangeError",
      "Cannot run Monte-Carlo SGD on the quadratics: chains must be a positive integer, current value is 0",
    ],
    [
      () => monteCarloSgdStability(m, sgd, { steps: 1.5 }),
      "RangeError",
      "Cannot run Monte-Carlo SGD on the quadratics: steps must be a positive integer, current value is 1.5",
    ],
    [
      () => monteCarloSgdStability(m, { ...sgd, batchSize: 11 }),
      "RangeError",
      "Cannot run Monte-Carlo SGD on the quadratics: batchSize must be at most n = 10 (batches are drawn without replacement), current value is 11",
    ],
    [
      () => monteCarloSgdStability(m, { ...sgd, lr: -1 }),
      "RangeError",
      "Cannot run Monte-Carlo SGD on the quadratics: lr must be a positive finite number, current value is -1",
    ],
    [
      () => monteCarloSgdStability({ a: 1, s: -2 }, sgd),
      "RangeError",
      "Cannot run Monte-Carlo SGD on the quadratics: s must be a finite number ≥ 0 (a standard deviation), current value is -2",
    ],
    [
      () => monteCarloSgdStability(m, sgd, { curvatures: [1, 2, 3] }),
      "RangeError",
      "Cannot run Monte-Carlo SGD on the quadratics: curvatures must hold n = 10 numbers, current length is 3",
    ],
    [
      () => monteCarloSgdStability(m, sgd, { curvatures: [1, 2, 3, 4, 5, 6, 7, 8, 9, NaN] }),
      "RangeError",
      "Cannot run Monte-Carlo SGD on the quadratics: curvatures must be finite numbers",
    ],
  ];
  for (const [fn, name, message] of cases) assert.throws(fn, { name, message });
});
