import assert from "node:assert/strict";
import { assertClose } from "../_test_util.ts";
import { type DomainGrid, domainGrid } from "./domain_grid.ts";
import { sampleDensity } from "./sample_density.ts";
import { euclidean } from "./euclidean.ts";
import { sphere } from "./sphere.ts";
import { torus } from "./torus.ts";

function normalise(grid: DomainGrid, f: (g: number) => number): Float64Array {
  const v = Float64Array.from({ length: grid.size }, (_, g) => f(g));
  const m = v.reduce((s, a, g) => s + a * grid.weights[g], 0);
  return v.map((a) => a / m);
}

Deno.test("sampleDensity: samples have the density's moments", () => {
  // N(0.5, 0.3²) on R: mean and variance (the in-cell jitter adds h²/12).
  const grid = domainGrid(euclidean(1, { extent: 3 }), { points: 300 });
  const h = grid.axes[0].spacing;
  const d = normalise(grid, (g) => Math.exp(-((grid.points[g] - 0.5) ** 2) / (2 * 0.09)));
  const n = 50000;
  const x = sampleDensity(grid, d, n, { seed: 3 }).positions;
  const mean = x.reduce((s, v) => s + v, 0) / n;
  const v = x.reduce((s, a) => s + (a - mean) ** 2, 0) / n;
  assertClose(mean, 0.5, { atol: 0.005 }, "mean");
  assertClose(v, 0.09 + h * h / 12, { rtol: 0.03 }, "variance");
});

Deno.test("sampleDensity: points lie on the domain and seeds reproduce", () => {
  const s2 = domainGrid(sphere(3), { points: [8, 16] });
  const u = normalise(s2, () => 1);
  const a = sampleDensity(s2, u, 200, { seed: 1 }), b = sampleDensity(s2, u, 200, { seed: 1 });
  assert.deepEqual(a.positions, b.positions);
  for (let i = 0; i < 200; i++) {
    assertClose(Math.hypot(a.positions[3 * i], a.positions[3 * i + 1], a.positions[3 * i + 2]), 1, {
      atol: 1e-15,
    });
  }
  const t = domainGrid(torus(2), { points: 6 });
  const x = sampleDensity(t, normalise(t, () => 1), 500, { seed: 2 });
  assert.ok(x.positions.every((v) => v >= 0 && v < 2 * Math.PI));
  assert.deepEqual(x.domain, torus(2));
  assert.throws(
    () => sampleDensity(t, normalise(t, () => 1), 0),
    /count must be a positive integer/,
  );
});
