import type { ProgressCallback, Row, RowCallback } from "../_types.ts";
import type { Seed } from "../random/mod.ts";
import type { NoisePath } from "./noise_path.ts";
import type { SdeProblem } from "./sde_terms.ts";
import type { SdeSolver } from "./sde_solver.ts";
import { prepare, run } from "./_integrate.ts";
import { type SummaryRow, summaryRows } from "./_summary.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode solveSde}. */
export interface SolveSdeOptions {
  /**
   * The scheme.
   * @default {eulerMaruyama()}
   */
  solver?: SdeSolver;
  /**
   * The step size; the last step is shortened to end at t1.
   * @default {(t1 − t0)/100}
   */
  dt?: number;
  /** An explicit, strictly increasing step grid from t0 to t1 (overrides `dt`). */
  ts?: ArrayLike<number>;
  /**
   * Particles (independent copies); y0 with `dim` values is copied to each.
   * @default {y0.length / dim}
   */
  particles?: number;
  /**
   * The driving noise: particles × noiseDim components on a time range covering [t0, t1].
   * @default {brownianPath({ particles, dim: noiseDim, t0, seed, levyArea: solver.needs.levyArea })}
   */
  path?: NoisePath;
  /**
   * The seed of the default path.
   * @default {0}
   */
  seed?: Seed;
  /**
   * Times at which to save the state (steps are shortened to land on them).
   * @default {[t0, t1]}
   */
  saveAt?: ArrayLike<number>;
  /**
   * Particles whose values go into `trajectories` (the first ones).
   * @default {0}
   */
  recordParticles?: number;
  /** Progress after every 1% of the steps; silent by default. */
  onProgress?: ProgressCallback;
  /** Receives each save time's summary rows (a live chart's `push`); awaited. */
  onRecord?: RowCallback;
  /**
   * The progress label.
   * @default {solver.name}
   */
  label?: string;
}

export type { SummaryRow };

/** The result of {@linkcode solveSde}. */
export interface SolveSdeResult {
  /** The save times. */
  ts: number[];
  /** The state at each save time, particles × dim, row-major. */
  ys: Float64Array[];
  /** Particles. */
  particles: number;
  /** State components per particle. */
  dim: number;
  /** Steps taken. */
  steps: number;
  /**
   * Whether the solve stopped early on an interrupt (the notebook's stop button): `ts`, `ys`,
   * `records` and `trajectories` hold the save times reached before it.
   */
  interrupted?: boolean;
  /** The solver's name. */
  solver: string;
  /**
   * One row per save time and component: `{ t, component, mean, std }` over the finite
   * particles (std with divisor n − 1; NaN when too few are finite), and `nonFinite`, the
   * particles that diverged.
   */
  records: SummaryRow[];
  /** `{ t, particle, component, value }` for the first `recordParticles` particles. */
  trajectories: Row[];
}

/**
 * Solves an Itô SDE dX = f(t, X) dt + G(t, X) dW for a batch of particles with a fixed-step
 * scheme, saving the states at chosen times (diffrax's `diffeqsolve`, for SDEs). The state is a
 * Float64Array of particles × dim values: for the 1-D and 10-D particle problems here, plain
 * loops over typed arrays beat tensor ops, whose per-op overhead dominates (see
 * `bench/sde_bench.ts`). A particle whose state becomes non-finite is counted in `nonFinite`, not
 * an error: divergence is data.
 *
 * @example Ornstein–Uhlenbeck: the mean relaxes to μ and the variance to σ²/(2θ)
 * ```ts
 * import { solveSde } from "minima";
 * import assert from "node:assert/strict";
 *
 * const theta = 2, mu = 1, sigma = 0.5;
 * const result = await solveSde({
 *   dim: 1,
 *   drift: (_t, x, out) => { for (let i = 0; i < x.length; i++) out[i] = theta * (mu - x[i]); },
 *   diffusion: { kind: "additive", sigma },
 *   y0: [0],
 *   t1: 5,
 * }, { particles: 4000, dt: 0.01, seed: 1 });
 * const last = result.records.at(-1)!;
 * assert.ok(Math.abs(last.mean - mu) < 0.02);
 * assert.ok(Math.abs(last.std ** 2 - sigma ** 2 / (2 * theta)) < 0.01);
 * ```
 *
 * @param problem The terms, the initial state y0 and the interval [t0, t1].
 * @param options Solver, steps, particles, path, save times and callbacks.
 * @returns The saved states, summary records and trajectories.
 */
export async function solveSde(
  problem: SdeProblem,
  options: SolveSdeOptions = {},
): Promise<SolveSdeResult> {
  checkCall("solveSde", arguments);
  const what = "solve the SDE";
  const recordParticles = options.recordParticles ?? 0;
  const setup = prepare(problem, options, what);
  if (!Number.isInteger(recordParticles) || recordParticles < 0) {
    throw new RangeError(
      `Cannot ${what}: recordParticles must be a non-negative integer, current value is ${recordParticles}`,
    );
  }
  const { particles, dim, names } = setup;
  const ts: number[] = [], ys: Float64Array[] = [];
  const records: SummaryRow[] = [], trajectories: Row[] = [];
  const shown = Math.min(recordParticles, particles);
  const end = await run(
    setup,
    {
      async save(_k, t, x) {
        ts.push(t);
        ys.push(x.slice());
        const rows = summaryRows(t, x, particles, dim, names);
        records.push(...rows);
        for (let p = 0; p < shown; p++) {
          for (let c = 0; c < dim; c++) {
            trajectories.push({ t, particle: p, component: names[c], value: x[p * dim + c] });
          }
        }
        if (options.onRecord) await options.onRecord(rows);
      },
    },
    "solveSde",
    () => `returning the ${ts.length} save times reached`,
  );
  return {
    ts,
    ys,
    particles,
    dim,
    steps: end.steps,
    interrupted: end.interrupted,
    solver: setup.solver.name,
    records,
    trajectories,
  };
}
