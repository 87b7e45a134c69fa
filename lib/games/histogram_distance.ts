import type { DomainGrid } from "./domain_grid.ts";
import type { ParticleMeasure } from "./particle_measure.ts";
import { checkDomainGrid, checkPositions, checkPositiveInteger, show } from "./_checks.ts";
import { nearestCells } from "./_grid_ops.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode histogramDistance}. */
export interface HistogramDistanceOptions {
  /**
   * Bins per axis: the grid's cells merged in equal groups (must divide the points per axis).
   * Coarser bins lower the sampling floor.
   * @default {the grid's own cells}
   */
  bins?: number | readonly number[];
}

/** How far a particle histogram is from a density on the same grid. */
export interface HistogramDistance {
  /** ½ Σ_b |n_b/n − μ_b| (+ half the mass outside the grid's box): in [0, 1]. */
  totalVariation: number;
  /** Σ_b |n_b/n − μ_b| (+ the mass outside): twice the total variation. */
  l1: number;
  /**
   * The expected total variation of n exact samples of the density on the same bins,
   * ½ Σ_b √(2 μ_b(1 − μ_b)/(π n)) (normal approximation): the floor to compare against.
   */
  floor: number;
  /** The histogram as a density on the grid's points: (particles in the point's bin)/(n · bin measure). */
  histogram: Float64Array;
  /** The fraction of particles outside the grid's box (R^d only). */
  outside: number;
  /** Bins per axis used. */
  bins: number[];
}

/**
 * The total variation between the histogram of particles and a density on the same grid (e.g.
 * the grid equilibrium), on bins made of the grid's cells: TV = ½ Σ_b |n_b/n − μ_b| with
 * μ_b = Σ_{g ∈ b} p_g w_g, in [0, 1]. Even exact samples of p give TV > 0 (about
 * ½ Σ_b √(2 μ_b(1 − μ_b)/(π n)), returned as `floor`): compare against it, or use fewer bins.
 *
 * @example Particles all in one cell are far from the uniform density
 * ```ts
 * import { domainGrid, histogramDistance, torus } from "minima";
 * import assert from "node:assert/strict";
 *
 * const grid = domainGrid(torus(1), { points: 4 });
 * const uniform = new Float64Array(4).fill(1 / (2 * Math.PI));
 * const d = histogramDistance(grid, Float64Array.of(0, 0.1, 6.2), uniform);
 * assert.ok(Math.abs(d.totalVariation - 0.75) < 1e-12);
 * ```
 *
 * @param grid The grid.
 * @param particles The particles (a measure, or positions row-major).
 * @param density A density on the grid (Σ p_g w_g = 1).
 * @param options Bins per axis.
 * @returns Total variation, L1, its sampling floor, the histogram and the mass outside the box.
 */
export function histogramDistance(
  grid: DomainGrid,
  particles: ParticleMeasure | Float64Array,
  density: Float64Array,
  options: HistogramDistanceOptions = {},
): HistogramDistance {
  checkCall("histogramDistance", arguments);
  const context = "Cannot compare the histogram";
  checkDomainGrid(grid, "grid", context);
  const positions = checkPositions(
    particles instanceof Float64Array ? particles : particles?.positions,
    grid.domain.dim,
    "particles",
    context,
  );
  if (!(density instanceof Float64Array) || density.length !== grid.size) {
    throw new TypeError(
      `${context}: density must be a Float64Array with one value per grid point (${grid.size}), current value is ${
        show(density)
      }`,
    );
  }
  const a = grid.axes.length;
  const raw = options.bins ?? grid.shape;
  const bins = typeof raw === "number"
    ? new Array(a).fill(raw)
    : Array.isArray(raw)
    ? [...raw]
    : [];
  if (bins.length !== a) {
    throw new RangeError(
      `${context}: options.bins must be one number or ${a} (one per axis), current value is ${
        show(raw)
      }`,
    );
  }
  bins.forEach((b, k) => {
    checkPositiveInteger(b, "options.bins", context);
    if (grid.shape[k] % b !== 0) {
      throw new RangeError(
        `${context}: options.bins must divide the grid's ${
          grid.shape[k]
        } points per axis, current value is ${b}; use a divisor of ${grid.shape[k]}`,
      );
    }
  });
  const binOf = (g: number) => {
    if (a === 1) return Math.floor(g / (grid.shape[0] / bins[0]));
    const i = Math.floor(g / grid.shape[1]), j = g % grid.shape[1];
    return Math.floor(i / (grid.shape[0] / bins[0])) * bins[1] +
      Math.floor(j / (grid.shape[1] / bins[1]));
  };
  const nb = bins.reduce((s, b) => s * b, 1);
  const n = positions.length / grid.domain.dim;
  const cells = nearestCells(grid, positions);
  const counts = new Float64Array(nb), mu = new Float64Array(nb), measure = new Float64Array(nb);
  let outside = 0;
  for (let i = 0; i < n; i++) {
    if (cells[i] < 0) outside++;
    else counts[binOf(cells[i])]++;
  }
  for (let g = 0; g < grid.size; g++) {
    mu[binOf(g)] += density[g] * grid.weights[g];
    measure[binOf(g)] += grid.weights[g];
  }
  let l1 = outside / n, floor = 0;
  for (let b = 0; b < nb; b++) {
    l1 += Math.abs(counts[b] / n - mu[b]);
    floor += Math.sqrt(2 * mu[b] * Math.max(0, 1 - mu[b]) / (Math.PI * n));
  }
  const histogram = new Float64Array(grid.size);
  for (let g = 0; g < grid.size; g++) histogram[g] = counts[binOf(g)] / (n * measure[binOf(g)]);
  return { totalVariation: l1 / 2, l1, floor: floor / 2, histogram, outside: outside / n, bins };
}
