import { checkPositive } from "./_hyper.ts";

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
 * ```
 *
 * @param hyper η and B.
 * @param kappa The batch-size factor κ > 0.
 * @returns The scaled η and B (B may need rounding when κB is not an integer).
 */
export function linearScalingRule(hyper: SgdHyperparameters, kappa: number): SgdHyperparameters {
  const what = "apply the linear scaling rule";
  checkPositive(what, "kappa", kappa);
  checkPositive(what, "lr", hyper?.lr);
  checkPositive(what, "batchSize", hyper.batchSize);
  return { lr: kappa * hyper.lr, batchSize: kappa * hyper.batchSize };
}
