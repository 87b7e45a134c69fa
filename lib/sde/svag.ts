import { tf } from "../backend/mod.ts";
import type { Params } from "../nn/mod.ts";
import type { Optimizer, OptimizerState, OptimizerStep } from "../optim/mod.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode svag}. */
export interface SvagOptions {
  /** The SVAG factor ℓ ≥ 1 (ℓ = 1 is the base optimizer itself). */
  l: number;
}

/**
 * Stochastic Variance Amplified Gradient (SVAG): simulates the SGD SDE with ordinary minibatches.
 * Each step draws two independent minibatches γ₁, γ₂ and uses
 * g = ((1 + √(2ℓ − 1))/2)∇L_γ₁ + ((1 − √(2ℓ − 1))/2)∇L_γ₂, whose mean is ∇L and whose noise
 * covariance is ℓ times one batch's (the weights sum to 1 and their squares to ℓ), with the step
 * scaled by 1/ℓ (η → η/ℓ). So ℓ SVAG steps match one SGD step in drift and in noise variance
 * (SDE time η per SGD step), and as ℓ grows SVAG converges to the SGD SDE: compare runs against
 * "effective steps" = steps/ℓ. The wrapped optimizer sees the combined gradient and its update is
 * multiplied by 1/ℓ, which for SGD (and heavy ball) is exactly the learning rate η/ℓ.
 *
 * @see Li, Malladi, Arora, "On the validity of modeling SGD with stochastic differential
 * equations (SDEs)", NeurIPS 2021, arXiv 2102.12470.
 *
 * @example SVAG around SGD takes two gradients per step
 * ```ts
 * import { sgd, svag } from "minima";
 * import assert from "node:assert/strict";
 *
 * const opt = svag(sgd({ lr: 0.1 }), { l: 4 });
 * assert.equal(opt.gradientsPerStep, 2);
 * assert.deepEqual(opt.hyperparameters, { lr: 0.1, l: 4 });
 * ```
 *
 * @param opt The base optimizer (one gradient per step, not full-batch).
 * @param options The factor ℓ.
 * @returns The SVAG optimizer, with the base optimizer's state.
 */
export function svag<S extends OptimizerState>(
  opt: Optimizer<S>,
  options: SvagOptions,
): Optimizer<S> {
  checkCall("svag", arguments);
  const what = "create svag";
  if (!opt || typeof opt.update !== "function" || typeof opt.init !== "function") {
    throw new TypeError(
      `Cannot ${what}: opt must be an Optimizer (e.g. sgd({ lr: 0.1 })), current value is ${opt}`,
    );
  }
  if (opt.gradientsPerStep !== 1 || opt.fullBatch) {
    throw new TypeError(
      `Cannot ${what}: the base optimizer must take one minibatch gradient per step, but ${opt.name} takes ${
        opt.fullBatch ? "the full-batch gradient" : `${opt.gradientsPerStep}`
      }`,
    );
  }
  const l = options?.l;
  if (typeof l !== "number" || !(l >= 1) || !Number.isFinite(l)) {
    throw new RangeError(
      `Cannot ${what}: l must be a finite number of at least 1 (l = 1 is the base optimizer), current value is ${l}`,
    );
  }
  const root = Math.sqrt(2 * l - 1);
  const w1 = (1 + root) / 2, w2 = (1 - root) / 2;
  const name = `svag-${opt.name}`;
  const optimizer: Optimizer<S> = {
    name,
    hyperparameters: Object.freeze({ ...opt.hyperparameters, l }),
    gradientsPerStep: 2,
    fullBatch: false,
    init: (params) => opt.init(params),
    update(gradients, state, params, context): OptimizerStep<S> {
      if (!Array.isArray(gradients) || gradients.length !== 2) {
        throw new TypeError(
          `Cannot update ${name}: it takes 2 gradients per step (two independent minibatches), current count is ${
            Array.isArray(gradients) ? gradients.length : "none"
          }`,
        );
      }
      return tf.tidy(() => {
        const [g1, g2] = gradients as readonly Params[];
        const g = g1.map((a, j) => tf.add(tf.mul(a, w1), tf.mul(g2[j], w2)));
        const step = opt.update([g], state, params, context);
        return { updates: step.updates.map((u) => tf.div(u, l)), state: step.state };
      }) as OptimizerStep<S>;
    },
  };
  if (opt.prepareBatch) optimizer.prepareBatch = opt.prepareBatch.bind(opt);
  return Object.freeze(optimizer);
}
