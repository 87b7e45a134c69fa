/**
 * Optimizers as optax-style pure `init`/`update` pairs with explicit state, and the train loop.
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
