import { checkCall } from "../_checks.ts";
/** A least-squares line y ≈ intercept + slope·x. */
export interface LinearFitResult {
  /** The slope. */
  slope: number;
  /** The intercept. */
  intercept: number;
  /** The coefficient of determination R² (1 for points on a line; NaN if y is constant). */
  r2: number;
  /** The standard error of the slope (NaN with two points). */
  slopeStandardError: number;
  /** The number of points. */
  n: number;
}

/**
 * The ordinary least-squares line through points (xᵢ, yᵢ), in float64: slope = Sxy/Sxx,
 * intercept = ȳ − slope·x̄, R² = 1 − SSE/Syy, and the slope's standard error
 * √(SSE/((n − 2) Sxx)). Fit a log against time for a geometric rate (log gap = a − rt), or a
 * scaling law on log axes.
 *
 * @example
 * ```ts
 * import { linearFit } from "minima";
 * import assert from "node:assert/strict";
 *
 * const r = linearFit([0, 1, 2, 3], [1, 3, 5, 7]);
 * assert.equal(r.slope, 2);
 * assert.equal(r.intercept, 1);
 * assert.equal(r.r2, 1);
 * ```
 *
 * @param x The abscissae (at least two distinct values).
 * @param y The ordinates, as many as x.
 * @returns The slope, intercept, R² and the slope's standard error.
 */
export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>): LinearFitResult {
  checkCall("linearFit", arguments);
  const what = "fit a line";
  if (!x || !y || typeof x.length !== "number" || x.length !== y.length || x.length < 2) {
    throw new TypeError(
      `Cannot ${what}: x and y must be arrays of the same length, at least 2, current lengths are ${x?.length} and ${y?.length}`,
    );
  }
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      throw new TypeError(`Cannot ${what}: point ${i} is not finite, (${x[i]}, ${y[i]})`);
    }
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0) {
    throw new RangeError(`Cannot ${what}: x must take at least two distinct values`);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const sse = Math.max(0, syy - slope * sxy);
  return {
    slope,
    intercept,
    r2: syy > 0 ? 1 - sse / syy : NaN,
    slopeStandardError: n > 2 ? Math.sqrt(sse / ((n - 2) * sxx)) : NaN,
    n,
  };
}
