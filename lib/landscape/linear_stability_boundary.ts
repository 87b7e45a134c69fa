import type { Row } from "../_types.ts";
import type { SgdSetting } from "./linear_stability.ts";
import { checkPoints, checkSgd } from "./_linear_stability_checks.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode linearStabilityBoundary}. */
export interface LinearStabilityBoundaryOptions {
  /**
   * Points along a ∈ [0, 2/η], spaced so that the steep ends of the curve are resolved.
   * @default {201}
   */
  points?: number;
}

/** One point of {@linkcode linearStabilityBoundary}. */
export interface LinearStabilityBoundaryRow extends Row {
  /** The sharpness a ∈ [0, 2/η]. */
  a: number;
  /** The largest stable non-uniformity at a, √(a(2/η − a)/γ). */
  s: number;
}

/**
 * The boundary of the 1-D stability region in closed form: setting the mean-square factor to 1,
 * (1 − ηa)² + η²γs² = 1 gives s(a) = √(a(2/η − a)/γ) for 0 ≤ a ≤ 2/η, γ = (n − B)/(B(n − 1)):
 * a half-ellipse through (0, 0) and (2/η, 0) whose top, at a = 1/η, is the multi-D bound
 * s = (1/η)·√(B(n − 1)/(n − B)). For GD (B = n, γ = 0) there is no curve, only the lines a = 0 and
 * a = 2/η, so this throws; draw a rule at 2/η instead.
 *
 * @see Wu, Ma, E, NeurIPS 2018.
 *
 * @example The top of the curve is the bound on the non-uniformity
 * ```ts
 * import { linearStabilityBoundary } from "minima";
 * import assert from "node:assert/strict";
 *
 * const curve = linearStabilityBoundary({ lr: 0.1, batchSize: 10, n: 1000 }, { points: 3 });
 * assert.equal(curve.length, 3);
 * assert.ok(Math.abs(curve[1].a - 10) < 1e-12); // a = 1/η
 * assert.ok(Math.abs(curve[1].s - 10 * Math.sqrt(10 * 999 / 990)) < 1e-9);
 * assert.deepEqual(curve[2], { a: 20, s: 0 });
 * ```
 *
 * @param sgd Learning rate, batch size (< n) and sample count.
 * @param options Number of points.
 * @returns Records `{ a, s }` from (0, 0) to (2/η, 0).
 */
export function linearStabilityBoundary(
  sgd: SgdSetting,
  options: LinearStabilityBoundaryOptions = {},
): LinearStabilityBoundaryRow[] {
  checkCall("linearStabilityBoundary", arguments);
  const action = "Cannot draw the linear stability boundary";
  const gamma = checkSgd(sgd, action);
  if (gamma === 0) {
    throw new RangeError(
      `${action}: with batchSize = n = ${sgd.n} (GD) the noise term vanishes and the region is the strip 0 ≤ a ≤ 2/η for every s; draw a rule at a = 2/η = ${
        2 / sgd.lr
      } instead, or use batchSize < n`,
    );
  }
  const points = options.points ?? 201;
  checkPoints(points, "points", action);
  const lr = sgd.lr;
  const rows: LinearStabilityBoundaryRow[] = [];
  for (let i = 0; i < points; i++) {
    // a = (1 − cos φ)/η for φ ∈ [0, π]: even steps in angle around the ellipse.
    const phi = Math.PI * i / (points - 1);
    const a = i === points - 1 ? 2 / lr : (1 - Math.cos(phi)) / lr;
    const s = Math.sqrt(Math.max(0, a * (2 / lr - a)) / gamma);
    rows.push({ a, s });
  }
  return rows;
}
