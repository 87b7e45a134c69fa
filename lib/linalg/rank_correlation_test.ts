import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { rankCorrelation } from "./rank_correlation.ts";
import { assertClose } from "../_test_util.ts";

/** Spearman's ρ without ties by its classic formula 1 − 6Σd²/(n(n² − 1)). */
function spearmanNoTies(x: number[], y: number[]): number {
  const rank = (v: number[]) => {
    const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array(v.length);
    order.forEach((i, k) => (r[i] = k + 1));
    return r;
  };
  const rx = rank(x), ry = rank(y), n = x.length;
  const d2 = rx.reduce((s, r, i) => s + (r - ry[i]) ** 2, 0);
  return 1 - 6 * d2 / (n * (n * n - 1));
}

Deno.test("rankCorrelation: SciPy's documented examples, Kendall's τ_b with ties and Spearman's ρ with a tie", () => {
  // scipy.stats.kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) and spearmanr([1..5], [5, 6, 7, 8, 7]).
  assertClose(
    rankCorrelation([12, 2, 1, 12, 2], [1, 4, 7, 1, 0], { method: "kendall" }).value,
    -0.47140452079103173,
    { rtol: 1e-14 },
  );
  assertClose(rankCorrelation([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).value, 0.82078268166812329, {
    rtol: 1e-14,
  });
});

Deno.test("rankCorrelation: Spearman equals 1 − 6Σd²/(n(n²−1)) without ties, and the exact p-value its enumeration", () => {
  const rng = new Rng(3);
  for (let trial = 0; trial < 5; trial++) {
    const x = Array.from({ length: 6 }, () => rng.normal());
    const y = x.map((v) => v + rng.normal());
    const r = rankCorrelation(x, y, { permutations: 720 });
    const rho = spearmanNoTies(x, y);
    assertClose(r.value, rho, { rtol: 1e-12, atol: 1e-15 });
    assert.ok(r.exact);
    // The p-value by enumerating the 720 relabellings with the classic formula.
    let extreme = 0, total = 0;
    const perm = (prefix: number[], rest: number[]) => {
      if (rest.length === 0) {
        total++;
        if (Math.abs(spearmanNoTies(x, prefix.map((i) => y[i]))) >= Math.abs(rho) - 1e-12) {
          extreme++;
        }
        return;
      }
      rest.forEach((v, k) => perm([...prefix, v], [...rest.slice(0, k), ...rest.slice(k + 1)]));
    };
    perm([], [0, 1, 2, 3, 4, 5]);
    assert.equal(total, 720);
    assertClose(r.pValue, extreme / total, { rtol: 1e-12 });
  }
});

Deno.test("rankCorrelation: the sampled permutation p-value agrees with the exact one within 3 standard errors", () => {
  const rng = new Rng(8);
  const x = Array.from({ length: 8 }, () => rng.normal());
  const y = x.map((v) => 0.4 * v + rng.normal());
  for (const method of ["spearman", "kendall"] as const) {
    const exact = rankCorrelation(x, y, { method, permutations: 40_320, bootstrap: 10 });
    const sampled = rankCorrelation(x, y, { method, permutations: 4000, bootstrap: 10, seed: 1 });
    assert.ok(exact.exact && !sampled.exact);
    const se = Math.sqrt(exact.pValue * (1 - exact.pValue) / 4000);
    assert.ok(
      Math.abs(sampled.pValue - exact.pValue) <= 3 * se + 1 / 4001,
      `${method}: ${sampled.pValue} vs ${exact.pValue}`,
    );
  }
});

Deno.test("rankCorrelation: intervals: the bootstrap one holds the value, the null one holds 0 and is symmetric for Spearman", () => {
  const rng = new Rng(11);
  const x = Array.from({ length: 30 }, () => rng.normal());
  const strong = x.map((v) => v + 0.3 * rng.normal());
  const none = x.map(() => rng.normal());
  const a = rankCorrelation(x, strong, { seed: 2 });
  assert.ok(a.interval[0] <= a.value && a.value <= a.interval[1]);
  assert.ok(a.interval[0] > a.nullInterval[1], "a strong correlation sits above the null band");
  assert.ok(a.pValue < 0.01);
  const b = rankCorrelation(x, none, { seed: 2 });
  assert.ok(b.nullInterval[0] < 0 && 0 < b.nullInterval[1]);
  assertClose(b.nullInterval[0], -b.nullInterval[1], { atol: 0.05 });
  // Same seed, same numbers.
  assert.deepEqual(rankCorrelation(x, none, { seed: 2 }), b);
});

Deno.test("rankCorrelation: invalid arguments throw with exact messages", () => {
  assert.throws(() => rankCorrelation([1, 2], [1, 2]), {
    name: "TypeError",
    message:
      "Cannot compute the rank correlation: x and y must be arrays of the same length, at least 3, current lengths are 2 and 2",
  });
  assert.throws(() => rankCorrelation([1, 2, NaN], [1, 2, 3]), {
    name: "RangeError",
    message:
      "Cannot compute the rank correlation: x[2] must be a finite number, current value is NaN",
  });
  assert.throws(() => rankCorrelation([1, 2, 3], [1, 2, 3], { method: "pearson" as "kendall" }), {
    name: "TypeError",
    message:
      'Cannot compute the rank correlation: method must be "spearman" or "kendall", current value is "pearson"',
  });
  assert.throws(() => rankCorrelation([1, 2, 3], [1, 2, 3], { bootstrap: 0 }), {
    name: "RangeError",
    message:
      "Cannot compute the rank correlation: bootstrap must be a positive integer, current value is 0",
  });
  assert.throws(() => rankCorrelation([1, 2, 3], [1, 2, 3], { level: 1 }), {
    name: "RangeError",
    message: "Cannot compute the rank correlation: level must be in (0, 1), current value is 1",
  });
  assert.throws(() => rankCorrelation([1, 1, 1], [1, 2, 3]), {
    name: "RangeError",
    message:
      "Cannot compute the rank correlation: x and y must each take at least two distinct values",
  });
});
