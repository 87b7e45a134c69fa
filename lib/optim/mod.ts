/**
 * Optimizers as optax-style pure `init`/`update` pairs with explicit state (SGD, GD, heavy ball,
 * Nesterov, Adam, RMSprop, label-noise SGD, normalized GD, PRGD, IRE, weight decay, built from
 * gradient transformations), and the train loop: minibatches, trackers recorded into typed rows,
 * divergence as data, progress and interrupt.
 *
 * ```ts
 * import { adam, sgd } from "minima/optim";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(sgd({ lr: 0.1 }).hyperparameters, { lr: 0.1 });
 * assert.equal(adam({ lr: 1e-3 }).name, "adam");
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./apply_updates.ts";
export * from "./gradient_transformations.ts";
export * from "./optimizer_from.ts";
export * from "./sgd.ts";
export * from "./heavy_ball.ts";
export * from "./adam.ts";
export * from "./rmsprop.ts";
export * from "./adaptive_preconditioner.ts";
export * from "./track_preconditioned_sharpness.ts";
export * from "./train.ts";
export * from "./symbolic_gradient_descent.ts";
export * from "./weight_decay.ts";
export * from "./label_noise.ts";
export * from "./normalized_gd.ts";
export * from "./prgd.ts";
export * from "./scale_by_schedule.ts";
export * from "./ire.ts";
export * from "./manifold_toy.ts";
export * from "./simulate_manifold_toy.ts";
export * from "./manifold_effective_dynamics.ts";
export * from "./transition_time.ts";
