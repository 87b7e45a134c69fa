import type { ProgressCallback, Row } from "../_types.ts";
import type { Seed } from "../random/mod.ts";
import type { NoisePath } from "./noise_path.ts";
import type { SdeProblem } from "./sde_terms.ts";
import type { SdeSolver } from "./sde_solver.ts";
import { prepare, run } from "./_integrate.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode escapeTimes}. */
export interface EscapeTimesOptions {
  /**
   * The scheme.
   * @default {eulerMaruyama()}
   */
  solver?: SdeSolver;
  /**
   * The step size; escapes are detected at step ends.
   * @default {(t1 − t0)/1000}
   */
  dt?: number;
  /**
   * Particles (independent copies).
   * @default {y0.length / dim}
   */
  particles?: number;
  /**
   * The driving noise, e.g. a {@linkcode levyPath} for heavy tails.
   * @default {brownianPath({ particles, dim: noiseDim, t0, seed })}
   */
  path?: NoisePath;
  /**
   * The seed of the default path.
   * @default {0}
   */
  seed?: Seed;
  /** Progress after every 1% of the steps; silent by default. */
  onProgress?: ProgressCallback;
  /**
   * The progress label.
   * @default {"escape times"}
   */
  label?: string;
}

/** The result of {@linkcode escapeTimes}. */
export interface EscapeTimesResult {
  /** One row per particle: `{ particle, time, escaped }`, time null when it did not escape by t1. */
  rows: Row[];
  /** The fraction of particles that escaped by t1. */
  escapedFraction: number;
  /** The mean escape time of the particles that escaped (null if none): biased low when some did not. */
  meanTime: number | null;
  /**
   * Total time at risk over the number of escapes: the maximum-likelihood mean of an exponential
   * escape time censored at t1 (null if none escaped); equals `meanTime` when all escaped.
   */
  meanTimeMle: number | null;
  /** The horizon t1 − t0 (the time reached, when interrupted). */
  horizon: number;
  /**
   * Whether the simulation stopped early on an interrupt (the notebook's stop button): the
   * particles still inside are censored at the time reached, which is then the horizon.
   */
  interrupted?: boolean;
}

/**
 * First exit times of an SDE's particles from a basin: each particle's first step end at which
 * `hasEscaped` holds, up to the horizon t1 (the simulation stops early once all have escaped).
 * With Gaussian noise of size ε the mean exit time grows like exp(2ΔU/ε²) (Kramers); with
 * α-stable noise ε dL only polynomially, like ε^{−α}, because one large jump suffices
 * (Imkeller–Pavlyukevich): the mechanism behind heavy-tailed SGD leaving sharp minima.
 *
 * @see Şimşekli, Sagun, Gürbüzbalaban, ICML 2019, arXiv 1901.06053; Zhou et al., "Towards
 * theoretically understanding why SGD generalizes better than Adam in deep learning",
 * NeurIPS 2020, arXiv 2010.05627; Imkeller, Pavlyukevich, "First exit times of SDEs driven by
 * stable Lévy processes", Stochastic Process. Appl. 116 (2006).
 *
 * @example A double well, left basin, with Cauchy noise
 * ```ts
 * import { escapeTimes, levyPath } from "minima";
 * import assert from "node:assert/strict";
 *
 * const r = await escapeTimes({
 *   dim: 1,
 *   drift: (_t, x, out) => { for (let i = 0; i < x.length; i++) out[i] = x[i] - x[i] ** 3; },
 *   diffusion: { kind: "additive", sigma: 0.5 },
 *   y0: [-1],
 *   t1: 50,
 * }, (x, p) => x[p] > 0, { particles: 200, dt: 0.01, path: levyPath(1, { particles: 200, seed: 1 }) });
 * assert.ok(r.escapedFraction > 0.9);
 * assert.equal(r.rows.length, 200);
 * ```
 *
 * @param problem The SDE, its start y0 inside the basin, and the horizon t1.
 * @param hasEscaped Whether particle p of the batch state x (row-major, dim per particle) is out.
 * @param options Solver, step, particles, path and progress.
 * @returns Per-particle records and summary estimates.
 */
export async function escapeTimes(
  problem: SdeProblem,
  hasEscaped: (x: Float64Array, particle: number) => boolean,
  options: EscapeTimesOptions = {},
): Promise<EscapeTimesResult> {
  checkCall("escapeTimes", arguments);
  const what = "compute escape times";
  if (typeof hasEscaped !== "function") {
    throw new TypeError(
      `Cannot ${what}: hasEscaped must be a function (x, particle) => boolean, current value is ${hasEscaped}`,
    );
  }
  const t0 = problem?.t0 ?? 0;
  const setup = prepare(problem, {
    ...options,
    dt: options.dt ?? (problem?.t1 - t0) / 1000,
    saveAt: [],
    label: options.label ?? "escape times",
  }, what);
  const n = setup.particles;
  const times = new Float64Array(n).fill(NaN);
  let active = Array.from({ length: n }, (_, p) => p);
  for (const p of active) {
    if (hasEscaped(setup.x, p)) times[p] = t0;
  }
  active = active.filter((p) => Number.isNaN(times[p]));
  let reached = setup.t1, interrupted = false;
  if (active.length > 0) {
    const end = await run(
      setup,
      {
        step(_k, t, x) {
          let kept = 0;
          for (let i = 0; i < active.length; i++) {
            const p = active[i];
            if (hasEscaped(x, p)) times[p] = t;
            else active[kept++] = p;
          }
          active.length = kept;
          return kept === 0;
        },
      },
      "escapeTimes",
      () => `${active.length} particles still inside are censored there`,
    );
    if (end.interrupted) reached = end.t, interrupted = true;
  }
  const horizon = reached - t0;
  let escaped = 0, sum = 0, exposure = 0;
  const rows: Row[] = [];
  for (let p = 0; p < n; p++) {
    const done = !Number.isNaN(times[p]);
    if (done) escaped++, sum += times[p] - t0, exposure += times[p] - t0;
    else exposure += horizon;
    rows.push({ particle: p, time: done ? times[p] : null, escaped: done });
  }
  return {
    rows,
    escapedFraction: escaped / n,
    meanTime: escaped > 0 ? sum / escaped : null,
    meanTimeMle: escaped > 0 ? exposure / escaped : null,
    horizon,
    interrupted,
  };
}
