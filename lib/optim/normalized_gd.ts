import { tf } from "../backend/mod.ts";
import { globalNorm } from "./_norms.ts";
import { checkLr } from "./_checks.ts";
import { chain, scale } from "./gradient_transformations.ts";
import { optimizerFrom } from "./optimizer_from.ts";
import type { GradientTransformation, Optimizer } from "./types.ts";
import { checkCall } from "../_checks.ts";

/**
 * Normalizes updates by their global ℓ₂ norm over all tensors: u ↦ u/‖u‖ (a zero update stays
 * zero).
 *
 * @example
 * ```ts
 * import { normalizeByGlobalNorm, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const t = normalizeByGlobalNorm();
 * const g = [tf.tensor1d([3]), tf.tensor1d([0, 4])];
 * const { updates } = t.update(g, t.init(g), g, { step: 0, rng: undefined! });
 * assert.ok(Math.abs((await updates[1].data())[1] - 0.8) < 1e-7);
 * ```
 *
 * @returns The transformation (stateless).
 */
export function normalizeByGlobalNorm(): GradientTransformation<Record<string, never>> {
  checkCall("normalizeByGlobalNorm", arguments);
  return {
    init: () => ({}),
    update: (updates, state) => {
      const norm = globalNorm(updates);
      // max(‖u‖, tiny): a zero update stays zero instead of becoming NaN.
      const denominator = tf.maximum(norm, 1e-30);
      const out = updates.map((u) => tf.div(u, denominator));
      tf.dispose([norm, denominator]);
      return { updates: out, state };
    },
  };
}

/** Options for {@linkcode normalizedGd}. */
export interface NormalizedGdOptions {
  /** The step length η > 0 (every step moves θ by exactly η). */
  lr: number;
}

/**
 * Normalized gradient descent θ ← θ − η ∇L/‖∇L‖ on the full batch: steps of constant length η,
 * in the direction of gradient descent. On separable data with an exponentially tailed loss its
 * norm grows linearly in t, so it approaches the max-margin direction faster than GD (whose norm
 * grows like log t), but still only polynomially (Wang, Min, Wu).
 *
 * @see Nacson et al., "Convergence of gradient descent on separable data", AISTATS 2019,
 * arXiv 1803.01905; Wang, Min, Wu, ICML 2024, arXiv 2311.14387.
 *
 * @example
 * ```ts
 * import { normalizedGd } from "minima";
 * import assert from "node:assert/strict";
 *
 * const opt = normalizedGd({ lr: 0.5 });
 * assert.equal(opt.fullBatch, true);
 * assert.deepEqual(opt.hyperparameters, { lr: 0.5 });
 * ```
 *
 * @param options The step length.
 * @returns The optimizer (stateless).
 */
export function normalizedGd(options: NormalizedGdOptions): Optimizer {
  checkCall("normalizedGd", arguments);
  const lr = checkLr(options?.lr, "normalizedGd");
  return optimizerFrom("normalized-gd", chain(normalizeByGlobalNorm(), scale(-lr)), {
    hyperparameters: { lr },
    fullBatch: true,
  });
}
