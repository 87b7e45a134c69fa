/**
 * Densities on grids: Gibbs densities, negative entropy, KL divergence and the density check.
 * Private to the games area.
 *
 * @module
 */
import { show } from "./_checks.ts";

/** The normalised Gibbs density exp(s·v)/Z on the grid, and log Z = log Σ w exp(s·v). */
export function gibbs(
  v: Float64Array,
  w: Float64Array,
  s: number,
): { density: Float64Array; logZ: number } {
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) max = Math.max(max, s * v[i]);
  let z = 0;
  const density = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    density[i] = Math.exp(s * v[i] - max);
    z += density[i] * w[i];
  }
  for (let i = 0; i < v.length; i++) density[i] /= z;
  return { density, logZ: max + Math.log(z) };
}

/** H(p) = Σ w p log p, with 0 log 0 = 0. */
export function negEntropy(p: Float64Array, w: Float64Array): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) h += w[i] * p[i] * Math.log(p[i]);
  return h;
}

/** KL(p ‖ r) = Σ w p (log p − log r) with log r = s·v − log Z (no underflow of r). */
export function kl(
  p: Float64Array,
  v: Float64Array,
  s: number,
  logZ: number,
  w: Float64Array,
): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0) sum += w[i] * p[i] * (Math.log(p[i]) - (s * v[i] - logZ));
  }
  return Math.max(0, sum);
}

/** Throws unless p is a non-negative density of the grid's size with Σ p w = 1 (to 1e-6). */
export function checkDensity(
  p: unknown,
  w: Float64Array,
  name: string,
  gridName: string,
  context: string,
): void {
  if (!(p instanceof Float64Array) || p.length !== w.length) {
    throw new TypeError(
      `${context}: ${name} must be a Float64Array density with one value per point of ${gridName} (${w.length}), current value is ${
        show(p)
      }`,
    );
  }
  let mass = 0;
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0) || !Number.isFinite(p[i])) {
      throw new RangeError(
        `${context}: ${name} must be non-negative and finite, entry ${i} is ${p[i]}`,
      );
    }
    mass += p[i] * w[i];
  }
  if (Math.abs(mass - 1) > 1e-6) {
    throw new RangeError(
      `${context}: ${name} must be a density on ${gridName} (Σ ${name}_g w_g = 1), current mass is ${mass}; divide by the mass, or estimate it with kernelDensity`,
    );
  }
}
