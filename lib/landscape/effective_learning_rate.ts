import type { Params } from "../nn/mod.ts";
import { paramNorm } from "./_outputs.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode effectiveLearningRate}. */
export interface EffectiveLearningRateOptions {
  /** The learning rate η > 0. */
  lr: number;
}

/**
 * The effective learning rate of gradient descent on a scale-invariant loss, η/‖θ‖²: since
 * ∇L(θ) = ∇L(u)/‖θ‖ at u = θ/‖θ‖, one step moves the direction u as a step of η/‖θ‖² on the unit
 * sphere would (to first order). Weight decay shrinks ‖θ‖ and so raises it.
 *
 * @see Lyu, Li, Arora, NeurIPS 2022, arXiv 2206.07085; van Laarhoven, "L2 regularization versus
 * batch and weight normalization", arXiv 1706.05350.
 *
 * @example
 * ```ts
 * import { effectiveLearningRate, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const params = [tf.tensor1d([3, 4])];
 * assert.equal(await effectiveLearningRate(params, { lr: 0.5 }), 0.5 / 25);
 * params[0].dispose();
 * ```
 *
 * @param params The parameters θ.
 * @param options The learning rate.
 * @returns η/‖θ‖².
 */
export async function effectiveLearningRate(
  params: Params,
  options: EffectiveLearningRateOptions,
): Promise<number> {
  checkCall("effectiveLearningRate", arguments);
  const lr = options?.lr;
  if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) {
    throw new RangeError(
      `Cannot compute the effective learning rate: lr must be a positive number, current value is ${lr}`,
    );
  }
  if (!Array.isArray(params) || params.length === 0) {
    throw new TypeError(
      "Cannot compute the effective learning rate: params must be a non-empty array of tensors",
    );
  }
  const norm = await paramNorm(params);
  return lr / (norm * norm);
}
