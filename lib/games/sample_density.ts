import { Rng, type Seed } from "../random/mod.ts";
import type { DomainGrid } from "./domain_grid.ts";
import type { ParticleMeasure } from "./particle_measure.ts";
import { checkDomainGrid, checkPositiveInteger } from "./_checks.ts";
import { checkDensity } from "./_density_ops.ts";
import { wrapAngle } from "./_domain_ops.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode sampleDensity}. */
export interface SampleDensityOptions {
  /**
   * The seed.
   * @default {0}
   */
  seed?: Seed;
}

/**
 * Draws particles from a density on a grid (e.g. the grid equilibrium): a cell with probability
 * p_g w_g, then a uniform point in the cell (uniform in the angles on S²). Samples of the
 * equilibrium give the floor that particle metrics (histogram distances, the smoothed
 * Nikaidô–Isoda error) reach at exact convergence, and a warm start for solvers.
 *
 * @example The histogram of samples from a density is close to it
 * ```ts
 * import { domainGrid, histogramDistance, sampleDensity, torus } from "minima";
 * import assert from "node:assert/strict";
 *
 * const grid = domainGrid(torus(1), { points: 32 });
 * const p = grid.points.map((x) => Math.exp(Math.cos(x)));
 * const mass = p.reduce((s, v, g) => s + v * grid.weights[g], 0);
 * const density = p.map((v) => v / mass);
 * const x = sampleDensity(grid, density, 20000, { seed: 1 });
 * const d = histogramDistance(grid, x, density);
 * assert.ok(d.totalVariation < 3 * d.floor);
 * ```
 *
 * @param grid The grid.
 * @param density The density on it (Σ p_g w_g = 1).
 * @param count How many particles.
 * @param options The seed.
 * @returns The particles as a measure.
 */
export function sampleDensity(
  grid: DomainGrid,
  density: Float64Array,
  count: number,
  options: SampleDensityOptions = {},
): ParticleMeasure {
  checkCall("sampleDensity", arguments);
  const context = "Cannot sample the density";
  checkDomainGrid(grid, "grid", context);
  checkDensity(density, grid.weights, "density", "the grid", context);
  checkPositiveInteger(count, "count", context);
  const rng = new Rng(options.seed ?? 0);
  const cdf = new Float64Array(grid.size);
  let s = 0;
  for (let g = 0; g < grid.size; g++) {
    s += density[g] * grid.weights[g];
    cdf[g] = s;
  }
  const d = grid.domain.dim, a = grid.axes.length;
  const positions = new Float64Array(count * d);
  const coords = new Float64Array(a);
  for (let i = 0; i < count; i++) {
    const u = rng.uniform() * s;
    let lo = 0, hi = grid.size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] <= u) lo = mid + 1;
      else hi = mid;
    }
    const idx = a === 1 ? [lo] : [Math.floor(lo / grid.shape[1]), lo % grid.shape[1]];
    for (let k = 0; k < a; k++) {
      const ax = grid.axes[k];
      coords[k] = ax.start + (idx[k] + rng.uniform()) * ax.spacing;
    }
    const o = i * d;
    if (grid.domain.kind === "sphere" && d === 2) {
      positions[o] = Math.cos(coords[0]);
      positions[o + 1] = Math.sin(coords[0]);
    } else if (grid.domain.kind === "sphere") {
      positions[o] = Math.sin(coords[0]) * Math.cos(coords[1]);
      positions[o + 1] = Math.sin(coords[0]) * Math.sin(coords[1]);
      positions[o + 2] = Math.cos(coords[0]);
    } else {
      for (let k = 0; k < a; k++) {
        positions[o + k] = grid.axes[k].periodic ? wrapAngle(coords[k]) : coords[k];
      }
    }
  }
  return { domain: grid.domain, count, positions };
}
