import { checkBatchSize, checkBeta, checkPositive, scaledBatchSize } from "./_hyper.ts";
import { checkCall } from "../_checks.ts";

/** The hyperparameters of Adam (or RMSprop: no beta1) that the square-root scaling rule maps. */
export interface AdaptiveHyperparameters {
  /** The learning rate η. */
  lr: number;
  /** The first-moment decay β₁ (Adam only). */
  beta1?: number;
  /** The second-moment decay β₂ (RMSprop's β). */
  beta2: number;
  /** ε in the denominator. */
  eps: number;
  /** The batch size B. */
  batchSize: number;
}

/**
 * The square-root scaling rule for Adam and RMSprop: batch size B → κB, η → √κ·η,
 * β₁ → 1 − κ(1 − β₁), β₂ → 1 − κ(1 − β₂), ε → ε/√κ. It keeps Malladi et al.'s SDE unchanged:
 * with gradient noise σ ∝ 1/√B, the constants c_i = (1 − β_i)/η², σ₀ = ση and ε₀ = εη are
 * invariant, and one step is η² of SDE time, so the scaled run needs 1/κ as many steps (the same
 * epochs). The scaled β's must stay in [0, 1): κ ≤ 1/(1 − β₁) (10 for β₁ = 0.9) and
 * κ ≤ 1/(1 − β₂); beyond that the rule has no valid β and this throws a RangeError.
 *
 * @see Malladi, Lyu, Panigrahi, Arora, "On the SDEs and scaling rules for adaptive gradient
 * algorithms", NeurIPS 2022, arXiv 2205.10287.
 *
 * @example Adam from batch 32 to 128
 * ```ts
 * import { squareRootScalingRule } from "minima";
 * import assert from "node:assert/strict";
 *
 * const h = squareRootScalingRule({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, batchSize: 32 }, 4);
 * assert.ok(Math.abs(h.lr - 2e-3) < 1e-15);
 * assert.ok(Math.abs(h.beta1! - 0.6) < 1e-12 && Math.abs(h.beta2 - 0.996) < 1e-12);
 * assert.ok(Math.abs(h.eps - 5e-9) < 1e-20);
 * assert.equal(h.batchSize, 128);
 * assert.throws(() => squareRootScalingRule({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, batchSize: 32 }, 16), RangeError);
 * ```
 *
 * @param hyper η, β₁ (optional), β₂, ε and B.
 * @param kappa The batch-size factor κ > 0.
 * @returns The scaled hyperparameters. κB must be a whole number of samples (within 1e-9, which
 *   is rounded away): otherwise a RangeError names the nearest factors κ that give one.
 */
export function squareRootScalingRule(
  hyper: AdaptiveHyperparameters,
  kappa: number,
): AdaptiveHyperparameters {
  checkCall("squareRootScalingRule", arguments);
  const what = "apply the square-root scaling rule";
  checkPositive(what, "kappa", kappa);
  checkPositive(what, "lr", hyper?.lr);
  checkBatchSize(what, hyper.batchSize);
  const batchSize = scaledBatchSize(what, hyper.batchSize, kappa);
  if (typeof hyper.eps !== "number" || !(hyper.eps >= 0) || !Number.isFinite(hyper.eps)) {
    throw new RangeError(
      `Cannot ${what}: eps must be a non-negative finite number, current value is ${hyper.eps}`,
    );
  }
  const scaleBeta = (name: string, beta: number): number => {
    checkBeta(what, name, beta);
    const limit = 1 / (1 - beta);
    // A relative slack of 1e-12 lets κ = 1/(1 − β) itself through (scaled β = 0).
    if (kappa * (1 - beta) > 1 + 1e-12) {
      throw new RangeError(
        `Cannot ${what}: kappa must be at most 1/(1 − ${name}) = ${
          Number(limit.toPrecision(12))
        } so that the scaled ${name} = 1 − κ(1 − ${name}) stays in [0, 1), current value is ${kappa}; the rule has no valid ${name} beyond that batch-size factor`,
      );
    }
    const scaled = 1 - kappa * (1 - beta);
    // At the limit κ = 1/(1 − β) rounding leaves ±1e-16: that is β = 0.
    return Math.abs(scaled) < 1e-12 ? 0 : scaled;
  };
  const beta1 = hyper.beta1 === undefined ? undefined : scaleBeta("beta1", hyper.beta1);
  const out: AdaptiveHyperparameters = {
    lr: Math.sqrt(kappa) * hyper.lr,
    ...(beta1 === undefined ? {} : { beta1 }),
    beta2: scaleBeta("beta2", hyper.beta2),
    eps: hyper.eps / Math.sqrt(kappa),
    batchSize,
  };
  return out;
}
