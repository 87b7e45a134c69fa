/**
 * Moving between particles and grids: axis coordinates, nearest-cell and linear binning, and the
 * separable kernel smoothing behind kernel density estimates. Private to the games area.
 *
 * @module
 */
import type { DomainGrid } from "./domain_grid.ts";

const TWO_PI = 2 * Math.PI;

/** The grid-axis coordinates of each point, row-major [n, axes] (angles on the sphere). */
export function axisCoordinates(grid: DomainGrid, positions: Float64Array): Float64Array {
  const d = grid.domain.dim, a = grid.axes.length;
  const n = positions.length / d;
  const out = new Float64Array(n * a);
  for (let i = 0; i < n; i++) {
    if (grid.domain.kind === "sphere" && d === 2) {
      out[i] = Math.atan2(positions[2 * i + 1], positions[2 * i]);
    } else if (grid.domain.kind === "sphere") {
      const z = Math.max(-1, Math.min(1, positions[3 * i + 2]));
      out[2 * i] = Math.acos(z);
      out[2 * i + 1] = Math.atan2(positions[3 * i + 1], positions[3 * i]);
    } else {
      for (let k = 0; k < a; k++) out[i * a + k] = positions[i * d + k];
    }
  }
  return out;
}

/** The cell of each point (nearest center; −1 outside a non-periodic axis's range). */
export function nearestCells(grid: DomainGrid, positions: Float64Array): Int32Array {
  const coords = axisCoordinates(grid, positions);
  const a = grid.axes.length;
  const n = coords.length / a;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let index = 0;
    for (let k = 0; k < a; k++) {
      const ax = grid.axes[k], g = ax.values.length;
      let c = Math.floor((coords[i * a + k] - ax.start) / ax.spacing);
      if (ax.periodic) c = ((c % g) + g) % g;
      else if (c < 0 || c >= g) {
        index = -1;
        break;
      }
      index = index * g + c;
    }
    out[i] = index;
  }
  return out;
}

/**
 * Linear (cloud-in-cell) binning: each point's unit mass is split between the two nearest centers
 * of every axis. Returns cell masses summing to the fraction of points inside the grid, and that
 * fraction's complement as `outside`.
 */
export function linearBinning(
  grid: DomainGrid,
  positions: Float64Array,
): { mass: Float64Array; outside: number } {
  const coords = axisCoordinates(grid, positions);
  const a = grid.axes.length;
  const n = coords.length / a;
  const mass = new Float64Array(grid.size);
  const idx = [new Int32Array(2), new Int32Array(2)];
  const wts = [new Float64Array(2), new Float64Array(2)];
  let outside = 0;
  points: for (let i = 0; i < n; i++) {
    for (let k = 0; k < a; k++) {
      const ax = grid.axes[k], g = ax.values.length;
      const u = (coords[i * a + k] - ax.values[0]) / ax.spacing;
      const lo = Math.floor(u), f = u - lo;
      if (ax.periodic) {
        idx[k][0] = ((lo % g) + g) % g;
        idx[k][1] = (idx[k][0] + 1) % g;
      } else {
        if (u < -0.5 || u > g - 0.5) {
          outside++;
          continue points;
        }
        idx[k][0] = Math.max(0, lo);
        idx[k][1] = Math.min(g - 1, lo + 1);
      }
      wts[k][0] = 1 - f;
      wts[k][1] = f;
    }
    if (a === 1) {
      mass[idx[0][0]] += wts[0][0];
      mass[idx[0][1]] += wts[0][1];
    } else {
      const g1 = grid.shape[1];
      for (let s = 0; s < 2; s++) {
        for (let t = 0; t < 2; t++) mass[idx[0][s] * g1 + idx[1][t]] += wts[0][s] * wts[1][t];
      }
    }
  }
  for (let g = 0; g < mass.length; g++) mass[g] /= n;
  return { mass, outside: outside / n };
}

/**
 * The column-normalised smoothing matrix of one axis, row-major [G, G]: column j spreads a unit
 * mass at center j over the centers i with kernel k(v_i − v_j) (von Mises exp((cos Δ − 1)/h²) on
 * periodic axes, Gaussian exp(−Δ²/2h²) otherwise), so mass is conserved.
 */
export function smoothingMatrix(values: Float64Array, periodic: boolean, h: number): Float64Array {
  const g = values.length;
  const out = new Float64Array(g * g);
  const inv = 1 / (h * h);
  for (let j = 0; j < g; j++) {
    let s = 0;
    for (let i = 0; i < g; i++) {
      const d = values[i] - values[j];
      const k = periodic ? Math.exp((Math.cos(d) - 1) * inv) : Math.exp(-0.5 * d * d * inv);
      out[i * g + j] = k;
      s += k;
    }
    for (let i = 0; i < g; i++) out[i * g + j] /= s;
  }
  return out;
}

/** Applies the separable smoothing (one matrix per axis) to cell masses. */
export function smooth(
  grid: DomainGrid,
  mass: Float64Array,
  matrices: Float64Array[],
): Float64Array {
  if (grid.axes.length === 1) return matvec(matrices[0], mass, grid.size);
  const [g0, g1] = grid.shape;
  const tmp = new Float64Array(grid.size);
  // Along the second axis: tmp[a, i] = Σ_j M1[i, j] mass[a, j].
  const m1 = matrices[1], m0 = matrices[0];
  for (let a = 0; a < g0; a++) {
    for (let i = 0; i < g1; i++) {
      let s = 0;
      for (let j = 0; j < g1; j++) s += m1[i * g1 + j] * mass[a * g1 + j];
      tmp[a * g1 + i] = s;
    }
  }
  const out = new Float64Array(grid.size);
  for (let i = 0; i < g0; i++) {
    for (let j = 0; j < g0; j++) {
      const w = m0[i * g0 + j];
      if (w === 0) continue;
      for (let b = 0; b < g1; b++) out[i * g1 + b] += w * tmp[j * g1 + b];
    }
  }
  return out;
}

function matvec(m: Float64Array, v: Float64Array, g: number): Float64Array {
  const out = new Float64Array(g);
  for (let i = 0; i < g; i++) {
    let s = 0;
    for (let j = 0; j < g; j++) s += m[i * g + j] * v[j];
    out[i] = s;
  }
  return out;
}

/** The scale of an axis: π on angles, the box half-width otherwise. */
export function axisScale(grid: DomainGrid, k: number): number {
  const ax = grid.axes[k];
  return ax.periodic ? Math.PI : 0.5 * ax.spacing * ax.values.length;
}

/**
 * The default histogram bins of particle metrics: per axis, the largest divisor of the grid's
 * points up to 32 (one axis) or 16 (two).
 */
export function defaultBins(shape: readonly number[]): number[] {
  const cap = shape.length === 1 ? 32 : 16;
  return shape.map((g) => {
    for (let b = Math.min(cap, g); b > 1; b--) if (g % b === 0) return b;
    return 1;
  });
}

export { TWO_PI };
