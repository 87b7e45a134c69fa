import assert from "node:assert/strict";
import { estimateInterval, isSeedInterval, seedInterval } from "./seed_interval.ts";

Deno.test("the standard-error rule is mean ± k·s/√n with the n − 1 sample deviation", () => {
  const values = [0.12, 0.15, 0.11, 0.18, 0.14, 0.16];
  const n = values.length;
  // Float64 reference by the textbook formula, computed independently of the implementation.
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const se = Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
  const i3 = seedInterval(values);
  assert.ok(Math.abs(i3.mean - mean) < 1e-15);
  assert.ok(Math.abs(i3.standardError - se) < 1e-15);
  assert.ok(Math.abs(i3.low - (mean - 3 * se)) < 1e-15);
  assert.ok(Math.abs(i3.high - (mean + 3 * se)) < 1e-15);
  assert.equal(i3.rule, "mean ± 3 s.e. over 6 seeds");
  const i2 = seedInterval(values, { k: 2 });
  assert.ok(Math.abs(i2.high - (mean + 2 * se)) < 1e-15);
  assert.equal(i2.rule, "mean ± 2 s.e. over 6 seeds");
  assert.deepEqual(i3.values, values);
  assert.notEqual(i3.values, values, "the values are copied");
});

Deno.test("the range rule spans every seed", () => {
  const r = seedInterval([3, -1, 2], { rule: "range" });
  assert.deepEqual([r.low, r.high, r.mean], [-1, 3, 4 / 3]);
  assert.equal(r.rule, "range over 3 seeds");
  assert.equal(seedInterval([5], { rule: "range" }).rule, "range over 1 seed");
});

Deno.test("the bootstrap interval is seeded and close to the normal interval for many seeds", () => {
  // 200 values of a fixed smooth sequence: the percentile bootstrap of the mean approaches
  // mean ± 1.96·σ̂/√n with σ̂ the n-denominator deviation.
  const values = Array.from({ length: 200 }, (_, i) => Math.sin(1.7 * i) + 0.01 * i);
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sigma = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  const half = 1.959964 * sigma / Math.sqrt(n);
  const b = seedInterval(values, { rule: "bootstrap", resamples: 20_000, seed: 3 });
  assert.ok(Math.abs((b.high - b.low) / 2 - half) / half < 0.05, `${b.low}..${b.high} vs ±${half}`);
  assert.ok(Math.abs((b.high + b.low) / 2 - mean) < 0.1 * half);
  assert.equal(b.rule, "95% bootstrap interval of the mean over 200 seeds");
  assert.deepEqual(seedInterval(values, { rule: "bootstrap", resamples: 20_000, seed: 3 }), b);
  const narrow = seedInterval(values, { rule: "bootstrap", level: 0.5, seed: 3 });
  assert.ok(narrow.high - narrow.low < b.high - b.low);
  assert.equal(narrow.rule, "50% bootstrap interval of the mean over 200 seeds");
});

Deno.test("isSeedInterval tells intervals from numbers and arrays", () => {
  assert.equal(isSeedInterval(seedInterval([1, 2])), true);
  assert.equal(isSeedInterval([1, 2]), false);
  assert.equal(isSeedInterval(1), false);
  assert.equal(isSeedInterval(null), false);
});

Deno.test("seedInterval rejects bad input with messages that name it", () => {
  const throwsExactly = (fn: () => unknown, type: ErrorConstructor, message: string) =>
    assert.throws(fn, (e: Error) => e instanceof type && e.message === message);
  throwsExactly(
    () => seedInterval([1]),
    TypeError,
    "Cannot make a seed interval: values must be an array of at least 2 finite numbers (one per seed) for the standard-error rule, current value is [1]",
  );
  throwsExactly(
    () => seedInterval([], { rule: "range" }),
    TypeError,
    "Cannot make a seed interval: values must be an array of at least 1 finite number (one per seed) for the range rule, current value is []",
  );
  throwsExactly(
    () => seedInterval([1, NaN, 2], { rule: "bootstrap" }),
    TypeError,
    "Cannot make a seed interval: values must be an array of at least 2 finite numbers (one per seed) for the bootstrap rule, current value is [1, NaN, 2]",
  );
  throwsExactly(
    () => seedInterval([1, 2], { rule: "t" as never }),
    TypeError,
    'Cannot make a seed interval: rule must be "standard-error", "bootstrap" or "range", current value is "t"',
  );
  throwsExactly(
    () => seedInterval([1, 2], { k: 0 }),
    RangeError,
    "Cannot make a seed interval: k must be a positive number, current value is 0",
  );
  throwsExactly(
    () => seedInterval([1, 2], { rule: "bootstrap", level: 1 }),
    RangeError,
    "Cannot make a seed interval: level must be in (0, 1), current value is 1",
  );
  throwsExactly(
    () => seedInterval([1, 2], { rule: "bootstrap", resamples: 10 }),
    RangeError,
    "Cannot make a seed interval: resamples must be an integer of at least 100, current value is 10",
  );
});

Deno.test("estimateInterval is estimate ± k·s.e. and rejects bad input with exact messages", () => {
  const i = estimateInterval(2, 0.25, { k: 2, what: "slope" });
  assert.deepEqual([i.low, i.high, i.mean, i.seeds], [1.5, 2.5, 2, 1]);
  assert.equal(i.rule, "slope ± 2 s.e.");
  assert.equal(isSeedInterval(i), true);
  assert.throws(
    () => estimateInterval(NaN, 1),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot make an estimate interval: estimate must be a finite number, current value is NaN",
  );
  assert.throws(
    () => estimateInterval(1, -1),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot make an estimate interval: standardError must be a finite number ≥ 0, current value is -1",
  );
  assert.throws(
    () => estimateInterval(1, 1, { k: 0 }),
    (e: Error) =>
      e.message ===
        "Cannot make an estimate interval: k must be a positive number, current value is 0",
  );
});
