import { checkCall } from "../_checks.ts";
/**
 * Inputs whitened over the batch: centred, and mapped by the inverse Cholesky factor of their
 * covariance, x ↦ C^{-1/2}(x − x̄) with C = (1/n) Σᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ = RRᵀ (R lower
 * triangular, R⁻¹ in place of the symmetric root), so that the result has mean 0 and covariance
 * exactly I (biased, the normalization BatchNorm uses). For every w the batch statistics of w·x
 * are then mean 0 and variance ‖w‖², and batch normalization of w·x is w·x/‖w‖.
 *
 * @example
 * ```ts
 * import { whitenInputs } from "minima";
 * import assert from "node:assert/strict";
 *
 * const x = whitenInputs([[1, 2], [3, 1], [0, 0], [2, 5]]);
 * const cov = (a: number, b: number) => x.reduce((s, r) => s + r[a] * r[b], 0) / x.length;
 * assert.ok(Math.abs(cov(0, 0) - 1) < 1e-12 && Math.abs(cov(0, 1)) < 1e-12);
 * ```
 *
 * @param x The inputs, n rows of d numbers, n > d, not all in one hyperplane.
 * @returns The whitened inputs, new arrays.
 */
export function whitenInputs(x: readonly (readonly number[])[]): number[][] {
  checkCall("whitenInputs", arguments);
  const what = "whiten the inputs";
  if (!Array.isArray(x) || x.length === 0 || !Array.isArray(x[0])) {
    throw new TypeError(`Cannot ${what}: x must be a non-empty array of rows`);
  }
  const n = x.length, d = x[0].length;
  x.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== d || !row.every(Number.isFinite)) {
      throw new TypeError(`Cannot ${what}: row ${i} must hold ${d} finite numbers`);
    }
  });
  if (n <= d) {
    throw new RangeError(
      `Cannot ${what}: the covariance of ${n} rows in ${d} dimensions is singular; need more rows than dimensions`,
    );
  }
  const mean = new Array<number>(d).fill(0);
  for (const row of x) for (let k = 0; k < d; k++) mean[k] += row[k] / n;
  const centred = x.map((row) => row.map((v: number, k: number) => v - mean[k]));
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const row of centred) {
    for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) cov[a][b] += row[a] * row[b] / n;
  }
  // Cholesky C = RRᵀ.
  const R = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      let s = cov[a][b];
      for (let k = 0; k < b; k++) s -= R[a][k] * R[b][k];
      if (a === b) {
        if (!(s > 1e-12 * (cov[a][a] || 1))) {
          throw new RangeError(
            `Cannot ${what}: the inputs are degenerate (they lie in a hyperplane: coordinate ${a} is a combination of the ones before it)`,
          );
        }
        R[a][a] = Math.sqrt(s);
      } else {
        R[a][b] = s / R[b][b];
      }
    }
  }
  // Solve R z = x − x̄ for each row (forward substitution).
  return centred.map((row) => {
    const z = new Array<number>(d);
    for (let a = 0; a < d; a++) {
      let s = row[a];
      for (let k = 0; k < a; k++) s -= R[a][k] * z[k];
      z[a] = s / R[a][a];
    }
    return z;
  });
}
