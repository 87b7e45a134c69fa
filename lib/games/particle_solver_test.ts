import assert from "node:assert/strict";
import type { ProgressInfo, Row } from "../_types.ts";
import { mathjsGame } from "./mathjs_game.ts";
import { gameGrid } from "./game_grid.ts";
import { gridSolver } from "./grid_solver.ts";
import { type GameFrame, type ParticleGameState, particleSolver } from "./particle_solver.ts";
import { quasistaticLangevin } from "./quasistatic_langevin.ts";
import { particleNikaidoIsoda } from "./particle_nikaido_isoda.ts";
import { histogramDistance } from "./histogram_distance.ts";
import { requestInterrupt } from "../_interrupt.ts";
import { captureWarnings } from "../_test_util.ts";

Deno.test("solve: rows, frames, progress and custom metrics, with awaited hooks", async () => {
  const game = mathjsGame("cos(x - y) + 0.5*cos(x)", { temperature: 0.3 });
  const eq = await gridSolver(await gameGrid(game, { pointsX: 64 })).solve();
  const rows: Row[] = [], frames: GameFrame[] = [], progress: ProgressInfo[] = [];
  let pending = 0;
  const run = await quasistaticLangevin(game, { innerSteps: 2 }).solve({
    x: 60,
    y: 50,
    iterations: 10,
    every: 4,
    seed: 1,
    reference: eq,
    keepFrames: true,
    metrics: (s) => ({ spread: s.x.reduce((a, b) => a + b, 0) / 60 }),
    onRecord: async (r) => {
      pending++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      rows.push(r as Row);
      pending--;
    },
    onFrame: (f) => void frames.push(f),
    onProgress: (p) => void progress.push(p),
  });
  assert.equal(pending, 0);
  // Recorded at 0, 4, 8 and the last iteration.
  assert.deepEqual(run.history.map((r) => r.iteration), [0, 4, 8, 10]);
  assert.deepEqual(rows, run.history);
  assert.deepEqual(frames.map((f) => f.iteration), [0, 4, 8, 10]);
  assert.deepEqual(run.frames, frames);
  assert.deepEqual(frames.at(-1)!.x, run.state.x);
  assert.deepEqual(progress.map((p) => p.done), [0, 4, 8, 10]);
  assert.ok(progress.every((p) => p.total === 10 && p.label === "quasistatic"));
  // Each row's metrics are what the metric functions give on the recorded frame.
  for (const [i, r] of run.history.entries()) {
    const f = frames[i];
    assert.equal(r.ni, particleNikaidoIsoda(eq.grid, f.x, f.y).value);
    assert.equal(r.tvX, histogramDistance(eq.grid.x, f.x, eq.p, { bins: 32 }).totalVariation);
    assert.equal(r.spread, f.x.reduce((a, b) => a + b, 0) / 60);
    assert.equal(r.evaluations, r.iteration * 3);
    assert.equal(r.solver, "quasistatic");
  }
  // The rows are typed: the metric's column and the fixed ones read as numbers without casts.
  const typed: { spread: number; momentX: number; evaluations: number } = run.history[0];
  assert.equal(typed.spread, run.history[0].spread);
});

Deno.test("solve: continuing from a state equals one longer run", async () => {
  const solver = quasistaticLangevin(mathjsGame("sin(x - y)"), { innerSteps: 1 });
  const whole = await solver.solve({ x: 20, y: 20, iterations: 12, seed: 5 });
  const half = await solver.solve({ x: 20, y: 20, iterations: 6, seed: 5 });
  const rest = await solver.solve({ initial: half.state, iterations: 6 });
  assert.deepEqual(rest.state, whole.state);
  assert.equal(rest.history.at(-1)!.iteration, 12);
});

Deno.test("particleSolver builds custom solvers from a step", async () => {
  // A solver that does nothing but count: init/update/solve come from particleSolver.
  const game = mathjsGame("cos(x - y)");
  const idle = particleSolver(
    "idle",
    game,
    (state) => Promise.resolve({ x: state.x, y: state.y, evaluations: 0 }),
  );
  const run = await idle.solve({ x: 3, y: 3, iterations: 5, seed: 1 });
  assert.deepEqual(run.state.x, idle.init({ x: 3, y: 3, seed: 1 }).x);
  assert.equal(run.state.iteration, 5);
  assert.equal(idle.name, "idle");
  await assert.rejects(() => idle.solve({ iterations: 2, every: 0 }), {
    name: "RangeError",
    message: "Cannot solve with idle: options.every must be a positive integer, current value is 0",
  });
  await assert.rejects(
    () => idle.update(null as unknown as ParticleGameState),
    /Cannot update idle: state must come from init\(\) or update\(\)/,
  );
});

Deno.test("a particle solver stops on an interrupt with its state and rows so far", async () => {
  const game = mathjsGame("cos(x - y)", { temperature: 0.5 });
  const solver = quasistaticLangevin(game);
  const options = { x: 16, y: 16, iterations: 30, every: 5, seed: 1 };
  const { value: run, warnings } = await captureWarnings(() =>
    solver.solve({
      ...options,
      onRecord: (row) => {
        if ((row as Row).iteration === 10) requestInterrupt();
      },
    })
  );
  assert.deepEqual([run.interrupted, run.state.iteration], [true, 10]);
  assert.deepEqual(run.history.map((r) => r.iteration), [0, 5, 10]);
  assert.deepEqual(warnings, [
    "quasistatic solve interrupted after iteration 10 of 30; returning its state there and the 3 rows so far",
  ]);
  const whole = await solver.solve(options);
  assert.deepEqual([whole.interrupted, whole.state.iteration], [false, 30]);
  assert.deepEqual(run.history, whole.history.slice(0, 3));
});
