import { checkLr, checkRate } from "./_checks.ts";
import { chain, scale, traceMomentum } from "./gradient_transformations.ts";
import { optimizerFrom } from "./optimizer_from.ts";
import type { Optimizer } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode heavyBall} and {@linkcode nesterov}. */
export interface MomentumOptions {
  /** The learning rate η > 0. */
  lr: number;
  /**
   * The momentum μ in [0, 1).
   * @default {0.9}
   */
  momentum?: number;
  /**
   * Take every gradient on the whole data set (momentum GD rather than SGD).
   * @default {false}
   */
  fullBatch?: boolean;
}

/**
 * Polyak's heavy ball: v ← μv + g, θ ← θ − ηv (so θ_{t+1} = θ_t − η g_t + μ(θ_t − θ_{t−1})).
 * Its linear stability threshold on a quadratic is a < (2 + 2μ)/η.
 *
 * @see Polyak, "Some methods of speeding up the convergence of iteration methods", 1964.
 *
 * @example
 * ```ts
 * import { heavyBall } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(heavyBall({ lr: 0.1 }).hyperparameters, { lr: 0.1, momentum: 0.9 });
 * ```
 *
 * @param options Learning rate, momentum, full batch.
 * @returns The optimizer; its state is the velocity.
 */
export function heavyBall(options: MomentumOptions): Optimizer {
  checkCall("heavyBall", arguments);
  const lr = checkLr(options?.lr, "heavyBall");
  const momentum = checkRate(options.momentum ?? 0.9, "momentum", "heavyBall");
  return optimizerFrom("heavy-ball", chain(traceMomentum(momentum), scale(-lr)), {
    hyperparameters: { lr, momentum },
    fullBatch: options.fullBatch ?? false,
  });
}

/**
 * Nesterov momentum in the form of PyTorch and optax: v ← μv + g, θ ← θ − η(g + μv).
 *
 * @see Nesterov, 1983; Sutskever et al., "On the importance of initialization and momentum in
 * deep learning", ICML 2013.
 *
 * @example
 * ```ts
 * import { nesterov } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.equal(nesterov({ lr: 0.1, momentum: 0.5 }).name, "nesterov");
 * ```
 *
 * @param options Learning rate, momentum, full batch.
 * @returns The optimizer; its state is the velocity.
 */
export function nesterov(options: MomentumOptions): Optimizer {
  checkCall("nesterov", arguments);
  const lr = checkLr(options?.lr, "nesterov");
  const momentum = checkRate(options.momentum ?? 0.9, "momentum", "nesterov");
  return optimizerFrom("nesterov", chain(traceMomentum(momentum, true), scale(-lr)), {
    hyperparameters: { lr, momentum },
    fullBatch: options.fullBatch ?? false,
  });
}
