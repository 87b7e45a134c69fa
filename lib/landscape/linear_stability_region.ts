import type { Row } from "../_types.ts";
import type { SgdSetting } from "./linear_stability.ts";
import { checkPoints, checkRange, checkSgd } from "./_linear_stability_checks.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode linearStabilityRegion}. */
export interface LinearStabilityRegionOptions {
  /**
   * The [lower, upper] range of a.
   * @default {[0, 2.5/η]}
   */
  aRange?: [number, number];
  /**
   * The [lower, upper] range of s.
   * @default {[0, 1.5·(1/η)·√(B(n−1)/(n−B))], or [0, 2/η] for GD}
   */
  sRange?: [number, number];
  /**
   * Grid points along a.
   * @default {101}
   */
  aPoints?: number;
  /**
   * Grid points along s.
   * @default {61}
   */
  sPoints?: number;
}

/** One grid point of {@linkcode linearStabilityRegion}. */
export interface LinearStabilityRegionRow extends Row {
  /** The sharpness a. */
  a: number;
  /** The non-uniformity s. */
  s: number;
  /** (1 − ηa)² + η²γs². */
  factor: number;
  /** factor ≤ 1. */
  stable: boolean;
}

/**
 * The 1-D linear stability region of SGD on a grid of (a, s), as flat records for a heatmap:
 * every point's mean-square factor (1 − ηa)² + η²·(n − B)/(B(n − 1))·s² and whether it is ≤ 1.
 * The stable set is the half-ellipse (a − 1/η)² + γs² ≤ 1/η².
 *
 * @see Wu, Ma, E, NeurIPS 2018 (the 1-D stability diagram).
 *
 * @example The point (1/η, 0) is the most stable, factor 0
 * ```ts
 * import { linearStabilityRegion } from "minima";
 * import assert from "node:assert/strict";
 *
 * const rows = linearStabilityRegion(
 *   { lr: 0.5, batchSize: 4, n: 64 },
 *   { aRange: [0, 4], sRange: [0, 3], aPoints: 5, sPoints: 4 },
 * );
 * assert.equal(rows.length, 20);
 * const centre = rows.find((r) => r.a === 2 && r.s === 0)!;
 * assert.equal(centre.factor, 0);
 * assert.ok(centre.stable && !rows.find((r) => r.a === 4 && r.s === 3)!.stable);
 * ```
 *
 * @param sgd Learning rate, batch size and sample count.
 * @param options The grid's ranges and sizes.
 * @returns aPoints × sPoints records `{ a, s, factor, stable }`, a varying fastest.
 */
export function linearStabilityRegion(
  sgd: SgdSetting,
  options: LinearStabilityRegionOptions = {},
): LinearStabilityRegionRow[] {
  checkCall("linearStabilityRegion", arguments);
  const action = "Cannot compute the linear stability region";
  const gamma = checkSgd(sgd, action);
  const lr = sgd.lr;
  const aRange = options.aRange ?? [0, 2.5 / lr];
  const sRange = options.sRange ??
    [0, gamma === 0 ? 2 / lr : 1.5 / (lr * Math.sqrt(gamma))];
  checkRange(aRange, "aRange", action);
  checkRange(sRange, "sRange", action);
  const aPoints = options.aPoints ?? 101;
  const sPoints = options.sPoints ?? 61;
  checkPoints(aPoints, "aPoints", action);
  checkPoints(sPoints, "sPoints", action);
  const rows: LinearStabilityRegionRow[] = [];
  for (let j = 0; j < sPoints; j++) {
    const s = sRange[0] + (sRange[1] - sRange[0]) * j / (sPoints - 1);
    for (let i = 0; i < aPoints; i++) {
      const a = aRange[0] + (aRange[1] - aRange[0]) * i / (aPoints - 1);
      const factor = (1 - lr * a) ** 2 + lr * lr * gamma * s * s;
      rows.push({ a, s, factor, stable: factor <= 1 });
    }
  }
  return rows;
}
