import assert from "node:assert/strict";
import { mathjsGame } from "./mathjs_game.ts";
import { gameGrid } from "./game_grid.ts";
import type { DomainGrid } from "./domain_grid.ts";
import { nikaidoIsoda } from "./nikaido_isoda.ts";
import { nikaidoIsodaEstimate } from "./nikaido_isoda_estimate.ts";
import { sampleDensity } from "./sample_density.ts";
import { euclidean } from "./euclidean.ts";
import { sphere } from "./sphere.ts";
import { torus } from "./torus.ts";

function densityOn(grid: DomainGrid, f: (v: Float64Array) => number): Float64Array {
  const d = grid.domain.dim;
  const v = Float64Array.from(
    { length: grid.size },
    (_, g) => f(grid.points.subarray(g * d, g * d + d)),
  );
  const m = v.reduce((s, a, g) => s + a * grid.weights[g], 0);
  return v.map((a) => a / m);
}

// The estimate targets the NI of the laws the particles sample; in 1-D and 2-D that is exact by
// quadrature, so particles drawn from known densities give the reference. Stated tolerance: the
// error within 4 standard errors (the bar covers noise, not the small k-NN and log-mean biases).
const cases = [
  {
    name: "torus(1)",
    formula: "2*cos(x - y) + cos(x) - sin(y)",
    options: { temperature: 0.3 },
    points: 512,
    p: (v: Float64Array) => Math.exp(Math.cos(v[0] - 1)),
    q: (v: Float64Array) => Math.exp(0.5 * Math.sin(v[0])),
  },
  {
    name: "R with confinement",
    formula: "x*y + 0.5*sin(x)",
    options: { temperature: 0.5, x: euclidean(1), y: euclidean(1) },
    points: 512,
    p: (v: Float64Array) => Math.exp(-((v[0] - 0.5) ** 2)),
    q: (v: Float64Array) => Math.exp(-(v[0] ** 2) / 0.5),
  },
  {
    name: "torus(2)",
    formula: "cos(x1 - y1) * cos(x2 - y2) + 0.5*cos(2*x1)",
    options: { temperature: 0.5 },
    points: 64,
    p: (v: Float64Array) => Math.exp(Math.cos(v[0] - 1) + 0.5 * Math.cos(v[1])),
    q: (v: Float64Array) => Math.exp(0.8 * Math.sin(v[0] + v[1])),
  },
  {
    name: "sphere(3)",
    formula: "x1*y1 + x2*y2 + x3*y3 + x3",
    options: { temperature: 0.5, x: sphere(3), y: sphere(3) },
    points: [48, 96],
    p: (v: Float64Array) => Math.exp(v[0]),
    q: (v: Float64Array) => Math.exp(-v[2]),
  },
];

for (const c of cases) {
  Deno.test(`nikaidoIsodaEstimate agrees with the exact NI on ${c.name} within 4 standard errors`, async () => {
    const game = mathjsGame(c.formula, c.options);
    const grid = await gameGrid(game, { pointsX: c.points });
    const p = densityOn(grid.x, c.p), q = densityOn(grid.y, c.q);
    const exact = nikaidoIsoda(grid, p, q).value;
    const est = await nikaidoIsodaEstimate(
      game,
      sampleDensity(grid.x, p, 1500, { seed: 1 }),
      sampleDensity(grid.y, q, 1500, { seed: 2 }),
      { seed: 3 },
    );
    const z = Math.abs(est.value - exact) / est.standardError;
    assert.ok(
      z < 4,
      `estimate ${est.value} ± ${est.standardError}, exact ${exact} (${z.toFixed(1)} SE)`,
    );
    assert.ok(
      est.standardError < 0.2 * exact,
      `the error bar ${est.standardError} resolves NI ${exact}`,
    );
  });
}

Deno.test("nikaidoIsodaEstimate is reproducible and rejects bad options", async () => {
  const game = mathjsGame("cos(x1 - y1) + cos(x2 - y2) + cos(x3 - y3)", {
    x: torus(3),
    y: torus(3),
  });
  const x = new Float64Array(30).fill(1), y = new Float64Array(30).map((_, i) => i);
  const a = await nikaidoIsodaEstimate(game, x, y, { samples: 64, seed: 5 });
  const b = await nikaidoIsodaEstimate(game, x, y, { samples: 64, seed: 5 });
  assert.deepEqual(a, b);
  await assert.rejects(() => nikaidoIsodaEstimate(game, x, y, { samples: 0 }), {
    name: "RangeError",
    message:
      "Cannot estimate the Nikaidô–Isoda error: options.samples must be a positive integer, current value is 0",
  });
  await assert.rejects(() => nikaidoIsodaEstimate(game, x, y, { neighbors: 10 }), {
    name: "RangeError",
    message:
      "Cannot estimate the Nikaidô–Isoda error: x must have more particles than options.neighbors (10), current count is 10; draw more particles or lower neighbors",
  });
  await assert.rejects(
    () => nikaidoIsodaEstimate(game, x.subarray(1), y),
    /x must hold a positive whole number of points of 3 coordinates/,
  );
});
