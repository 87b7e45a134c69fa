/**
 * Stochastic differential equations that approximate optimizers: Brownian and α-stable noise
 * paths, solvers behind one `solveSde` (Euler–Maruyama, Milstein, an explicit order-1.5 scheme),
 * the SGD, RMSprop and Adam SDEs, the linear and square-root scaling rules, the tail index of
 * gradient noise and escape times from a basin.
 *
 * ```ts
 * import { linearScalingRule } from "minima/sde";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof linearScalingRule, "function");
 * ```
 *
 * @module
 */
export * from "./noise_path.ts";
export * from "./brownian_path.ts";
export * from "./virtual_brownian_tree.ts";
export * from "./levy_path.ts";
export * from "./sde_terms.ts";
export * from "./sde_solver.ts";
export * from "./euler_maruyama.ts";
export * from "./milstein.ts";
export * from "./explicit_order15.ts";
export * from "./linear_drift.ts";
export * from "./solve_sde.ts";
export * from "./gradient_oracle.ts";
export * from "./quadratic_oracle.ts";
export * from "./model_oracle.ts";
export * from "./optimizer_sde.ts";
export * from "./sgd_sde.ts";
export * from "./rmsprop_sde.ts";
export * from "./adam_sde.ts";
export * from "./linear_scaling_rule.ts";
export * from "./square_root_scaling_rule.ts";
export * from "./tail_index.ts";
export * from "./gradient_noise_tail_index.ts";
export * from "./escape_times.ts";
export * from "./mean_first_passage_time.ts";
export * from "./svag.ts";
export * from "./simulate_optimizer.ts";
export * from "./sgd_quadratic_moments.ts";
export * from "./gradient_noise_scale.ts";
export * from "./log_curve_distance.ts";
export * from "./levy_mean_exit_time.ts";
