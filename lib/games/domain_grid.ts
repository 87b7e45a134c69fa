import type { Domain } from "./domain.ts";
import { checkDomain, checkPositiveInteger, show } from "./_checks.ts";
import { domainLabel, potentialAt } from "./_domain_ops.ts";

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
  const context = "Cannot build a grid";
  checkDomain(domain, "domain", context);
  const axesCount = domain.kind === "sphere" ? domain.dim - 1 : domain.dim;
  if (axesCount > 2) {
    throw new RangeError(
      `${context}: grids cover domains of dimension 1 or 2 (torus(1|2), euclidean(1|2), sphere(2|3)), current domain is ${
        domainLabel(domain)
      }; use nikaidoIsodaEstimate for higher dimensions`,
    );
  }
  const defaults = axesCount === 1 ? [256] : domain.kind === "sphere" ? [24, 48] : [48, 48];
  const raw = options.points;
  const shape = raw === undefined
    ? defaults
    : typeof raw === "number"
    ? new Array(axesCount).fill(raw)
    : Array.isArray(raw)
    ? [...raw]
    : [NaN];
  if (shape.length !== axesCount) {
    throw new RangeError(
      `${context}: options.points must be one number or ${axesCount} (one per axis), current value is ${
        show(raw)
      }`,
    );
  }
  shape.forEach((g, k) => {
    checkPositiveInteger(g, `options.points${typeof raw === "number" ? "" : `[${k}]`}`, context);
    if (g < 3) {
      throw new RangeError(
        `${context}: options.points must be at least 3 per axis, current value is ${show(raw)}`,
      );
    }
  });
  const number = (name: string, k: number) => axesCount === 1 ? name : `${name}${k + 1}`;
  let axes: GridAxis[];
  if (domain.kind === "torus") {
    axes = shape.map((g, k) => periodicAxis(number("angle", k), g));
  } else if (domain.kind === "euclidean") {
    axes = shape.map((g, k) => {
      const h = 2 * domain.extent / g;
      return {
        name: number("coordinate", k),
        values: Float64Array.from({ length: g }, (_, i) => -domain.extent + (i + 0.5) * h),
        spacing: h,
        start: -domain.extent,
        periodic: false,
      };
    });
  } else if (domain.dim === 2) {
    axes = [periodicAxis("angle", shape[0])];
  } else {
    const h = Math.PI / shape[0];
    axes = [
      {
        name: "polar",
        values: Float64Array.from({ length: shape[0] }, (_, i) => (i + 0.5) * h),
        spacing: h,
        start: 0,
        periodic: false,
      },
      periodicAxis("azimuth", shape[1]),
    ];
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const d = domain.dim;
  const points = new Float64Array(size * d);
  const weights = new Float64Array(size);
  for (let g = 0; g < size; g++) {
    const i0 = axesCount === 1 ? g : Math.floor(g / shape[1]);
    const i1 = axesCount === 1 ? 0 : g % shape[1];
    const a = axes[0].values[i0], b = axesCount === 2 ? axes[1].values[i1] : 0;
    if (domain.kind === "sphere" && d === 2) {
      points[2 * g] = Math.cos(a);
      points[2 * g + 1] = Math.sin(a);
      weights[g] = axes[0].spacing;
    } else if (domain.kind === "sphere") {
      points[3 * g] = Math.sin(a) * Math.cos(b);
      points[3 * g + 1] = Math.sin(a) * Math.sin(b);
      points[3 * g + 2] = Math.cos(a);
      weights[g] = Math.sin(a) * axes[0].spacing * axes[1].spacing;
    } else {
      points[g * d] = a;
      if (d === 2) points[g * d + 1] = b;
      weights[g] = axes.reduce((w, ax) => w * ax.spacing, 1);
    }
  }
  return { domain, axes, shape, size, points, weights, potential: potentialAt(domain, points) };
}

function periodicAxis(name: string, g: number): GridAxis {
  const h = 2 * Math.PI / g;
  return {
    name,
    values: Float64Array.from({ length: g }, (_, i) => i * h),
    spacing: h,
    start: -h / 2,
    periodic: true,
  };
}
