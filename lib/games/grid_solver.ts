import type { ProgressCallback, RowCallback } from "../_types.ts";
import { startLoop } from "../_loop.ts";
import type { GameGrid } from "./game_grid.ts";
import { nikaidoIsoda, type NikaidoIsodaResult } from "./nikaido_isoda.ts";
import { checkInRange, checkPositive, checkPositiveInteger, show } from "./_checks.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode gridSolver}. */
export interface GridSolverOptions {
  /**
   * The initial damping α ∈ (0, 1] of p ← (1 − α)p + α·p*(q), q ← (1 − α)q + α·q*(p).
   * @default {1}
   */
  damping?: number;
  /**
   * Stop when the Nikaidô–Isoda error falls below this.
   * @default {1e-10}
   */
  tolerance?: number;
  /**
   * The most iterations `solve` runs.
   * @default {10000}
   */
  maxIterations?: number;
  /**
   * Record a row every this many iterations (and at the end).
   * @default {10}
   */
  every?: number;
  /** Progress, silent by default. */
  onProgress?: ProgressCallback;
  /** Receives each recorded row {iteration, ni, gapX, gapY, damping} (awaited). */
  onRecord?: RowCallback;
}

/**
 * The grid solver's explicit state: both densities, the damping now in use, and the
 * Nikaidô–Isoda evaluation of this state (its best responses are the next step's targets).
 */
export interface GridSolverState {
  /** The x player's density on grid.x. */
  readonly p: Float64Array;
  /** The y player's density on grid.y. */
  readonly q: Float64Array;
  /** Iterations taken (accepted or not). */
  readonly iteration: number;
  /** The damping α the next step will try. */
  readonly damping: number;
  /** NI(p, q), its gaps and the best responses p*(q), q*(p). */
  readonly evaluation: NikaidoIsodaResult;
  /** (p, q), concatenated. */
  readonly densities: Float64Array;
  /** The last accepted steps and residual changes, for Anderson acceleration. */
  readonly memory: readonly AndersonStep[];
}

/** One remembered step of Anderson acceleration. */
export interface AndersonStep {
  /** The change of (p, q). */
  readonly dz: Float64Array;
  /** The change of the residual BR(z) − z. */
  readonly dr: Float64Array;
}

const ANDERSON_DEPTH = 6;

/** argmin_γ ‖r − Σ γ_i v_i‖ by the regularised normal equations (a few columns). */
function leastSquares(vs: readonly Float64Array[], r: Float64Array): Float64Array {
  const m = vs.length;
  const a = new Float64Array(m * m), b = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < r.length; k++) s += vs[i][k] * vs[j][k];
      a[i * m + j] = a[j * m + i] = s;
    }
    let s = 0;
    for (let k = 0; k < r.length; k++) s += vs[i][k] * r[k];
    b[i] = s;
  }
  let trace = 0;
  for (let i = 0; i < m; i++) trace += a[i * m + i];
  for (let i = 0; i < m; i++) a[i * m + i] += 1e-10 * trace + 1e-300;
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let i = c + 1; i < m; i++) if (Math.abs(a[i * m + c]) > Math.abs(a[piv * m + c])) piv = i;
    if (piv !== c) {
      for (let j = 0; j < m; j++) [a[c * m + j], a[piv * m + j]] = [a[piv * m + j], a[c * m + j]];
      [b[c], b[piv]] = [b[piv], b[c]];
    }
    for (let i = c + 1; i < m; i++) {
      const f = a[i * m + c] / a[c * m + c];
      for (let j = c; j < m; j++) a[i * m + j] -= f * a[c * m + j];
      b[i] -= f * b[c];
    }
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < m; j++) s -= a[i * m + j] * x[j];
    x[i] = s / a[i * m + i];
  }
  return x;
}

/** The equilibrium the grid solver found. */
export interface GridEquilibrium {
  /** The discretised game. */
  grid: GameGrid;
  /** The x player's equilibrium density on grid.x. */
  p: Float64Array;
  /** The y player's equilibrium density on grid.y. */
  q: Float64Array;
  /** NI(p, q) at the end. */
  ni: number;
  /** T·KL(p ‖ p*(q)) at the end. */
  gapX: number;
  /** T·KL(q ‖ q*(p)) at the end. */
  gapY: number;
  /** Iterations taken. */
  iterations: number;
  /** Whether NI fell below the tolerance. */
  converged: boolean;
  /**
   * Whether the solve stopped early on an interrupt (the notebook's stop button): the result
   * is the state reached then.
   */
  interrupted?: boolean;
  /** One row per iteration. */
  history: GridSolverRow[];
}

/** One iteration of the grid solver: the exact Nikaidô–Isoda error and the damping used. */
export interface GridSolverRow {
  /** Every field is a number (the rows go straight into a chart). */
  [key: string]: number;
  /** Iterations taken. */
  iteration: number;
  /** The exact NI(p, q) on the grid. */
  ni: number;
  /** T·KL(p ‖ p*(q)). */
  gapX: number;
  /** T·KL(q ‖ q*(p)). */
  gapY: number;
  /** The damping of the next plain step. */
  damping: number;
}

/** The grid solver: an init/update pair with explicit state and a solve loop. */
export interface GridSolver {
  /** "grid". */
  readonly name: string;
  /** The uniform densities (on R^d: the Gibbs densities of the confinement alone). */
  init(): GridSolverState;
  /**
   * One step: an Anderson-accelerated, then a plain damped best-response step, the first that
   * lowers NI is kept (otherwise α is halved).
   */
  update(state: GridSolverState): GridSolverState;
  /** Iterates from `init()` until NI < tolerance or maxIterations. */
  solve(): Promise<GridEquilibrium>;
}

/**
 * The exact equilibrium of a 1-D or 2-D entropic game on a grid: the fixed point of the Gibbs
 * best responses p*(q) ∝ exp(−g_q/T), q*(p) ∝ exp(f_p/T), reached by the damped iteration
 * p ← (1 − α)p + α p*(q), q ← (1 − α)q + α q*(p) (discrete smoothed best-response dynamics, for
 * which NI is a Lyapunov function in zero-sum games), accelerated by Anderson mixing over the
 * last 6 steps (an extrapolation that leaves the positive densities is skipped). A step is kept
 * only if it lowers the
 * Nikaidô–Isoda error (the accelerated step first, then the plain one); when neither does, α is
 * halved, and after an accepted step it grows by 1.5 (at most 1). The result is the reference
 * the particle solvers are compared against.
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying, quasistatic dynamics for mean-field
 * zero-sum games (ICLR 2022).
 *
 * @example The equilibrium of a potential-tilted game on the circle
 * ```ts
 * import { gameGrid, gridSolver, mathjsGame } from "minima";
 * import assert from "node:assert/strict";
 *
 * const game = mathjsGame("cos(x - y) + 0.5*cos(2*x) - 0.5*cos(2*y)", { temperature: 0.5 });
 * const eq = await gridSolver(await gameGrid(game, { pointsX: 64 })).solve();
 * assert.ok(eq.converged && eq.ni < 1e-10);
 * ```
 *
 * @param grid The discretised game.
 * @param options Damping, tolerance, iterations and hooks.
 * @returns The solver.
 */
export function gridSolver(grid: GameGrid, options: GridSolverOptions = {}): GridSolver {
  checkCall("gridSolver", arguments);
  const context = "Cannot solve the game on the grid";
  if (grid === null || typeof grid !== "object" || !(grid.payoff instanceof Float64Array)) {
    throw new TypeError(
      `${context}: grid must be a game grid made by gameGrid(game), current value is ${show(grid)}`,
    );
  }
  const damping0 = options.damping ?? 1;
  checkInRange(damping0, "options.damping", context, Number.MIN_VALUE, 1);
  const tolerance = options.tolerance ?? 1e-10;
  checkPositive(tolerance, "options.tolerance", context);
  const maxIterations = options.maxIterations ?? 10000;
  checkPositiveInteger(maxIterations, "options.maxIterations", context);
  const every = options.every ?? 10;
  checkPositiveInteger(every, "options.every", context);

  const gx = grid.x.size, gy = grid.y.size;
  const start = (dg: GameGrid["x"]) => {
    // exp(−U/T) normalised: uniform on the torus and the sphere.
    const v = dg.potential.map((u) => Math.exp(-(u - dg.potential[0]) / grid.temperature));
    const z = v.reduce((s, a, g) => s + a * dg.weights[g], 0);
    return v.map((a) => a / z);
  };
  /** Splits z = (p, q), renormalising each block (their mass only drifts by rounding). */
  const densities = (z: Float64Array) => {
    const block = (lo: number, n: number, w: Float64Array) => {
      const d = z.slice(lo, lo + n);
      const s = d.reduce((t, a, i) => t + a * w[i], 0);
      for (let i = 0; i < n; i++) d[i] /= s;
      return d;
    };
    return { p: block(0, gx, grid.x.weights), q: block(gx, gy, grid.y.weights) };
  };
  const residual = (z: Float64Array, e: NikaidoIsodaResult) => {
    const r = new Float64Array(gx + gy);
    for (let i = 0; i < gx; i++) r[i] = e.bestResponseX[i] - z[i];
    for (let j = 0; j < gy; j++) r[gx + j] = e.bestResponseY[j] - z[gx + j];
    return r;
  };
  const evaluate = (z: Float64Array) => {
    const { p, q } = densities(z);
    const zn = new Float64Array(gx + gy);
    zn.set(p, 0);
    zn.set(q, gx);
    return { z: zn, p, q, evaluation: nikaidoIsoda(grid, p, q) };
  };
  const init = (): GridSolverState => {
    const z = new Float64Array(gx + gy);
    z.set(start(grid.x), 0);
    z.set(start(grid.y), gx);
    const s = evaluate(z);
    return {
      p: s.p,
      q: s.q,
      iteration: 0,
      damping: damping0,
      evaluation: s.evaluation,
      densities: s.z,
      memory: [],
    };
  };
  const checkState = (state: GridSolverState): void => {
    const e = state?.evaluation;
    const ok = state !== null && typeof state === "object" &&
      state.densities instanceof Float64Array && state.densities.length === gx + gy &&
      typeof state.damping === "number" && state.damping > 0 && state.damping <= 1 &&
      Number.isInteger(state.iteration) && Array.isArray(state.memory) &&
      e !== null && typeof e === "object" && typeof e.value === "number" &&
      e.bestResponseX instanceof Float64Array && e.bestResponseX.length === gx &&
      e.bestResponseY instanceof Float64Array && e.bestResponseY.length === gy;
    if (!ok) {
      throw new TypeError(
        `${context}: state must be a state of this solver (from its init() or update(), on a grid of ${gx} × ${gy} points), current value is ${
          show(state)
        }`,
      );
    }
  };
  const update = (state: GridSolverState): GridSolverState => {
    checkState(state);
    const a = state.damping, e = state.evaluation, z = state.densities;
    const r = residual(z, e);
    // Anderson acceleration over the last steps: z + αr − Σγ_i(Δz_i + αΔr_i), with γ the least
    // squares fit of r by the residual differences Δr_i.
    const memory = state.memory;
    const candidates: { z: Float64Array; memory: readonly AndersonStep[] }[] = [];
    if (memory.length > 0) {
      const gamma = leastSquares(memory.map((m) => m.dr), r);
      const za = new Float64Array(z.length);
      for (let k = 0; k < z.length; k++) {
        let v = z[k] + a * r[k];
        for (let i = 0; i < memory.length; i++) {
          v -= gamma[i] * (memory[i].dz[k] + a * memory[i].dr[k]);
        }
        za[k] = v;
      }
      candidates.push({ z: za, memory });
    }
    const zp = new Float64Array(z.length);
    for (let k = 0; k < z.length; k++) zp[k] = z[k] + a * r[k];
    candidates.push({ z: zp, memory: [] });
    for (const c of candidates) {
      const zc = Float64Array.from(c.z);
      if (!zc.every((v) => v > 0 && Number.isFinite(v))) continue;
      const s = evaluate(zc);
      if (s.evaluation.value <= e.value) {
        const rc = residual(s.z, s.evaluation);
        const dz = new Float64Array(z.length), dr = new Float64Array(z.length);
        for (let k = 0; k < z.length; k++) {
          dz[k] = s.z[k] - z[k];
          dr[k] = rc[k] - r[k];
        }
        return {
          p: s.p,
          q: s.q,
          iteration: state.iteration + 1,
          damping: Math.min(1, 1.5 * a),
          evaluation: s.evaluation,
          densities: s.z,
          memory: [...c.memory, { dz, dr }].slice(-ANDERSON_DEPTH),
        };
      }
    }
    return { ...state, iteration: state.iteration + 1, damping: a / 2, memory: [] };
  };
  return {
    name: "grid",
    init,
    update,
    async solve(): Promise<GridEquilibrium> {
      let state = init();
      const history: GridSolverRow[] = [];
      const record = async () => {
        const row: GridSolverRow = {
          iteration: state.iteration,
          ni: state.evaluation.value,
          gapX: state.evaluation.gapX,
          gapY: state.evaluation.gapY,
          damping: state.damping,
        };
        history.push(row);
        await options.onRecord?.(row);
      };
      const loop = startLoop({ what: "gridSolver", total: maxIterations, unit: "iteration" });
      let interrupted = false;
      try {
        await record();
        while (
          state.evaluation.value >= tolerance && state.iteration < maxIterations &&
          state.damping > 1e-15
        ) {
          if (loop.interrupted()) {
            interrupted = true;
            loop.stopped(state.iteration, "returning the densities reached");
            break;
          }
          state = update(state);
          if (state.iteration % every === 0) {
            await record();
            options.onProgress?.({
              done: state.iteration,
              total: maxIterations,
              label: "grid equilibrium",
              metrics: { ni: state.evaluation.value },
            });
          }
        }
        if (history.at(-1)!.iteration !== state.iteration) await record();
      } finally {
        loop.exit();
      }
      const converged = state.evaluation.value < tolerance;
      options.onProgress?.({
        done: maxIterations,
        total: maxIterations,
        label: "grid equilibrium",
        metrics: { ni: state.evaluation.value },
      });
      return {
        grid,
        p: state.p,
        q: state.q,
        ni: state.evaluation.value,
        gapX: state.evaluation.gapX,
        gapY: state.evaluation.gapY,
        iterations: state.iteration,
        converged,
        interrupted,
        history,
      };
    },
  };
}
