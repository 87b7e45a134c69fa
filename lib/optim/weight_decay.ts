import { tf } from "../backend/mod.ts";
import type { Params } from "../nn/mod.ts";
import type { GradientTransformation, Optimizer, OptimizerState, OptimizerStep } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Optimizers for which θ ← θ − η(g + λθ) holds, so η·λ < 1 is needed to keep θ's sign. */
const PLAIN_STEP = new Set(["sgd", "gd", "heavy-ball", "nesterov", "label-noise-sgd"]);

function checkDecay(decay: unknown, what: string): number {
  if (typeof decay !== "number" || !(decay >= 0) || !Number.isFinite(decay)) {
    throw new RangeError(
      `Cannot ${what}: decay must be a non-negative number (the weight decay λ), current value is ${decay}`,
    );
  }
  return decay;
}

/**
 * Weight decay as a gradient transformation (optax's `add_decayed_weights`): u ↦ u + λθ, the
 * gradient of the penalty (λ/2)‖θ‖² added to the incoming updates. Put it before the learning
 * rate: chain(addDecayedWeights(λ), scale(−η)) is gradient descent on L + (λ/2)‖θ‖².
 *
 * @example One step of GD with weight decay on a zero gradient shrinks θ by 1 − ηλ
 * ```ts
 * import { addDecayedWeights, chain, scale, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const t = chain(addDecayedWeights(0.5), scale(-0.1));
 * const theta = [tf.tensor1d([2])], g = [tf.tensor1d([0])];
 * const { updates } = t.update(g, t.init(theta), theta, { step: 0, rng: undefined! });
 * assert.ok(Math.abs((await updates[0].data())[0] + 0.1) < 1e-7);
 * ```
 *
 * @param decay λ ≥ 0.
 * @returns The transformation (stateless).
 */
export function addDecayedWeights(decay: number): GradientTransformation<Record<string, never>> {
  checkCall("addDecayedWeights", arguments);
  const lambda = checkDecay(decay, "create addDecayedWeights");
  return {
    init: () => ({}),
    update: (updates, state, params) => ({
      updates: updates.map((
        u,
        j,
      ) => (lambda === 0 ? tf.clone(u) : tf.add(u, tf.mul(params[j], lambda)))),
      state,
    }),
  };
}

/** Options for {@linkcode weightDecay}. */
export interface WeightDecayOptions {
  /** The weight decay λ ≥ 0 (the penalty (λ/2)‖θ‖²). */
  decay: number;
}

/**
 * An optimizer with (coupled) weight decay: every gradient it receives gets λθ added, so it
 * minimizes L + (λ/2)‖θ‖²; for SGD this is θ ← (1 − ηλ)θ − η∇L. The base optimizer keeps its
 * batches, state and label perturbations. With scale-invariant models weight decay shrinks ‖θ‖
 * and so raises the effective learning rate η/‖θ‖² (Lyu, Li, Arora); with large initializations it
 * ends the kernel regime after a time of order (log α)/λ (Lyu et al.).
 *
 * @see Lyu, Li, Arora, NeurIPS 2022, arXiv 2206.07085; Lyu, Jin, Li, Du, Lee, Hu, ICLR 2024,
 * arXiv 2311.18817.
 *
 * @example
 * ```ts
 * import { gd, weightDecay } from "minima";
 * import assert from "node:assert/strict";
 *
 * const opt = weightDecay(gd({ lr: 0.1 }), { decay: 0.01 });
 * assert.equal(opt.name, "gd+wd");
 * assert.deepEqual(opt.hyperparameters, { lr: 0.1, weightDecay: 0.01 });
 * assert.equal(opt.fullBatch, true);
 * ```
 *
 * @param opt The base optimizer.
 * @param options The decay λ.
 * @returns The optimizer with the base optimizer's state.
 */
export function weightDecay<S extends OptimizerState>(
  opt: Optimizer<S>,
  options: WeightDecayOptions,
): Optimizer<S> {
  checkCall("weightDecay", arguments);
  const what = "create weightDecay";
  if (!opt || typeof opt.update !== "function" || typeof opt.init !== "function") {
    throw new TypeError(
      `Cannot ${what}: opt must be an Optimizer (e.g. sgd({ lr: 0.1 })), current value is ${opt}`,
    );
  }
  const decay = checkDecay(options?.decay, what);
  const lr = opt.hyperparameters.lr;
  if (PLAIN_STEP.has(opt.name) && typeof lr === "number" && !(lr * decay < 1)) {
    throw new RangeError(
      `Cannot ${what}: decay·lr must be below 1 (each ${opt.name} step multiplies θ by 1 − lr·decay), current value is ${
        lr * decay
      }; lower decay below ${1 / lr}`,
    );
  }
  const optimizer: Optimizer<S> = {
    name: `${opt.name}+wd`,
    hyperparameters: Object.freeze({ ...opt.hyperparameters, weightDecay: decay }),
    gradientsPerStep: opt.gradientsPerStep,
    fullBatch: opt.fullBatch,
    init: (params) => opt.init(params),
    update(gradients, state, params, context): OptimizerStep<S> {
      return tf.tidy(() => {
        const decayed = gradients.map((g: Params) =>
          g.map((gj, j) => tf.add(gj, tf.mul(params[j], decay)))
        );
        return opt.update(decayed, state, params, context);
      }) as OptimizerStep<S>;
    },
  };
  if (opt.prepareBatch) optimizer.prepareBatch = opt.prepareBatch.bind(opt);
  return Object.freeze(optimizer);
}
