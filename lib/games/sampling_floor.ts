import type { Row } from "../_types.ts";
import type { Seed } from "../random/mod.ts";
import type { GridEquilibrium } from "./grid_solver.ts";
import type { KernelDensityOptions } from "./kernel_density.ts";
import { sampleDensity } from "./sample_density.ts";
import { particleNikaidoIsoda } from "./particle_nikaido_isoda.ts";
import { histogramDistance } from "./histogram_distance.ts";
import { checkPositiveInteger, show } from "./_checks.ts";
import { defaultBins } from "./_grid_ops.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode samplingFloor}. */
export interface SamplingFloorOptions {
  /**
   * x particles per draw: use the solver's count, the floor depends on it.
   * @default {1000}
   */
  particlesX?: number;
  /**
   * y particles per draw.
   * @default {particlesX}
   */
  particlesY?: number;
  /**
   * Independent draws of both players' samples.
   * @default {20}
   */
  repeats?: number;
  /**
   * The seed of the draws.
   * @default {0}
   */
  seed?: Seed;
  /**
   * The kernel width behind `ni`, as in the solvers' `solve()`.
   * @default {"cv"}
   */
  bandwidth?: KernelDensityOptions["bandwidth"];
  /**
   * Bins per axis behind `tvX`, `tvY`, as in the solvers' `solve()`.
   * @default {the largest divisor of the grid's points per axis up to 32 in 1-D, 16 in 2-D}
   */
  histogramBins?: number | readonly number[];
}

/** Summary statistics of one metric over the draws. */
export interface FloorSummary {
  /** The mean. */
  mean: number;
  /** The median. */
  median: number;
  /** The 90th percentile, interpolated between order statistics (as numpy's default). */
  p90: number;
  /** The largest draw. */
  max: number;
}

/** What particle metrics give on exact samples of the equilibrium. */
export interface SamplingFloor {
  /** One row per draw: {repeat, ni, gapX, gapY, tvX, tvY}. */
  rows: Row[];
  /** The smoothed Nikaidô–Isoda error of exact samples. */
  ni: FloorSummary;
  /** The x histogram's total variation from the equilibrium. */
  tvX: FloorSummary;
  /** The y histogram's total variation. */
  tvY: FloorSummary;
}

/**
 * The floor of the particle metrics of a game: the metrics that `solve({ reference })` records
 * (the Nikaidô–Isoda error of kernel density estimates and the histograms' total variation),
 * applied to `repeats` independent sets of exact samples of the grid equilibrium, drawn with
 * {@linkcode sampleDensity}. Particles cannot do better than exact samples, so a solver has
 * converged when its metrics sit in this distribution, and tolerances are stated relative to it
 * (the smoothed NI of n samples is of order T·(h⁴ + 1/(n h^d)) and its spread is as large).
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying (ICLR 2022), the Nikaidô–Isoda error.
 *
 * @example The floor falls as the particles grow
 * ```ts
 * import { gameGrid, gridSolver, mathjsGame, samplingFloor } from "minima";
 * import assert from "node:assert/strict";
 *
 * const game = mathjsGame("cos(x - y) + 0.3*cos(x)", { temperature: 0.2 });
 * const eq = await gridSolver(await gameGrid(game, { pointsX: 64 })).solve();
 * const small = samplingFloor(eq, { particlesX: 200, repeats: 8 });
 * const large = samplingFloor(eq, { particlesX: 3200, repeats: 8 });
 * assert.ok(large.ni.median < small.ni.median / 4);
 * assert.ok(large.tvX.median < small.tvX.median / 2);
 * ```
 *
 * @param reference The grid equilibrium (from `gridSolver(grid).solve()`).
 * @param options Particle counts, draws, seed, bandwidth and bins.
 * @returns One row per draw and each metric's mean, median, 90th percentile and maximum.
 */
export function samplingFloor(
  reference: GridEquilibrium,
  options: SamplingFloorOptions = {},
): SamplingFloor {
  checkCall("samplingFloor", arguments);
  const context = "Cannot measure the sampling floor";
  const grid = reference?.grid;
  if (
    grid === undefined || grid === null || !(reference.p instanceof Float64Array) ||
    !(reference.q instanceof Float64Array)
  ) {
    throw new TypeError(
      `${context}: reference must be a grid equilibrium from gridSolver(grid).solve(), current value is ${
        show(reference)
      }`,
    );
  }
  const nx = options.particlesX ?? 1000, ny = options.particlesY ?? nx;
  const repeats = options.repeats ?? 20, seed = options.seed ?? 0;
  checkPositiveInteger(nx, "options.particlesX", context);
  checkPositiveInteger(ny, "options.particlesY", context);
  checkPositiveInteger(repeats, "options.repeats", context);
  const rows: Row[] = [];
  for (let r = 0; r < repeats; r++) {
    const x = sampleDensity(grid.x, reference.p, nx, { seed: `${seed}/x/${r}` });
    const y = sampleDensity(grid.y, reference.q, ny, { seed: `${seed}/y/${r}` });
    const ni = particleNikaidoIsoda(grid, x, y, { bandwidth: options.bandwidth });
    const hx = histogramDistance(grid.x, x, reference.p, {
      bins: options.histogramBins ?? defaultBins(grid.x.shape),
    });
    const hy = histogramDistance(grid.y, y, reference.q, {
      bins: options.histogramBins ?? defaultBins(grid.y.shape),
    });
    rows.push({
      repeat: r,
      ni: ni.value,
      gapX: ni.gapX,
      gapY: ni.gapY,
      tvX: hx.totalVariation,
      tvY: hy.totalVariation,
    });
  }
  const summary = (key: string): FloorSummary => {
    const v = rows.map((row) => row[key] as number).sort((a, b) => a - b);
    const at = (q: number) => {
      // Linear interpolation between order statistics (numpy's default percentile).
      const h = (v.length - 1) * q, lo = Math.floor(h);
      return lo + 1 < v.length ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[lo];
    };
    return {
      mean: v.reduce((s, a) => s + a, 0) / v.length,
      median: at(0.5),
      p90: at(0.9),
      max: v[v.length - 1],
    };
  };
  return { rows, ni: summary("ni"), tvX: summary("tvX"), tvY: summary("tvY") };
}
