import { tf } from "../backend/mod.ts";
import { checkGradientCount } from "./_checks.ts";
import type { GradientTransformation, Optimizer, OptimizerState } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode optimizerFrom}. */
export interface OptimizerFromOptions {
  /** The hyperparameters to copy into result rows. */
  hyperparameters?: Record<string, number>;
  /**
   * Whether the gradient is always taken on the whole data set.
   * @default {false}
   */
  fullBatch?: boolean;
}

/**
 * An {@linkcode Optimizer} from a gradient transformation that consumes one gradient per step;
 * its `update` runs inside `tf.tidy`, so the transformation's temporaries never leak.
 *
 * @example SGD with momentum written by hand
 * ```ts
 * import { chain, optimizerFrom, scale, traceMomentum } from "minima";
 * import assert from "node:assert/strict";
 *
 * const opt = optimizerFrom("momentum", chain(traceMomentum(0.9), scale(-0.01)), {
 *   hyperparameters: { lr: 0.01, momentum: 0.9 },
 * });
 * assert.equal(opt.gradientsPerStep, 1);
 * ```
 *
 * @param name The optimizer's name.
 * @param transform The transformation from the gradient to the parameter change.
 * @param options Hyperparameters to report and whether it is full-batch.
 * @returns The optimizer.
 */
export function optimizerFrom<S extends OptimizerState>(
  name: string,
  transform: GradientTransformation<S>,
  options: OptimizerFromOptions = {},
): Optimizer<S> {
  checkCall("optimizerFrom", arguments);
  const optimizer: Optimizer<S> = {
    name,
    hyperparameters: Object.freeze({ ...(options.hyperparameters ?? {}) }),
    gradientsPerStep: 1,
    fullBatch: options.fullBatch ?? false,
    init: (params) => tf.tidy(() => transform.init(params)),
    update(gradients, state, params, context) {
      checkGradientCount(gradients, 1, name);
      return tf.tidy(() => transform.update(gradients[0], state, params, context));
    },
  };
  return Object.freeze(optimizer);
}
