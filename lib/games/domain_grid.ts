import type { Domain } from "./domain.ts";
import { gridOf } from "./_grid_of.ts";
import { checkCall } from "../_checks.ts";

/** One axis of a grid: cell centers, evenly spaced. */
export interface GridAxis {
  /** "angle" (torus, circle), "coordinate" (R^d), "polar" or "azimuth" (S²), numbered in 2-D. */
  readonly name: string;
  /** The cell centers. */
  readonly values: Float64Array;
  /** The distance between neighbouring centers. */
  readonly spacing: number;
  /** The lower edge of the first cell. */
  readonly start: number;
  /** Whether the axis wraps around (angles). */
  readonly periodic: boolean;
}

/**
 * A quadrature grid on a 1-D or 2-D domain: points, weights and the confining potential at the
 * points. Densities on the grid are Float64Arrays of length `size` normalised so that
 * Σ_g p_g w_g = 1.
 */
export interface DomainGrid {
  /** The domain covered. */
  readonly domain: Domain;
  /** One or two axes; the point index is row-major over them (the first axis varies slowest). */
  readonly axes: readonly GridAxis[];
  /** Points per axis. */
  readonly shape: readonly number[];
  /** The number of points. */
  readonly size: number;
  /** The points in domain coordinates, row-major [size, domain.dim]. */
  readonly points: Float64Array;
  /**
   * Quadrature weights (cell measures): 2π/G per angle on the torus and the circle (periodic
   * trapezoid, spectrally accurate for smooth integrands), h^d in R^d (midpoint rule on the box
   * [−extent, extent]^d), sin θ Δθ Δφ on S² (midpoint in θ).
   */
  readonly weights: Float64Array;
  /** U at the points (λ|x|²/2 in R^d, zero elsewhere). */
  readonly potential: Float64Array;
}

/** Options for {@linkcode domainGrid}. */
export interface DomainGridOptions {
  /**
   * Points per axis: one number for every axis, or one per axis.
   * @default {256 in 1-D; 48 per axis in 2-D; [24, 48] (polar, azimuth) on S²}
   */
  points?: number | readonly number[];
}

/**
 * A quadrature grid on a domain of dimension 1 or 2: torus(1 | 2), euclidean(1 | 2) (the box
 * [−extent, extent]^d), sphere(2) (the circle, by angle) or sphere(3) (S², by polar and azimuthal
 * angles). It is what the exact Nikaidô–Isoda error and the grid equilibrium integrate on.
 *
 * @example The circle with 8 points: weights 2π/8 that sum to the length 2π
 * ```ts
 * import { domainGrid, torus } from "minima";
 * import assert from "node:assert/strict";
 *
 * const g = domainGrid(torus(1), { points: 8 });
 * assert.equal(g.size, 8);
 * assert.ok(Math.abs(g.weights.reduce((s, w) => s + w, 0) - 2 * Math.PI) < 1e-12);
 * ```
 *
 * @param domain The domain, of dimension 1 or 2.
 * @param options Points per axis.
 * @returns The grid.
 */
export function domainGrid(domain: Domain, options: DomainGridOptions = {}): DomainGrid {
  checkCall("domainGrid", arguments);
  return gridOf(domain, options.points, {
    context: "Cannot build a grid",
    domain: "domain",
    points: "options.points",
  });
}
