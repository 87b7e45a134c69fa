import { checkBatchSize, checkPositive, scaledBatchSize } from "./_hyper.ts";
import { checkCall } from "../_checks.ts";

/** SGD's hyperparameters that the linear scaling rule maps. */
export interface SgdHyperparameters {
  /** The learning rate η. */
  lr: number;
  /** The batch size B. */
  batchSize: number;
}

/**
 * The linear scaling rule for SGD: batch size B → κB, learning rate η → κη. It keeps the SGD SDE
 * dX = −∇L dt + (ηΣ/B)^{1/2} dW unchanged (η/B is invariant), with time t = kη, so the scaled run
 * needs 1/κ as many steps (the same number of epochs) to reach the same SDE time. It holds while
 * the SDE approximation does, i.e. while κη stays small.
 *
 * @see Goyal et al., "Accurate, large minibatch SGD", arXiv 1706.02677; Li, Malladi, Arora,
 * NeurIPS 2021, arXiv 2102.12470.
 *
 * @example
 * ```ts
 * import { linearScalingRule } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(linearScalingRule({ lr: 0.1, batchSize: 32 }, 4), { lr: 0.4, batchSize: 128 });
 * // 0.3 · 32 = 9.6 samples is no batch: the error suggests κ = 9/32 or 10/32.
 * assert.throws(() => linearScalingRule({ lr: 0.1, batchSize: 32 }, 0.3), /κ = 10\/32 = 0.3125/);
 * ```
 *
 * @param hyper η and B.
 * @param kappa The batch-size factor κ > 0.
 * @returns The scaled η and B. κB must be a whole number of samples (within 1e-9, which is
 *   rounded away): otherwise a RangeError names the nearest factors κ that give one.
 */
export function linearScalingRule(hyper: SgdHyperparameters, kappa: number): SgdHyperparameters {
  checkCall("linearScalingRule", arguments);
  const what = "apply the linear scaling rule";
  checkPositive(what, "kappa", kappa);
  checkPositive(what, "lr", hyper?.lr);
  checkBatchSize(what, hyper.batchSize);
  const batchSize = scaledBatchSize(what, hyper.batchSize, kappa);
  return { lr: kappa * hyper.lr, batchSize };
}
