// The time-stepping loop behind solveSde and escapeTimes: validation of the problem, the grid and
// the path, then steps with save, step and progress hooks.
import type { ProgressCallback } from "../_types.ts";
import { startLoop } from "../_loop.ts";
import type { Seed } from "../random/mod.ts";
import type { NoisePath } from "./noise_path.ts";
import type { SdeProblem } from "./sde_terms.ts";
import type { SdeSolver, SolverContext } from "./sde_solver.ts";
import { eulerMaruyama } from "./euler_maruyama.ts";
import { brownianPath } from "./brownian_path.ts";
import { makeContext, noiseDimOf } from "./_context.ts";
import { checkAllocation } from "../backend/_internal.ts";

/** The numerical options shared by solveSde and escapeTimes. */
export interface IntegrateOptions {
  solver?: SdeSolver;
  dt?: number;
  ts?: ArrayLike<number>;
  particles?: number;
  path?: NoisePath;
  seed?: Seed;
  saveAt?: ArrayLike<number>;
  onProgress?: ProgressCallback;
  label?: string;
}

/** A validated solve, ready to run. */
export interface Setup {
  solver: SdeSolver;
  path: NoisePath;
  ctx: SolverContext;
  particles: number;
  dim: number;
  t0: number;
  t1: number;
  /** Step times, t0 first and t1 last. */
  grid: Float64Array;
  /** save[k]: the state at grid[k] is saved. */
  save: Uint8Array;
  /** The state, particles × dim. */
  x: Float64Array;
  names: string[];
  label: string;
  onProgress?: ProgressCallback;
}

function fail(what: string, message: string, kind: "range" | "type" = "range"): never {
  const text = `Cannot ${what}: ${message}`;
  throw kind === "range" ? new RangeError(text) : new TypeError(text);
}

/** Validates a problem and its options and builds the grid, path, context and initial state. */
export function prepare(problem: SdeProblem, options: IntegrateOptions, what: string): Setup {
  if (problem === null || typeof problem !== "object") {
    fail(
      what,
      `the problem must be an object with dim, drift, diffusion, y0 and t1, current value is ${problem}`,
      "type",
    );
  }
  const { dim, drift, diffusion } = problem;
  if (!Number.isInteger(dim) || dim < 1) {
    fail(what, `problem.dim must be a positive integer, current value is ${dim}`);
  }
  if (typeof drift !== "function") {
    fail(
      what,
      `problem.drift must be a function (t, x, out) => void, current value is ${drift}`,
      "type",
    );
  }
  const kind = diffusion?.kind;
  if (kind !== "additive" && kind !== "diagonal" && kind !== "general") {
    fail(
      what,
      `problem.diffusion.kind must be "additive", "diagonal" or "general", current value is ${kind}`,
      "type",
    );
  }
  let sigma: Float64Array | undefined;
  if (diffusion.kind === "additive") {
    const s = diffusion.sigma;
    sigma = typeof s === "number" ? new Float64Array(dim).fill(s) : Float64Array.from(s ?? []);
    if (sigma.length !== dim || !sigma.every(Number.isFinite)) {
      fail(
        what,
        `problem.diffusion.sigma must be a finite number or ${dim} finite numbers (one per component), current value is ${s}`,
      );
    }
  } else if (diffusion.kind === "diagonal" && typeof diffusion.g !== "function") {
    fail(
      what,
      `problem.diffusion.g must be a function (t, x, out) => void, current value is ${diffusion.g}`,
      "type",
    );
  } else if (diffusion.kind === "general") {
    if (!Number.isInteger(diffusion.noiseDim) || diffusion.noiseDim < 1) {
      fail(
        what,
        `problem.diffusion.noiseDim must be a positive integer, current value is ${diffusion.noiseDim}`,
      );
    }
    if (typeof diffusion.apply !== "function") {
      fail(
        what,
        `problem.diffusion.apply must be a function (t, x, dW, out) => void, current value is ${diffusion.apply}`,
        "type",
      );
    }
  }
  const solver = options.solver ?? eulerMaruyama();
  if (solver.needs.diagonalNoise && diffusion.kind === "general") {
    fail(
      what,
      `the ${solver.name} solver needs additive or diagonal noise, current kind is "general"; use eulerMaruyama() for general noise`,
      "type",
    );
  }

  // Time interval and grid.
  const t0 = problem.t0 ?? 0, t1 = problem.t1;
  if (!Number.isFinite(t0)) {
    fail(what, `problem.t0 must be a finite number, current value is ${t0}`);
  }
  if (!Number.isFinite(t1) || !(t1 > t0)) {
    fail(
      what,
      `problem.t1 must be a finite number greater than t0 = ${t0}, current value is ${t1}`,
    );
  }
  let grid: ArrayLike<number>;
  if (options.ts !== undefined) {
    const ts = Array.from(options.ts);
    if (ts.length < 2) {
      fail(what, `ts must hold at least two times, current length is ${ts.length}`);
    }
    for (let k = 0; k < ts.length; k++) {
      if (!Number.isFinite(ts[k])) fail(what, `ts must hold finite times, but ts[${k}] = ${ts[k]}`);
      if (k > 0 && !(ts[k] > ts[k - 1])) {
        fail(
          what,
          `the time grid ts must be strictly increasing, but ts[${k}] = ${ts[k]} follows ts[${
            k - 1
          }] = ${ts[k - 1]}`,
        );
      }
    }
    if (ts[0] !== t0 || ts[ts.length - 1] !== t1) {
      fail(
        what,
        `ts must start at t0 = ${t0} and end at t1 = ${t1}, current ends are ${ts[0]} and ${
          ts[ts.length - 1]
        }`,
      );
    }
    grid = ts;
  } else {
    const dt = options.dt ?? (t1 - t0) / 100;
    if (typeof dt !== "number" || !(dt > 0) || !Number.isFinite(dt)) {
      fail(what, `dt must be a positive finite number, current value is ${dt}`);
    }
    const ratio = (t1 - t0) / dt;
    const n = Math.abs(ratio - Math.round(ratio)) < 1e-9 * Math.max(1, ratio)
      ? Math.max(1, Math.round(ratio))
      : Math.ceil(ratio);
    // The grid and its save flags take 9 bytes a step: dt = 1e-10 on [0, 5] asked for 5e10
    // steps and failed inside the engine ("Invalid array length").
    checkAllocation(
      9 * (n + 1),
      what,
      `${n.toLocaleString("en-US")} steps of dt = ${dt} on [${t0}, ${t1}]`,
      "use a larger dt",
    );
    const times = new Float64Array(n + 1);
    for (let k = 0; k < n; k++) times[k] = t0 + k * dt;
    times[n] = t1;
    grid = times;
  }
  const saveAt = options.saveAt === undefined ? [t0, t1] : Array.from(options.saveAt);
  for (let k = 0; k < saveAt.length; k++) {
    const s = saveAt[k];
    if (!(s >= t0 && s <= t1)) {
      fail(what, `saveAt times must lie in [t0, t1] = [${t0}, ${t1}], but saveAt[${k}] = ${s}`);
    }
    if (k > 0 && !(s > saveAt[k - 1])) {
      fail(
        what,
        `saveAt must be strictly increasing, but saveAt[${k}] = ${s} follows saveAt[${k - 1}] = ${
          saveAt[k - 1]
        }`,
      );
    }
  }
  // Merge the save times into the grid: snap to a grid time within 1e-9 of a step, else insert.
  const mergedAll = new Float64Array(grid.length + saveAt.length);
  const saveFlagsAll = new Uint8Array(grid.length + saveAt.length);
  let j = 0, m = 0;
  for (let k = 0; k < grid.length; k++) {
    const h = k + 1 < grid.length ? grid[k + 1] - grid[k] : grid[k] - grid[k - 1];
    while (j < saveAt.length && saveAt[j] < grid[k] - 1e-9 * h) {
      mergedAll[m] = saveAt[j], saveFlagsAll[m++] = 1, j++;
    }
    let flag = 0;
    while (j < saveAt.length && Math.abs(saveAt[j] - grid[k]) <= 1e-9 * h) flag = 1, j++;
    mergedAll[m] = grid[k], saveFlagsAll[m++] = flag;
  }
  const merged = mergedAll.subarray(0, m), saveFlags = saveFlagsAll.subarray(0, m);

  // Particles and the initial state.
  const y0 = problem.y0;
  const len = y0?.length;
  if (!Number.isInteger(len) || len < dim || len % dim !== 0) {
    fail(
      what,
      `problem.y0 must hold dim = ${dim} values or particles × dim values, current length is ${len}`,
    );
  }
  let particles = options.particles ?? len / dim;
  if (!Number.isInteger(particles) || particles < 1) {
    fail(what, `particles must be a positive integer, current value is ${particles}`);
  }
  if (len !== dim && len !== particles * dim) {
    fail(
      what,
      `problem.y0 holds ${
        len / dim
      } particles but particles is ${particles}; give dim = ${dim} values or ${particles * dim}`,
    );
  }
  particles = particles as number;
  const x = new Float64Array(particles * dim);
  for (let i = 0; i < x.length; i++) x[i] = y0[len === dim ? i % dim : i];
  if (!x.every(Number.isFinite)) fail(what, "problem.y0 must hold finite numbers");

  // The path.
  const noiseDim = noiseDimOf(problem);
  const path = options.path ?? brownianPath({
    particles,
    dim: noiseDim,
    t0,
    seed: options.seed ?? 0,
    levyArea: solver.needs.levyArea,
  });
  if (path.particles !== particles || path.dim !== noiseDim) {
    fail(
      what,
      `the path must have ${particles} particles × ${noiseDim} noise components, current shape is ${path.particles} × ${path.dim}`,
    );
  }
  if (solver.needs.brownian && path.kind !== "brownian") {
    fail(
      what,
      `the ${solver.name} solver needs a Brownian path, current kind is "${path.kind}"; use eulerMaruyama() with a Lévy path`,
      "type",
    );
  }
  if (solver.needs.levyArea && !path.levyArea) {
    fail(
      what,
      `the ${solver.name} solver needs ΔZ from the path; create the path with levyArea: true`,
      "type",
    );
  }
  if (path.t0 > t0 || path.t1 < t1) {
    fail(
      what,
      `the path lives on [${path.t0}, ${path.t1}], which does not cover [t0, t1] = [${t0}, ${t1}]`,
    );
  }
  const names = problem.names ?? Array.from({ length: dim }, (_, k) => `x${k}`);
  if (names.length !== dim) {
    fail(what, `problem.names must hold dim = ${dim} names, current length is ${names.length}`);
  }
  return {
    solver,
    path,
    ctx: makeContext(problem, particles, sigma),
    particles,
    dim,
    t0,
    t1,
    grid: merged,
    save: saveFlags,
    x,
    names,
    label: options.label ?? solver.name,
    onProgress: options.onProgress,
  };
}

/** Hooks of a run: `save` at save times, `step` after every step (return true to stop). */
export interface RunHooks {
  save?(k: number, t: number, x: Float64Array): void | Promise<void>;
  step?(k: number, t: number, x: Float64Array): boolean | void;
}

/** How a run ended. */
export interface RunEnd {
  /** Steps taken. */
  steps: number;
  /** The time reached. */
  t: number;
  /** Whether an interrupt stopped it before t1 (or before `step` asked to stop). */
  interrupted: boolean;
}

/**
 * Runs the steps, checking for an interrupt between them. On an interrupt the run stops where
 * it is and says so in one line; `returns` says what the caller gives back then.
 */
export async function run(
  setup: Setup,
  hooks: RunHooks,
  what: string,
  returns: (steps: number) => string,
): Promise<RunEnd> {
  const { solver, path, ctx, grid, save, x, onProgress, label } = setup;
  const noise = setup.particles * ctx.noiseDim;
  const dW = new Float64Array(noise);
  const dZ = solver.needs.levyArea ? new Float64Array(noise) : undefined;
  const total = grid.length - 1;
  const loop = startLoop({ what, total, label, onProgress });
  let k = 0, interrupted = false;
  try {
    if (save[0] && hooks.save) await hooks.save(0, grid[0], x);
    while (k < total) {
      if (loop.interrupted()) {
        interrupted = true;
        loop.stopped(k, returns(k));
        break;
      }
      const t = grid[k], u = grid[k + 1];
      path.increment(t, u, dW, dZ);
      await solver.step(ctx, t, u - t, x, dW, dZ);
      k++;
      const stop = hooks.step?.(k, u, x) === true;
      if (save[k] && hooks.save) await hooks.save(k, u, x);
      loop.progress(k, undefined, stop);
      if (stop) break;
    }
  } finally {
    loop.exit();
  }
  return { steps: k, t: grid[k], interrupted };
}
