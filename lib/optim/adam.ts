import { checkLr, checkPositive, checkRate } from "./_checks.ts";
import { chain, scale, scaleByAdam } from "./gradient_transformations.ts";
import { optimizerFrom } from "./optimizer_from.ts";
import type { Optimizer } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode adam}. */
export interface AdamOptions {
  /** The learning rate η > 0. */
  lr: number;
  /**
   * β₁, the decay of the first moment.
   * @default {0.9}
   */
  beta1?: number;
  /**
   * β₂, the decay of the second moment.
   * @default {0.999}
   */
  beta2?: number;
  /**
   * ε, added to √v̂.
   * @default {1e-8}
   */
  eps?: number;
  /**
   * Take every gradient on the whole data set.
   * @default {false}
   */
  fullBatch?: boolean;
}

/**
 * Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − η m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ),
 * v̂ = v/(1−β₂ᵗ).
 *
 * @see Kingma, Ba, arXiv:1412.6980; Malladi et al., "On the SDEs and scaling rules for adaptive
 * gradient algorithms", arXiv:2205.10287.
 *
 * @example
 * ```ts
 * import { adam } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(adam({ lr: 1e-3 }).hyperparameters, {
 *   lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8,
 * });
 * ```
 *
 * @param options Learning rate, betas, ε, full batch.
 * @returns The optimizer; its state is { inner: [{ count, mu, nu }, {}] }.
 */
export function adam(options: AdamOptions): Optimizer {
  checkCall("adam", arguments);
  const name = "adam";
  const lr = checkLr(options?.lr, name);
  const beta1 = checkRate(options.beta1 ?? 0.9, "beta1", name);
  const beta2 = checkRate(options.beta2 ?? 0.999, "beta2", name);
  const eps = checkPositive(options.eps ?? 1e-8, "eps", name);
  return optimizerFrom(name, chain(scaleByAdam(beta1, beta2, eps), scale(-lr)), {
    hyperparameters: { lr, beta1, beta2, eps },
    fullBatch: options.fullBatch ?? false,
  });
}
