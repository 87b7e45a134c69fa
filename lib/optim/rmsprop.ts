import { checkLr, checkPositive, checkRate } from "./_checks.ts";
import { chain, scale, scaleByRms } from "./gradient_transformations.ts";
import { optimizerFrom } from "./optimizer_from.ts";
import type { Optimizer } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode rmsprop}. */
export interface RmspropOptions {
  /** The learning rate η > 0. */
  lr: number;
  /**
   * ρ (β₂ in Malladi et al.), the decay of the running mean of g².
   * @default {0.99}
   */
  decay?: number;
  /**
   * ε, added to √v.
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
 * RMSprop: v ← ρv + (1−ρ)g², θ ← θ − η g/(√v + ε), v starting at 0 (PyTorch's defaults).
 *
 * @see Tieleman, Hinton, 2012; Malladi et al., arXiv:2205.10287 (its SDE and square-root scaling).
 *
 * @example
 * ```ts
 * import { rmsprop } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rmsprop({ lr: 0.01 }).hyperparameters, { lr: 0.01, decay: 0.99, eps: 1e-8 });
 * ```
 *
 * @param options Learning rate, decay, ε, full batch.
 * @returns The optimizer; its state is { inner: [{ nu }, {}] }.
 */
export function rmsprop(options: RmspropOptions): Optimizer {
  checkCall("rmsprop", arguments);
  const name = "rmsprop";
  const lr = checkLr(options?.lr, name);
  const decay = checkRate(options.decay ?? 0.99, "decay", name);
  const eps = checkPositive(options.eps ?? 1e-8, "eps", name);
  return optimizerFrom(name, chain(scaleByRms(decay, eps), scale(-lr)), {
    hyperparameters: { lr, decay, eps },
    fullBatch: options.fullBatch ?? false,
  });
}
