import { tf } from "../backend/mod.ts";
import { checkPositive } from "./_checks.ts";
import { sgd } from "./sgd.ts";
import type { Batch, Optimizer, OptimizerState } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode labelNoise}. */
export interface LabelNoiseOptions {
  /** The standard deviation σ > 0 of the noise added to each target. */
  std: number;
  /**
   * `"gaussian"`: σ·N(0, 1); `"rademacher"`: ±σ with equal probability (the same variance).
   * @default {"gaussian"}
   */
  distribution?: "gaussian" | "rademacher";
}

/**
 * Label-noise training: every minibatch's real-valued targets get fresh independent noise
 * yᵢ ← yᵢ + σξᵢ (E ξ = 0, E ξ² = 1) before the gradient is taken, the rest of the step being the
 * base optimizer's. At an interpolating minimum of the square loss the gradient noise then has
 * covariance σ²/B times the Gauss–Newton matrix, and the slow drift along the manifold of minima
 * descends tr(H) (Blanc et al.; Damian et al.; Li, Wang, Arora). The noise comes from the train
 * loop's optimizer generator, so runs are seeded. Full-batch optimizers never see a batch: use SGD
 * with batchSize = n for full-batch label-noise gradient descent.
 *
 * @see Damian, Ma, Lee, "Label noise SGD provably prefers flat global minimizers", NeurIPS 2021,
 * arXiv 2106.06530; Li, Wang, Arora, "What happens after SGD reaches zero loss?", ICLR 2022,
 * arXiv 2110.06914.
 *
 * @example
 * ```ts
 * import { heavyBall, labelNoise } from "minima";
 * import assert from "node:assert/strict";
 *
 * const opt = labelNoise(heavyBall({ lr: 0.01 }), { std: 0.5 });
 * assert.equal(opt.name, "label-noise-heavy-ball");
 * assert.deepEqual(opt.hyperparameters, { lr: 0.01, momentum: 0.9, labelNoise: 0.5 });
 * ```
 *
 * @param opt The base optimizer (not full-batch).
 * @param options The noise scale and distribution.
 * @returns The optimizer, with the base optimizer's state and a `prepareBatch` that adds noise.
 */
export function labelNoise<S extends OptimizerState>(
  opt: Optimizer<S>,
  options: LabelNoiseOptions,
): Optimizer<S> {
  checkCall("labelNoise", arguments);
  const what = "create labelNoise";
  if (!opt || typeof opt.update !== "function" || typeof opt.init !== "function") {
    throw new TypeError(
      `Cannot ${what}: opt must be an Optimizer (e.g. sgd({ lr: 0.1 })), current value is ${opt}`,
    );
  }
  if (opt.fullBatch) {
    throw new TypeError(
      `Cannot ${what}: ${opt.name} takes full-batch gradients, which never pass through a batch to perturb; use sgd with batchSize equal to the data size instead`,
    );
  }
  const std = checkPositive(options?.std, "std", "labelNoise");
  const distribution = options.distribution ?? "gaussian";
  if (distribution !== "gaussian" && distribution !== "rademacher") {
    throw new TypeError(
      `Cannot ${what}: distribution must be "gaussian" or "rademacher", current value is ${
        JSON.stringify(distribution)
      }`,
    );
  }
  const base = opt.prepareBatch?.bind(opt);
  const optimizer: Optimizer<S> = {
    name: `label-noise-${opt.name}`,
    hyperparameters: Object.freeze({ ...opt.hyperparameters, labelNoise: std }),
    gradientsPerStep: opt.gradientsPerStep,
    fullBatch: false,
    init: (params) => opt.init(params),
    update: (gradients, state, params, context) => opt.update(gradients, state, params, context),
    prepareBatch(batch, context, data): Batch {
      if (data.targets !== "real") {
        throw new TypeError(
          `Cannot add label noise: the data's targets are ${
            JSON.stringify(data.targets)
          }, label noise needs real-valued targets (regression with mse)`,
        );
      }
      const b = base ? base(batch, context, data) : batch;
      const xi = new Float32Array(b.y.size);
      if (distribution === "gaussian") context.rng.fillNormal(xi);
      else context.rng.fillRademacher(xi);
      return tf.tidy(() => ({
        x: b.x,
        y: tf.add(b.y, tf.mul(tf.tensor(xi, b.y.shape, "float32"), std)),
        indices: b.indices,
      }));
    },
  };
  return Object.freeze(optimizer);
}

/** Options for {@linkcode labelNoiseSgd}. */
export interface LabelNoiseSgdOptions {
  /** The learning rate η > 0. */
  lr: number;
  /** The label-noise standard deviation σ > 0. */
  std: number;
  /**
   * The noise distribution.
   * @default {"gaussian"}
   */
  distribution?: "gaussian" | "rademacher";
}

/**
 * Label-noise SGD: SGD on minibatches whose targets get fresh noise σξ every step (see
 * {@linkcode labelNoise}). Near an interpolating minimum it drifts along the manifold of minima so
 * as to decrease tr(H), at a rate proportional to η²σ² per step (for B = 1; derived in
 * `manifoldEffectiveDynamics` for the toy ½h(y)x²).
 *
 * @see Damian, Ma, Lee, NeurIPS 2021, arXiv 2106.06530; Li, Wang, Arora, ICLR 2022,
 * arXiv 2110.06914.
 *
 * @example
 * ```ts
 * import { labelNoiseSgd } from "minima";
 * import assert from "node:assert/strict";
 *
 * const opt = labelNoiseSgd({ lr: 0.05, std: 1 });
 * assert.equal(opt.name, "label-noise-sgd");
 * assert.deepEqual(opt.hyperparameters, { lr: 0.05, labelNoise: 1 });
 * ```
 *
 * @param options Learning rate, noise scale and distribution.
 * @returns The optimizer (stateless).
 */
export function labelNoiseSgd(options: LabelNoiseSgdOptions): Optimizer {
  checkCall("labelNoiseSgd", arguments);
  return labelNoise(sgd({ lr: options?.lr }), {
    std: options.std,
    distribution: options.distribution,
  });
}
