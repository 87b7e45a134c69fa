import assert from "node:assert/strict";
import type { Row } from "../_types.ts";
import { assertClose } from "../_test_util.ts";
import { mathjsGame } from "./mathjs_game.ts";
import { type GameGrid, gameGrid } from "./game_grid.ts";
import { gridSolver } from "./grid_solver.ts";
import { euclidean } from "./euclidean.ts";
import { sphere } from "./sphere.ts";
import { torus } from "./torus.ts";
import { requestInterrupt } from "../_interrupt.ts";
import { captureWarnings } from "../_test_util.ts";

/** max_g |p_g − r_g| / max_g r_g. */
function relativeMaxError(p: Float64Array, r: ArrayLike<number>): number {
  let e = 0, m = 0;
  for (let i = 0; i < p.length; i++) {
    e = Math.max(e, Math.abs(p[i] - r[i]));
    m = Math.max(m, Math.abs(r[i]));
  }
  return e / m;
}

/**
 * The Gibbs best responses computed independently with plain loops over the grid points and
 * a payoff function k(x, y) of the points: p*(q) ∝ exp(−(Σ_y k q w + U)/T), q*(p) ∝ exp((Σ_x k p w − U)/T).
 */
function independentResponses(
  grid: GameGrid,
  k: (x: Float64Array, y: Float64Array) => number,
  p: Float64Array,
  q: Float64Array,
) {
  const T = grid.temperature, dx = grid.x.domain.dim, dy = grid.y.domain.dim;
  const px = (g: number) => grid.x.points.subarray(g * dx, g * dx + dx);
  const py = (g: number) => grid.y.points.subarray(g * dy, g * dy + dy);
  const bx = new Float64Array(grid.x.size), by = new Float64Array(grid.y.size);
  for (let i = 0; i < grid.x.size; i++) {
    let s = 0;
    for (let j = 0; j < grid.y.size; j++) s += k(px(i), py(j)) * q[j] * grid.y.weights[j];
    bx[i] = Math.exp(-(s + grid.x.potential[i]) / T);
  }
  for (let j = 0; j < grid.y.size; j++) {
    let s = 0;
    for (let i = 0; i < grid.x.size; i++) s += k(px(i), py(j)) * p[i] * grid.x.weights[i];
    by[j] = Math.exp((s - grid.y.potential[j]) / T);
  }
  const nx = bx.reduce((s, v, i) => s + v * grid.x.weights[i], 0);
  const ny = by.reduce((s, v, j) => s + v * grid.y.weights[j], 0);
  return { p: bx.map((v) => v / nx), q: by.map((v) => v / ny) };
}

Deno.test("gridSolver: cos(x − y) + ½cos 2x − ½cos 2y has the Gibbs pair of its potentials as equilibrium (closed form)", async () => {
  // Both Gibbs measures of ±½cos 2θ are π-periodic, so their first Fourier modes vanish and the
  // coupling cos(x − y) averages to zero against them: p ∝ exp(−cos 2x/2T), q ∝ exp(−cos 2y/2T).
  const T = 0.2;
  const game = mathjsGame("cos(x - y) + 0.5*cos(2*x) - 0.5*cos(2*y)", { temperature: T });
  const grid = await gameGrid(game, { pointsX: 128 });
  const eq = await gridSolver(grid).solve();
  assert.ok(eq.converged && eq.ni < 1e-10, `NI ${eq.ni}`);
  const gibbs = (g: number) => Math.exp(-Math.cos(2 * grid.x.points[g]) / (2 * T));
  const z = Array.from({ length: 128 }, (_, g) => gibbs(g) * grid.x.weights[g]).reduce((a, b) =>
    a + b
  );
  const closed = Array.from({ length: 128 }, (_, g) => gibbs(g) / z);
  assert.ok(relativeMaxError(eq.p, closed) < 1e-9, `p error ${relativeMaxError(eq.p, closed)}`);
  assert.ok(relativeMaxError(eq.q, closed) < 1e-9, `q error ${relativeMaxError(eq.q, closed)}`);
});

Deno.test("gridSolver: a game with a genuine coupling converges to a fixed point of the best responses", async () => {
  const T = 0.2;
  const game = mathjsGame("2*cos(x - y) + cos(x) - sin(y)", { temperature: T });
  const grid = await gameGrid(game, { pointsX: 128 });
  const rows: Row[] = [];
  const eq = await gridSolver(grid, { onRecord: (r) => void rows.push(r as Row), every: 1 })
    .solve();
  assert.ok(
    eq.converged && eq.ni < 1e-10 && eq.iterations < 100,
    `${eq.iterations} its, NI ${eq.ni}`,
  );
  const br = independentResponses(
    grid,
    (x, y) => 2 * Math.cos(x[0] - y[0]) + Math.cos(x[0]) - Math.sin(y[0]),
    eq.p,
    eq.q,
  );
  assert.ok(relativeMaxError(eq.p, br.p) < 1e-5, `p vs p*(q): ${relativeMaxError(eq.p, br.p)}`);
  assert.ok(relativeMaxError(eq.q, br.q) < 1e-5, `q vs q*(p): ${relativeMaxError(eq.q, br.q)}`);
  // The coupling matters: the equilibrium is far from the responses to the uniform measure.
  const u = new Float64Array(128).fill(1 / (2 * Math.PI));
  const fromUniform = independentResponses(
    grid,
    (x, y) => 2 * Math.cos(x[0] - y[0]) + Math.cos(x[0]) - Math.sin(y[0]),
    u,
    u,
  );
  assert.ok(relativeMaxError(eq.p, fromUniform.p) > 0.3);
  // Steps are kept only when NI decreases.
  assert.equal(rows.length, eq.iterations + 1);
  for (let i = 1; i < rows.length; i++) {
    assert.ok((rows[i].ni as number) <= (rows[i - 1].ni as number));
  }
  assert.deepEqual(eq.history, rows);
});

Deno.test("gridSolver: the bilinear game on R with confinement has the Gaussian equilibrium N(0, T/λ)", async () => {
  // f_p(y) = 2y·E_p[x] − λy²/2 and g_q(x) = 2x·E_q[y] + λx²/2: both means vanish at the fixed point.
  const T = 0.5, lambda = 2;
  const game = mathjsGame("2*x*y", {
    x: euclidean(1, { confinement: lambda }),
    y: euclidean(1, { confinement: lambda }),
    temperature: T,
  });
  const grid = await gameGrid(game, { pointsX: 200 });
  const eq = await gridSolver(grid).solve();
  assert.ok(eq.converged);
  for (const [d, dg] of [[eq.p, grid.x], [eq.q, grid.y]] as const) {
    let m = 0, v = 0;
    for (let g = 0; g < dg.size; g++) {
      m += dg.points[g] * d[g] * dg.weights[g];
      v += dg.points[g] ** 2 * d[g] * dg.weights[g];
    }
    assertClose(m, 0, { atol: 1e-9 }, "mean");
    assertClose(v, T / lambda, { rtol: 1e-6 }, "variance");
  }
});

Deno.test("gridSolver: the circle as sphere(2) and as torus(1) give the same equilibrium", async () => {
  const T = 0.3;
  const onCircle = mathjsGame("x1*y1 + x2*y2 + x1 - 0.5*y2", {
    x: sphere(2),
    y: sphere(2),
    temperature: T,
  });
  const onTorus = mathjsGame("cos(x - y) + cos(x) - 0.5*sin(y)", { temperature: T });
  const a = await gridSolver(await gameGrid(onCircle, { pointsX: 64 })).solve();
  const b = await gridSolver(await gameGrid(onTorus, { pointsX: 64 })).solve();
  assert.ok(a.converged && b.converged);
  assert.ok(relativeMaxError(a.p, b.p) < 1e-8 && relativeMaxError(a.q, b.q) < 1e-8);
});

Deno.test("gridSolver: on S² the equilibrium is a fixed point of the best responses", async () => {
  const k = (x: Float64Array, y: Float64Array) => x[0] * y[0] + x[1] * y[1] + x[2] * y[2] + x[2];
  const game = mathjsGame("x1*y1 + x2*y2 + x3*y3 + x3", {
    x: sphere(3),
    y: sphere(3),
    temperature: 0.5,
  });
  const grid = await gameGrid(game, { pointsX: [12, 24] });
  const eq = await gridSolver(grid).solve();
  assert.ok(eq.converged);
  const br = independentResponses(grid, k, eq.p, eq.q);
  assert.ok(relativeMaxError(eq.p, br.p) < 1e-5 && relativeMaxError(eq.q, br.q) < 1e-5);
  // x avoids the north pole (the +x3 term it pays for).
  assert.ok(eq.p[0] < eq.p[eq.p.length - 1]);
});

Deno.test("gridSolver: a 2-D coupled torus game converges", async () => {
  const game = mathjsGame(
    "cos(x1 - y1) * cos(x2 - y2) + 0.5*cos(2*x1) - 0.5*cos(2*y2) + 0.5*sin(x2)",
    {
      temperature: 0.3,
    },
  );
  const eq = await gridSolver(await gameGrid(game, { pointsX: 24 })).solve();
  assert.ok(eq.converged && eq.ni < 1e-10, `NI ${eq.ni} after ${eq.iterations}`);
});

Deno.test("gridSolver: init/update keep explicit state and do not mutate it", async () => {
  const grid = await gameGrid(mathjsGame("2*cos(x - y) + cos(x)", { temperature: 0.3 }), {
    pointsX: 32,
  });
  const solver = gridSolver(grid);
  const s0 = solver.init();
  const p0 = Float64Array.from(s0.p);
  const s1 = solver.update(s0);
  assert.deepEqual(s0.p, p0);
  assert.equal(s1.iteration, 1);
  // Either the step lowered NI, or it was rejected and the damping halved.
  assert.ok(
    s1.evaluation.value < s0.evaluation.value ||
      (s1.evaluation === s0.evaluation && s1.damping === s0.damping / 2),
  );
  assert.deepEqual(solver.update(s0), s1);
});

Deno.test("gridSolver rejects bad options", async () => {
  const grid = await gameGrid(mathjsGame("cos(x - y)"), { pointsX: 8 });
  assert.throws(() => gridSolver(grid, { damping: 0 }), {
    name: "RangeError",
    message:
      `Cannot solve the game on the grid: options.damping must be a number in [${Number.MIN_VALUE}, 1], current value is 0`,
  });
  assert.throws(() => gridSolver(grid, { damping: 1.5 }), /options.damping must be a number in/);
  assert.throws(
    () => gridSolver(grid, { tolerance: -1 }),
    /options.tolerance must be a positive finite number, current value is -1/,
  );
  assert.throws(
    () => gridSolver(grid, { maxIterations: 0 }),
    /options.maxIterations must be a positive integer, current value is 0/,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => gridSolver({} as any), {
    name: "TypeError",
    message:
      "Cannot solve the game on the grid: grid must be a game grid made by gameGrid(game), current value is {}",
  });
  assert.deepEqual(grid.x.domain, torus(1));
});

Deno.test("the grid solver stops on an interrupt with the densities reached", async () => {
  const grid = await gameGrid(mathjsGame("cos(x - y) + 0.5*cos(2*x)", { temperature: 0.2 }), {
    pointsX: 32,
  });
  const { value: eq, warnings } = await captureWarnings(() =>
    gridSolver(grid, {
      every: 1,
      tolerance: 1e-300,
      maxIterations: 50,
      onRecord: (row) => {
        if ((row as Row).iteration === 3) requestInterrupt();
      },
    }).solve()
  );
  assert.deepEqual([eq.interrupted, eq.iterations, eq.converged], [true, 3, false]);
  assert.deepEqual(eq.history.map((r) => r.iteration), [0, 1, 2, 3]);
  assert.deepEqual(warnings, [
    "gridSolver interrupted after iteration 3 of 50; returning the densities reached",
  ]);
  const whole = await gridSolver(grid).solve();
  assert.deepEqual([whole.interrupted, whole.converged], [false, true]);
});

Deno.test("gridSolver's update refuses a state that is not one of its own, by name", async () => {
  const grid = await gameGrid(mathjsGame("cos(x - y)"), { pointsX: 8 });
  const solver = gridSolver(grid);
  const message = (shown: string) =>
    `Cannot solve the game on the grid: state must be a state of this solver (from its init() or update(), on a grid of 8 × 8 points), current value is ${shown}`;
  // deno-lint-ignore no-explicit-any
  const update = (s: unknown) => () => solver.update(s as any);
  assert.throws(update({}), { name: "TypeError", message: message("{}") });
  assert.throws(update(null), { name: "TypeError", message: message("null") });
  // A state of a solver on another grid.
  const other = gridSolver(await gameGrid(mathjsGame("cos(x - y)"), { pointsX: 4 })).init();
  assert.throws(update(other), /on a grid of 8 × 8 points/);
  // A state with a changed damping is still a state: explicit state may be edited.
  const next = solver.update({ ...solver.init(), damping: 0.5 });
  assert.equal(next.iteration, 1);
});
