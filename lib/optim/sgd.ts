import { checkLr } from "./_checks.ts";
import { scale } from "./gradient_transformations.ts";
import { optimizerFrom } from "./optimizer_from.ts";
import type { Optimizer } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode sgd} and {@linkcode gd}. */
export interface SgdOptions {
  /** The learning rate η > 0. */
  lr: number;
}

/**
 * Stochastic gradient descent, θ ← θ − η ∇L_B(θ), on the minibatches the train loop draws
 * (with or without replacement, or by reshuffling: `train`'s `sampling`).
 *
 * @see Wu, Ma, E, NeurIPS 2018 (linear stability of SGD).
 *
 * @example
 * ```ts
 * import { sgd } from "minima";
 * import assert from "node:assert/strict";
 *
 * const opt = sgd({ lr: 0.1 });
 * assert.equal(opt.name, "sgd");
 * assert.deepEqual(opt.hyperparameters, { lr: 0.1 });
 * ```
 *
 * @param options The learning rate.
 * @returns The optimizer (stateless).
 */
export function sgd(options: SgdOptions): Optimizer {
  checkCall("sgd", arguments);
  const lr = checkLr(options?.lr, "sgd");
  return optimizerFrom("sgd", scale(-lr), { hyperparameters: { lr } });
}

/**
 * Full-batch gradient descent, θ ← θ − η ∇L(θ): the train loop always takes the gradient on the
 * whole data set (summed over chunks), whatever the batch size.
 *
 * @example
 * ```ts
 * import { gd } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.equal(gd({ lr: 0.05 }).fullBatch, true);
 * ```
 *
 * @param options The learning rate.
 * @returns The optimizer (stateless).
 */
export function gd(options: SgdOptions): Optimizer {
  checkCall("gd", arguments);
  const lr = checkLr(options?.lr, "gd");
  return optimizerFrom("gd", scale(-lr), { hyperparameters: { lr }, fullBatch: true });
}
