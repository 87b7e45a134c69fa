import assert from "node:assert/strict";
import { createDataset } from "../data/mod.ts";
import { Rng } from "../random/mod.ts";
import { condensationDirection } from "./condensation_direction.ts";
import { condensationRate } from "./condensation_rate.ts";
import { assertClose } from "../_test_util.ts";

/** max and min of D(θ) = (1/n) Σ yᵢ φ(u(θ)·xᵢ) over a fine grid of angles (2-D brute force). */
function grid2d(xs: number[][], ys: number[], alpha: number, points = 200_000) {
  const phi = (z: number) => (z > 0 ? z : alpha * z);
  let max = -Infinity, min = Infinity;
  for (let k = 0; k < points; k++) {
    const t = 2 * Math.PI * k / points, u = [Math.cos(t), Math.sin(t)];
    const v = xs.reduce((s, x, i) => s + ys[i] * phi(u[0] * x[0] + u[1] * x[1]), 0) / xs.length;
    max = Math.max(max, v);
    min = Math.min(min, v);
  }
  return { max, min };
}

Deno.test("condensationDirection: points in one open cone with positive targets, D* = ‖(1/n) Σ yᵢxᵢ‖ at u* ∝ Σ yᵢxᵢ", async () => {
  const rng = new Rng(2), d = 6;
  const xs = Array.from(
    { length: 5 },
    () => Array.from({ length: d }, (_, j) => (j === 0 ? 3 : 0) + 0.5 * rng.normal()),
  );
  const ys = [1, 2, 0.5, 1.5, 1];
  const c = Array.from({ length: d }, (_, j) => xs.reduce((s, x, i) => s + ys[i] * x[j], 0) / 5);
  const norm = Math.sqrt(c.reduce((s, v) => s + v * v, 0));
  assert.ok(
    xs.every((x) => x.reduce((s, v, j) => s + v * c[j], 0) > 0),
    "the closed form needs c·xᵢ > 0",
  );
  const data = createDataset(xs, ys.map((y) => [y]));
  const r = await condensationDirection(data);
  // The data set holds float32 inputs: agreement to their rounding.
  assertClose(r.rate, norm, { rtol: 1e-6 });
  r.direction.forEach((u, j) => assertClose(u, c[j] / norm, { atol: 1e-6 }));
  // All targets positive and every φ ≥ 0 on the cone's far side: min D is 0, at a u that no point sees.
  assertClose(r.negativeRate, 0, { atol: 1e-12 });
  data.dispose();
});

Deno.test("condensationDirection: 2-D data with mixed targets, against a brute-force grid of angles (ReLU and leaky ReLU)", async () => {
  const rng = new Rng(7);
  for (const alpha of [0, 0.2]) {
    for (let trial = 0; trial < 3; trial++) {
      const xs = Array.from({ length: 6 }, () => [rng.normal(), rng.normal()]);
      const ys = xs.map(() => rng.normal());
      const data = createDataset(xs, ys.map((y) => [y]));
      const r = await condensationDirection(data, { alpha });
      const want = grid2d(xs, ys, alpha);
      assertClose(r.rate, want.max, { atol: 1e-6 }, `max (α ${alpha})`);
      assertClose(r.negativeRate, -want.min, { atol: 1e-6 }, `min (α ${alpha})`);
      assertClose(Math.hypot(...r.direction), 1, { atol: 1e-12 });
      data.dispose();
    }
  }
});

Deno.test("condensationDirection: signed targets and the same answer for any seed", async () => {
  const data = createDataset([[1, 0.2], [0.1, 1], [-1, -0.5]], [1, 1, 0], { targets: "signed" });
  const [a, b] = [
    await condensationDirection(data, { seed: 1 }),
    await condensationDirection(data, { seed: 9 }),
  ];
  assertClose(a.rate, b.rate, { rtol: 1e-12 });
  const want = grid2d([[1, 0.2], [0.1, 1], [-1, -0.5]], [1, 1, -1], 0);
  assertClose(a.rate, want.max, { atol: 1e-6 });
  data.dispose();
});

Deno.test("condensationDirection: residuals of 0 leave fitted samples out; condensationRate agrees at the optimum and bounds every direction", async () => {
  const rng = new Rng(12);
  const xs = Array.from({ length: 5 }, () => [rng.normal(), rng.normal()]);
  const ys = [1, 1, -1, 1, -1];
  const data = createDataset(xs, ys.map((y) => [y]));
  const residuals = [0, 0, -1, 0, -1];
  const r = await condensationDirection(data, { residuals });
  // Only the two negative samples remain: the grid on them, with the 1/n of all five samples.
  const want = grid2d(xs, residuals, 0);
  assertClose(r.rate, want.max, { atol: 1e-6 });
  assertClose(r.negativeRate, -want.min, { atol: 1e-6 });
  const [atTop, atBottom] = await condensationRate(data, [r.direction, r.negativeDirection], {
    residuals,
  });
  assertClose(atTop, r.rate, { rtol: 1e-12 });
  assertClose(atBottom, -r.negativeRate, { rtol: 1e-12 });
  const random = Array.from({ length: 50 }, () => [rng.normal(), rng.normal()]);
  const rates = await condensationRate(data, random, { residuals });
  assert.ok(rates.every((v) => v <= r.rate + 1e-12 && v >= -r.negativeRate - 1e-12));
  data.dispose();
});

Deno.test("condensationRate: invalid arguments throw with exact messages", async () => {
  const data = createDataset([[1, 0]], [[1]]);
  await assert.rejects(() => condensationRate(data, [[1, 0, 0]]), {
    name: "RangeError",
    message:
      "Cannot compute the condensation rate: direction 0 must be a non-zero vector of length 2, current length is 3",
  });
  await assert.rejects(() => condensationRate(data, [[1, 0]], { residuals: [1, 2] }), {
    name: "RangeError",
    message:
      "Cannot compute the condensation rate: residuals must hold 1 finite numbers (one per sample), current length is 2",
  });
  data.dispose();
  // It failed inside tfjs with "Tensor is disposed.".
  await assert.rejects(() => condensationRate(data, [[1, 0]]), {
    name: "TypeError",
    message:
      "Cannot compute the condensation rate: data is disposed (its dispose() was called, which frees its tensors); load or create the dataset again, or dispose it only after its last use",
  });
});

Deno.test("condensationDirection: invalid arguments throw with exact messages", async () => {
  const data = createDataset([[1, 0]], [[1, 2]]);
  await assert.rejects(() => condensationDirection(data), {
    name: "TypeError",
    message:
      'Cannot find the condensation direction: the data must have one real or signed target per sample, current targets are "real" with 2 outputs',
  });
  const ok = createDataset([[1, 0]], [[1]]);
  await assert.rejects(() => condensationDirection(ok, { alpha: -0.1 }), {
    name: "RangeError",
    message:
      "Cannot find the condensation direction: alpha must be in [0, 1), current value is -0.1",
  });
  await assert.rejects(() => condensationDirection(ok, { maxIterations: 0 }), {
    name: "RangeError",
    message:
      "Cannot find the condensation direction: maxIterations must be a positive integer, current value is 0",
  });
  await assert.rejects(() => condensationDirection(ok, { starts: -1 }), {
    name: "RangeError",
    message:
      "Cannot find the condensation direction: starts must be a non-negative integer, current value is -1",
  });
  data.dispose();
  ok.dispose();
  await assert.rejects(() => condensationDirection(ok), {
    name: "TypeError",
    message:
      "Cannot find the condensation direction: data is disposed (its dispose() was called, which frees its tensors); load or create the dataset again, or dispose it only after its last use",
  });
});
