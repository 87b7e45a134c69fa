import type { MinimumCurvature, SgdSetting } from "./linear_stability.ts";
import { checkMinimum, checkSgd } from "./_linear_stability_checks.ts";
import { checkCall } from "../_checks.ts";

/** The necessary conditions from {@linkcode linearStabilityConditions}. */
export interface LinearStabilityConditionsResult {
  /** 2/η: no linearly stable minimum is sharper. */
  maxSharpness: number;
  /** (1/η)·√(B(n − 1)/(n − B)) ≈ √B/η; Infinity for GD (B = n). */
  maxNonUniformity: number;
  /** 0 ≤ a ≤ 2/η. */
  sharpnessOk: boolean;
  /** s ≤ maxNonUniformity. */
  nonUniformityOk: boolean;
  /**
   * Both conditions hold: the minimum is not ruled out. false means SGD cannot stay there (it is
   * linearly unstable); true does not prove stability in d > 1.
   */
  satisfied: boolean;
}

/**
 * The multi-dimensional necessary conditions for a minimum to be linearly stable under SGD:
 * a ≤ 2/η (the learning rate bounds the sharpness) and s ≤ (1/η)·√(B(n − 1)/(n − B)) (the batch
 * size bounds the non-uniformity; GD, B = n, leaves s unconstrained).
 *
 * @see Wu, Ma, E, "How SGD selects the global minima in over-parameterized learning: a dynamical
 * stability perspective", NeurIPS 2018.
 *
 * @example A minimum SGD with η = 0.1, B = 10 cannot stay in
 * ```ts
 * import { linearStabilityConditions } from "minima";
 * import assert from "node:assert/strict";
 *
 * const c = linearStabilityConditions({ a: 12, s: 40 }, { lr: 0.1, batchSize: 10, n: 1000 });
 * assert.equal(c.maxSharpness, 20);
 * assert.ok(Math.abs(c.maxNonUniformity - 10 * Math.sqrt(10 * 999 / 990)) < 1e-9);
 * assert.ok(c.sharpnessOk && !c.nonUniformityOk && !c.satisfied);
 * ```
 *
 * @param minimum Sharpness a and non-uniformity s.
 * @param sgd Learning rate, batch size and sample count.
 * @returns Both bounds, each condition, and whether the minimum is ruled out.
 */
export function linearStabilityConditions(
  minimum: MinimumCurvature,
  sgd: SgdSetting,
): LinearStabilityConditionsResult {
  checkCall("linearStabilityConditions", arguments);
  const action = "Cannot check the linear stability conditions";
  const gamma = checkSgd(sgd, action);
  checkMinimum(minimum, action);
  const maxSharpness = 2 / sgd.lr;
  const maxNonUniformity = gamma === 0 ? Infinity : 1 / (sgd.lr * Math.sqrt(gamma));
  const sharpnessOk = minimum.a >= 0 && minimum.a <= maxSharpness;
  const nonUniformityOk = minimum.s <= maxNonUniformity;
  return {
    maxSharpness,
    maxNonUniformity,
    sharpnessOk,
    nonUniformityOk,
    satisfied: sharpnessOk && nonUniformityOk,
  };
}
