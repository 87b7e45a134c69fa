import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { assertAllClose } from "../_test_util.ts";
import { mathjsGame } from "./mathjs_game.ts";
import { tensorGame } from "./tensor_game.ts";
import { gameGrid } from "./game_grid.ts";
import { gridSolver } from "./grid_solver.ts";
import { particleMeasure } from "./particle_measure.ts";
import type { GameRun } from "./particle_solver.ts";
import { quasistaticLangevin } from "./quasistatic_langevin.ts";
import { langevinDescentAscent } from "./langevin_descent_ascent.ts";
import { particleNikaidoIsoda } from "./particle_nikaido_isoda.ts";
import { phaseWinding } from "./phase_winding.ts";
import { euclidean } from "./euclidean.ts";
import { sphere } from "./sphere.ts";
import { torus } from "./torus.ts";

const TWO_PI = 2 * Math.PI;
const wrap = (v: number) => v - TWO_PI * Math.floor(v / TWO_PI);

Deno.test("quasistaticLangevin: one outer step is x ← x − η_x F + √(2η_x T)ξ, then k ascent steps on y", async () => {
  // Independent float64 replay of the update with the same noise stream (x's draws, then each
  // inner step's), on K = cos(x − y) + 0.5 cos 2x.
  const T = 0.2, ex = 0.03, ey = 0.07, k = 3;
  const game = mathjsGame("cos(x - y) + 0.5*cos(2*x)", { temperature: T });
  const solver = quasistaticLangevin(game, { stepX: ex, stepY: ey, innerSteps: k });
  const s0 = solver.init({ x: 5, y: 4, seed: 11 });
  const s1 = await solver.update(s0);
  const rng = new Rng(0);
  rng.setState(s0.rng);
  const x = Array.from(s0.x), y = Array.from(s0.y);
  const fx = x.map((a) => y.reduce((s, b) => s - Math.sin(a - b), 0) / y.length - Math.sin(2 * a));
  const x1 = x.map((a, i) => wrap(a - ex * fx[i] + Math.sqrt(2 * ex * T) * rng.normal()));
  let y1 = y;
  for (let s = 0; s < k; s++) {
    const fy = y1.map((b) => x1.reduce((t, a) => t + Math.sin(a - b), 0) / x1.length);
    y1 = y1.map((b, j) => wrap(b + ey * fy[j] + Math.sqrt(2 * ey * T) * rng.normal()));
  }
  assertAllClose(s1.x, x1, { atol: 1e-14 }, "x");
  assertAllClose(s1.y, y1, { atol: 1e-14 }, "y");
  assert.deepEqual([s1.iteration, s1.evaluations], [1, 1 + k]);
  assert.deepEqual(s1.rng, rng.getState());
});

Deno.test("quasistaticLangevin: on K = cos(x − y) the particles approach the uniform equilibrium", async () => {
  // Closed form: (uniform, uniform) is the unique equilibrium (nikaido_isoda_test checks NI = 0).
  // Stated tolerances for n = 1000 particles per player after 250 outer steps: the first Fourier
  // moment |E e^{iθ}| below 3/√n (iid uniform samples exceed it with probability e^{−9}), the
  // histogram's total variation below twice the floor of exact samples, NI of the smoothed
  // measures below 2e-3.
  const n = 1000;
  const game = mathjsGame("cos(x - y)", { temperature: 0.3 });
  const eq = await gridSolver(await gameGrid(game, { pointsX: 64 })).solve();
  const run = await quasistaticLangevin(game).solve({
    x: particleMeasure(torus(1), n, { center: [0], spread: 0.2, seed: 1 }),
    y: particleMeasure(torus(1), n, { center: [2], spread: 0.2, seed: 2 }),
    iterations: 250,
    every: 50,
    reference: eq,
    seed: 3,
  });
  const first = run.history[0], last = run.history.at(-1)!;
  assert.ok(first.momentX > 0.9 && first.ni! > 1);
  for (const key of ["momentX", "momentY"]) {
    assert.ok((last[key] as number) < 3 / Math.sqrt(n), `${key} = ${last[key]}`);
  }
  assert.ok(last.tvX! < 2 * last.tvFloorX!, `tvX ${last.tvX}`);
  assert.ok(last.tvY! < 2 * last.tvFloorY!, `tvY ${last.tvY}`);
  assert.ok(last.ni! < 2e-3, `NI ${last.ni}`);
  assert.equal(last.evaluations, 250 * 6);
});

Deno.test("quasistaticLangevin vs descent–ascent on K = cos(x − y) at T = 0.02: cycling and slowness, measured", async () => {
  // Both start from the same concentrated measures and get the same work: 2,400 force
  // evaluations (400 outer steps of QSLGD with k = 5, 1,200 steps of descent–ascent). Measured:
  // the winding of the phase of E e^{ix} while |E e^{ix}| ≥ 0.2 (phaseWinding: rotation around the
  // equilibrium), the largest |E e^{ix}| over the second half of the run, and the NI of the
  // smoothed measures at the end. (At T = 0.05 the same budget brings both to NI ≈ 4e-5: there
  // descent–ascent still turns once around the equilibrium but is not slower per evaluation.)
  const n = 400;
  const game = mathjsGame("cos(x - y)", { temperature: 0.02 });
  const eq = await gridSolver(await gameGrid(game, { pointsX: 64 })).solve();
  const start = {
    x: particleMeasure(torus(1), n, { center: [0], spread: 0.2, seed: 1 }),
    y: particleMeasure(torus(1), n, { center: [Math.PI / 2], spread: 0.2, seed: 2 }),
    seed: 3,
  };
  const measure = (run: GameRun) => {
    const h = run.history;
    const late = Math.max(...h.slice(Math.ceil(h.length / 2)).map((r) => r.momentX as number));
    const ni = particleNikaidoIsoda(eq.grid, run.state.x, run.state.y).value;
    return { turns: phaseWinding(h).turns, late, ni };
  };
  const qs = measure(
    await quasistaticLangevin(game).solve({ ...start, iterations: 400, every: 1 }),
  );
  const da = measure(
    await langevinDescentAscent(game).solve({ ...start, iterations: 1200, every: 1 }),
  );
  const report = `QSLGD ${JSON.stringify(qs)}, descent–ascent ${JSON.stringify(da)}`;
  assert.ok(da.turns > 1 && qs.turns < 0.1, `turns: ${report}`);
  assert.ok(da.late > 2 * qs.late, `late amplitude: ${report}`);
  assert.ok(da.ni > 10 * qs.ni, `NI after 2,400 evaluations: ${report}`);
});

Deno.test("quasistaticLangevin: seeds reproduce, other seeds differ, and update does not mutate its state", async () => {
  const game = mathjsGame("cos(x1 - y1) * cos(x2 - y2)", { temperature: 0.2 });
  const solver = quasistaticLangevin(game, { innerSteps: 2 });
  const a = await solver.solve({ x: 50, y: 40, iterations: 20, seed: 7 });
  const b = await solver.solve({ x: 50, y: 40, iterations: 20, seed: 7 });
  const c = await solver.solve({ x: 50, y: 40, iterations: 20, seed: 8 });
  assert.deepEqual(a.history, b.history);
  assert.deepEqual(a.state, b.state);
  assert.notDeepEqual(a.state.x, c.state.x);
  const s = solver.init({ x: 10, y: 10, seed: 1 });
  const copy = structuredClone(s);
  await solver.update(s);
  assert.deepEqual(s, copy);
});

Deno.test("quasistaticLangevin: particles stay on the sphere and in the confining well", async () => {
  const onSphere = mathjsGame("x1*y1 + x2*y2 + x3*y3 + x3", {
    x: sphere(3),
    y: sphere(3),
    temperature: 0.3,
  });
  const run = await quasistaticLangevin(onSphere).solve({
    x: 100,
    y: 100,
    iterations: 30,
    seed: 1,
  });
  for (const p of [run.state.x, run.state.y]) {
    for (let i = 0; i < 100; i++) {
      assert.ok(Math.abs(Math.hypot(p[3 * i], p[3 * i + 1], p[3 * i + 2]) - 1) < 1e-14);
    }
  }
  // The bilinear game x·y on R with λ = 1: p = q = N(0, T) at equilibrium.
  const game = mathjsGame("x*y", { x: euclidean(1), y: euclidean(1), temperature: 0.5 });
  const r = await quasistaticLangevin(game, { stepX: 0.05, stepY: 0.05 }).solve({
    x: 2000,
    y: 2000,
    iterations: 150,
    seed: 2,
  });
  const v = r.state.x.reduce((s, a) => s + a * a, 0) / 2000;
  assert.ok(Math.abs(v - 0.5) < 0.08, `variance ${v}`);
});

Deno.test("quasistaticLangevin with a tensor game leaks no tensors", async () => {
  const d = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.sub(tf.expandDims(x, 1), tf.expandDims(y, 0));
  const game = tensorGame({
    payoff: (x, y) => tf.squeeze(tf.cos(d(x, y)), [2]),
    gradX: (x, y) => tf.neg(tf.sin(d(x, y))),
    gradY: (x, y) => tf.sin(d(x, y)),
  }, { temperature: 0.3 });
  const before = tf.memory().numTensors;
  const run = await quasistaticLangevin(game, { innerSteps: 2 }).solve({
    x: 20,
    y: 20,
    iterations: 5,
    seed: 1,
  });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(run.state.evaluations, 15);
});

Deno.test("quasistaticLangevin rejects bad options and inputs", async () => {
  const game = mathjsGame("cos(x - y)");
  assert.throws(() => quasistaticLangevin(game, { stepX: 0 }), {
    name: "RangeError",
    message:
      "Cannot build the quasistatic Langevin solver: options.stepX must be a positive finite number, current value is 0",
  });
  assert.throws(
    () => quasistaticLangevin(game, { stepY: -0.1 }),
    /options.stepY must be a positive finite number, current value is -0.1/,
  );
  assert.throws(() => quasistaticLangevin(game, { innerSteps: 0 }), {
    name: "RangeError",
    message:
      "Cannot build the quasistatic Langevin solver: options.innerSteps must be a positive integer, current value is 0",
  });
  assert.throws(
    () => quasistaticLangevin(game, { temperature: 0 }),
    /options.temperature must be a positive finite number, current value is 0/,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => quasistaticLangevin({ fieldX: 1 } as any), /game must be a Game/);
  const solver = quasistaticLangevin(game);
  assert.throws(() => solver.init({ x: 0 }), {
    name: "RangeError",
    message: "Cannot start quasistatic: options.x must be a positive integer, current value is 0",
  });
  assert.throws(() => solver.init({ y: particleMeasure(sphere(2), 5) }), {
    name: "TypeError",
    message:
      "Cannot start quasistatic: options.y lives on sphere(2), but the game's y player plays on torus(1); draw the particles with particleMeasure(game.y, count)",
  });
  await assert.rejects(() => solver.solve({ iterations: 0 }), {
    name: "RangeError",
    message:
      "Cannot solve with quasistatic: options.iterations must be a positive integer, current value is 0",
  });
  const other = await gridSolver(await gameGrid(mathjsGame("sin(x - y)"), { pointsX: 8 })).solve();
  await assert.rejects(
    () => solver.solve({ iterations: 1, reference: other }),
    /options.reference was computed for another game \("sin\(x - y\)"\); build it with gameGrid\(solver.game\)/,
  );
  // A game whose force has the wrong shape fails at the first step, naming the method.
  const broken = { ...game, fieldX: () => new Float64Array(1) };
  await assert.rejects(() => quasistaticLangevin(broken).update(solver.init({ x: 3, y: 3 })), {
    name: "TypeError",
    message:
      "Cannot step the particles: game.fieldX must return a Float64Array of [3, 1] (one ∇_x mean-field force per particle), it returned a Float64Array of length 1",
  });
});
