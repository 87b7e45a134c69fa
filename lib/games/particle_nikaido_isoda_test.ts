import assert from "node:assert/strict";
import { mathjsGame } from "./mathjs_game.ts";
import { gameGrid } from "./game_grid.ts";
import { gridSolver } from "./grid_solver.ts";
import { kernelDensity } from "./kernel_density.ts";
import { nikaidoIsoda } from "./nikaido_isoda.ts";
import { particleMeasure } from "./particle_measure.ts";
import { particleNikaidoIsoda } from "./particle_nikaido_isoda.ts";
import { sampleDensity } from "./sample_density.ts";
import { torus } from "./torus.ts";

Deno.test("particleNikaidoIsoda is the exact NI of the kernel density estimates", async () => {
  const grid = await gameGrid(mathjsGame("2*cos(x - y) + cos(x)", { temperature: 0.3 }), {
    pointsX: 64,
  });
  const x = particleMeasure(torus(1), 300, { seed: 1, center: [2], spread: 0.6 });
  const y = particleMeasure(torus(1), 200, { seed: 2 });
  const r = particleNikaidoIsoda(grid, x, y, { bandwidth: 0.3 });
  const kx = kernelDensity(grid.x, x, { bandwidth: 0.3 }),
    ky = kernelDensity(grid.y, y, { bandwidth: 0.3 });
  assert.equal(r.value, nikaidoIsoda(grid, kx.density, ky.density).value);
  assert.deepEqual([r.bandwidthX, r.bandwidthY], [0.3, 0.3]);
  assert.deepEqual(r.densityX, kx.density);
});

Deno.test("particleNikaidoIsoda: samples of the equilibrium sit far below particles elsewhere, and improve with n", async () => {
  const game = mathjsGame("2*cos(x - y) + cos(x) - sin(y)", { temperature: 0.3 });
  const grid = await gameGrid(game, { pointsX: 128 });
  const eq = await gridSolver(grid).solve();
  const ni = (n: number, seed: number) =>
    particleNikaidoIsoda(
      grid,
      sampleDensity(grid.x, eq.p, n, { seed }),
      sampleDensity(grid.y, eq.q, n, { seed: seed + 100 }),
    ).value;
  const mean = (n: number) => [1, 2, 3, 4].reduce((s, k) => s + ni(n, k), 0) / 4;
  const small = mean(200), large = mean(5000);
  const wrong = particleNikaidoIsoda(
    grid,
    particleMeasure(torus(1), 5000, { seed: 1 }),
    particleMeasure(torus(1), 5000, { seed: 2 }),
  ).value;
  assert.ok(large < small, `mean NI with 5000 samples ${large} vs 200 samples ${small}`);
  assert.ok(wrong > 30 * large, `uniform particles ${wrong} vs equilibrium samples ${large}`);
});
