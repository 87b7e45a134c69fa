import assert from "node:assert/strict";
import { densityRows } from "./density_rows.ts";
import { domainGrid } from "./domain_grid.ts";
import { gameGrid } from "./game_grid.ts";
import { histogramDistance } from "./histogram_distance.ts";
import { kernelDensity } from "./kernel_density.ts";
import { mathjsGame } from "./mathjs_game.ts";
import { nikaidoIsoda } from "./nikaido_isoda.ts";
import { nikaidoIsodaEstimate } from "./nikaido_isoda_estimate.ts";
import { particleNikaidoIsoda } from "./particle_nikaido_isoda.ts";
import { sampleDensity } from "./sample_density.ts";
import { torus } from "./torus.ts";

// Each read a property of what it was given ("Cannot read properties of undefined (reading
// 'dim')") before these checks.
Deno.test("functions of a grid name a grid or game that is not one", async () => {
  const grid = domainGrid(torus(1), { points: 8 });
  const game = await gameGrid(mathjsGame("cos(x - y)"), { pointsX: 8 });
  const two = new Float64Array(2), eight = new Float64Array(8);
  const cases: [() => unknown, string][] = [
    [
      () => kernelDensity("__proto__" as never, two),
      'Cannot estimate the density: grid must be a grid from domainGrid(domain, options), current value is "__proto__"',
    ],
    [
      () => kernelDensity({ ...grid, domain: 5 } as never, two),
      "Cannot estimate the density: grid.domain must be a domain made by torus(dim), euclidean(dim) or sphere(dim), current value is 5",
    ],
    [
      () => histogramDistance(undefined as never, two, eight),
      "Cannot compare the histogram: grid must be a grid from domainGrid(domain, options), current value is undefined",
    ],
    [
      () => sampleDensity(null as never, eight, 3),
      "Cannot sample the density: grid must be a grid from domainGrid(domain, options), current value is null",
    ],
    [
      () => nikaidoIsoda({ ...game, x: 1 } as never, eight, eight),
      "Cannot compute the Nikaidô–Isoda error: grid.x must be a grid from domainGrid(domain, options), current value is 1",
    ],
    [
      () => particleNikaidoIsoda({} as never, two, two),
      "Cannot compute the particles' Nikaidô–Isoda error: grid must be a grid from gameGrid(game, options), current value is {}",
    ],
    [
      () => nikaidoIsodaEstimate(undefined as never, two, two),
      "Cannot estimate the Nikaidô–Isoda error: game must be a Game (mathjsGame, tensorGame or an object with x, y, temperature, payoff, fieldX, fieldY), current value is undefined",
    ],
  ];
  cases.push([
    () => kernelDensity({ ...grid, axes: [] } as never, two),
    'Cannot estimate the density: grid must be a grid from domainGrid(domain, options), current value is {"domain":{"kind":"torus","dim":1},"axes":[],"shape":[8],"size":8,"points":{"...',
  ], [
    () => densityRows(null as never, [1]),
    "Cannot make density rows: grid must be a grid from domainGrid(domain, options), current value is null",
  ]);
  for (const [call, message] of cases) {
    await assert.rejects(async () => await call(), new TypeError(message));
  }
});
