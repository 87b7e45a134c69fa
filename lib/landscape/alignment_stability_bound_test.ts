import assert from "node:assert/strict";
import { alignmentStabilityBound } from "./alignment_stability_bound.ts";
import { assertClose } from "../_test_util.ts";
import { Rng } from "../random/mod.ts";

/** Every subset of {0..n−1} of size b. */
function subsets(n: number, b: number): number[][] {
  if (b === 0) return [[]];
  if (n < b) return [];
  return [...subsets(n - 1, b - 1).map((s) => [...s, n - 1]), ...subsets(n - 1, b)];
}

/**
 * Linear regression f = w·x with y = X w* (interpolation), ℓᵢ = ½(w·xᵢ − yᵢ)². Everything in
 * float64, the expectation over batches by enumerating all of them.
 */
function problem(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
  const delta = Array.from({ length: d }, () => rng.normal());
  const r = X.map((x) => x.reduce((s, v, j) => s + v * delta[j], 0)); // residuals at w* + δ
  const loss = (dd: number[]) =>
    X.reduce((s, x) => s + 0.5 * x.reduce((t, v, j) => t + v * dd[j], 0) ** 2, 0) / n;
  const H = Array.from(
    { length: d },
    (_, a) => Array.from({ length: d }, (_, b) => X.reduce((s, x) => s + x[a] * x[b], 0) / n),
  );
  const g = X.map((x, i) => x.map((v) => v * r[i]));
  const gbar = Array.from({ length: d }, (_, j) => g.reduce((s, gi) => s + gi[j], 0) / n);
  const Sigma = Array.from(
    { length: d },
    (_, a) =>
      Array.from(
        { length: d },
        (_, b) => g.reduce((s, gi) => s + gi[a] * gi[b], 0) / n - gbar[a] * gbar[b],
      ),
  );
  let trSH = 0, fro2 = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      trSH += Sigma[a][b] * H[b][a];
      fro2 += H[a][b] ** 2;
    }
  }
  return { X, delta, loss, H, g, trSH, fro2 };
}

Deno.test("alignmentStabilityBound: the one-step identity behind it, E L(θ') = ½δᵀ(I−ηH)H(I−ηH)δ + η²tr(ΣH)/(2B_eff), by enumerating every batch", () => {
  const n = 7, d = 3;
  for (const seed of [1, 2]) {
    const p = problem(n, d, seed);
    for (const [lr, B] of [[0.1, 1], [0.3, 2], [0.05, 5]]) {
      const batches = subsets(n, B);
      let expected = 0;
      for (const S of batches) {
        const gS = Array.from({ length: d }, (_, j) => S.reduce((s, i) => s + p.g[i][j], 0) / B);
        expected += p.loss(p.delta.map((v, j) => v - lr * gS[j])) / batches.length;
      }
      // (I − ηH)δ and the quadratic term.
      const u = p.delta.map((v, a) => v - lr * p.H[a].reduce((s, h, b) => s + h * p.delta[b], 0));
      const quad = 0.5 *
        u.reduce((s, ua, a) => s + ua * p.H[a].reduce((t, h, b) => t + h * u[b], 0), 0);
      const beff =
        alignmentStabilityBound({ lr, batchSize: B, n, alignment: 1 }).effectiveBatchSize;
      assertClose(
        expected,
        quad + lr * lr * p.trSH / (2 * beff),
        { rtol: 1e-12 },
        `E L' (η ${lr}, B ${B})`,
      );
      // Hence E L' ≥ (η²μ‖H‖_F²/B_eff)·L with μ measured at δ, the inequality the bound rests on.
      const mu = p.trSH / (2 * p.loss(p.delta) * p.fro2);
      const growth = alignmentStabilityBound({ lr, batchSize: B, n, alignment: mu })
        .growthPerUnitFrobeniusSquared * p.fro2;
      assert.ok(expected >= growth * p.loss(p.delta) * (1 - 1e-12));
    }
  }
});

Deno.test("alignmentStabilityBound: above the bound the loss must grow, E L' > L, at the point where μ is measured", () => {
  const n = 7, d = 3, B = 1;
  const p = problem(n, d, 3);
  const mu = p.trSH / (2 * p.loss(p.delta) * p.fro2);
  const bound = alignmentStabilityBound({ lr: 1, batchSize: B, n, alignment: mu }).maxFrobenius;
  // The bound scales as 1/η: choose η so that ‖H‖_F sits 10% above it.
  const lr = 1.1 * bound / Math.sqrt(p.fro2);
  const check = alignmentStabilityBound({ lr, batchSize: B, n, alignment: mu });
  assert.ok(Math.sqrt(p.fro2) > check.maxFrobenius);
  let expected = 0;
  for (let i = 0; i < n; i++) expected += p.loss(p.delta.map((v, j) => v - lr * p.g[i][j])) / n;
  assert.ok(expected > p.loss(p.delta), `E L' = ${expected} ≤ L = ${p.loss(p.delta)}`);
});

Deno.test("alignmentStabilityBound: B_eff with and without replacement; full batch has no noise bound", () => {
  const a = alignmentStabilityBound({
    lr: 0.5,
    batchSize: 8,
    alignment: 2,
    sampling: "with-replacement",
  });
  assertClose(a.effectiveBatchSize, 8);
  assertClose(a.maxFrobenius, Math.sqrt(4) / 0.5);
  const b = alignmentStabilityBound({ lr: 0.5, batchSize: 8, n: 32, alignment: 2 });
  assertClose(b.effectiveBatchSize, 8 * 31 / 24);
  assert.equal(
    alignmentStabilityBound({ lr: 0.5, batchSize: 32, n: 32, alignment: 2 }).maxFrobenius,
    Infinity,
  );
});

Deno.test("alignmentStabilityBound: invalid settings throw with exact messages", () => {
  const base = { lr: 0.1, batchSize: 4, n: 10, alignment: 0.5 };
  assert.throws(() => alignmentStabilityBound({ ...base, lr: 0 }), {
    name: "RangeError",
    message:
      "Cannot compute the alignment stability bound: lr must be a positive number, current value is 0",
  });
  assert.throws(() => alignmentStabilityBound({ ...base, batchSize: 1.5 }), {
    name: "RangeError",
    message:
      "Cannot compute the alignment stability bound: batchSize must be a positive integer, current value is 1.5",
  });
  assert.throws(() => alignmentStabilityBound({ ...base, alignment: -1 }), {
    name: "RangeError",
    message:
      "Cannot compute the alignment stability bound: alignment must be a positive number, current value is -1",
  });
  assert.throws(() => alignmentStabilityBound({ ...base, n: 3 }), {
    name: "RangeError",
    message:
      "Cannot compute the alignment stability bound: without replacement n must be an integer of at least max(2, batchSize) = 4, current value is 3",
  });
  assert.throws(
    () => alignmentStabilityBound({ ...base, sampling: "poisson" as "with-replacement" }),
    {
      name: "TypeError",
      message:
        'Cannot compute the alignment stability bound: sampling must be "without-replacement" or "with-replacement", current value is "poisson"',
    },
  );
  assert.throws(() => alignmentStabilityBound(null as unknown as typeof base), {
    name: "TypeError",
    message:
      "Cannot compute the alignment stability bound: give { lr, batchSize, n, alignment }, current value is null",
  });
});
