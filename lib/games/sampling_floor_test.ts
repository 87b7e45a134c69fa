import assert from "node:assert/strict";
import { assertClose } from "../_test_util.ts";
import { mathjsGame } from "./mathjs_game.ts";
import { gameGrid } from "./game_grid.ts";
import { gridSolver } from "./grid_solver.ts";
import { sampleDensity } from "./sample_density.ts";
import { histogramDistance } from "./histogram_distance.ts";
import { quasistaticLangevin } from "./quasistatic_langevin.ts";
import { samplingFloor } from "./sampling_floor.ts";

const game = mathjsGame("cos(x - y) + 0.3*cos(x)", { temperature: 0.1 });
const eq = await gridSolver(await gameGrid(game, { pointsX: 64 })).solve();

Deno.test("samplingFloor: each draw's metrics are what solve() records for those particles", async () => {
  const floor = samplingFloor(eq, { particlesX: 300, particlesY: 200, repeats: 3, seed: 5 });
  assert.equal(floor.rows.length, 3);
  for (const r of [0, 2]) {
    const x = sampleDensity(eq.grid.x, eq.p, 300, { seed: `5/x/${r}` });
    const y = sampleDensity(eq.grid.y, eq.q, 200, { seed: `5/y/${r}` });
    // The first row of a solve() is recorded before any step: the metrics of the start.
    const run = await quasistaticLangevin(game).solve({ x, y, iterations: 1, reference: eq });
    const first = run.history[0];
    for (const key of ["ni", "gapX", "gapY", "tvX", "tvY"]) {
      assert.equal(floor.rows[r][key], first[key], `${key} of draw ${r}`);
    }
  }
  // The summaries, against a hand computation over the rows.
  const ni = floor.rows.map((row) => row.ni as number).sort((a, b) => a - b);
  assertClose(floor.ni.median, ni[1], { rtol: 1e-15 });
  assertClose(floor.ni.p90, ni[1] + 0.8 * (ni[2] - ni[1]), { rtol: 1e-14 });
  assertClose(floor.ni.mean, (ni[0] + ni[1] + ni[2]) / 3, { rtol: 1e-14 });
  assert.equal(floor.ni.max, ni[2]);
});

Deno.test("samplingFloor: the total variation of exact samples matches its normal approximation", () => {
  // E TV ≈ ½ Σ_b √(2 μ_b(1 − μ_b)/(π n)) (histogramDistance's floor): the mean over 60 draws
  // agrees within 5% (the approximation's error at n·μ_b ≥ 10 and the draws' spread).
  const n = 2000;
  const floor = samplingFloor(eq, { particlesX: n, repeats: 60, seed: 1 });
  const x = sampleDensity(eq.grid.x, eq.p, n, { seed: 9 });
  const expected = histogramDistance(eq.grid.x, x, eq.p, { bins: 32 }).floor;
  assertClose(floor.tvX.mean, expected, { rtol: 0.05 }, "mean TV of x");
  assert.ok(floor.tvX.median <= floor.tvX.p90 && floor.tvX.p90 <= floor.tvX.max);
  assert.ok(floor.rows.every((r) => (r.ni as number) > 0), "NI of smoothed samples is positive");
});

Deno.test("samplingFloor rejects bad input", () => {
  assert.throws(() => samplingFloor(eq, { repeats: 0 }), {
    name: "RangeError",
    message:
      "Cannot measure the sampling floor: options.repeats must be a positive integer, current value is 0",
  });
  assert.throws(
    () => samplingFloor(eq, { particlesY: 1.5 }),
    /options.particlesY must be a positive integer, current value is 1.5/,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => samplingFloor({ ni: 0 } as any), {
    name: "TypeError",
    message:
      'Cannot measure the sampling floor: reference must be a grid equilibrium from gridSolver(grid).solve(), current value is {"ni":0}',
  });
});
