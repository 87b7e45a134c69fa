/**
 * The loss landscape around a model's parameters, measured with one exact Hessian-vector product
 * (double backprop through minima's twice-differentiable ops, checked against finite
 * differences by {@linkcode checkExactHessian}):
 *
 * - curvature: {@linkcode sharpness}, {@linkcode topHessianEigenvalues},
 *   {@linkcode hessianTrace}, {@linkcode hessianSpectralDensity}, preconditioned and spherical
 *   sharpness, and trackers for the train loop ({@linkcode trackSharpness});
 * - gradient noise: per-sample gradients, the noise covariance, its non-uniformity and its
 *   alignment with the Hessian;
 * - linear stability of SGD at a minimum (Wu, Ma, E 2018): the conditions, the stable region of
 *   learning rate and batch size, its boundary and a Monte-Carlo check;
 * - slices and directions: 1-D and 2-D loss slices along filter-normalized directions, input
 *   smoothness;
 * - margins and homogeneous networks: normalized margins, the max-margin linear classifier,
 *   neuron directions and condensation;
 * - toy landscapes as formulas ({@linkcode symbolicLoss}) with exact float64 derivatives, the GD
 *   two-cycle and valley drift.
 *
 * Estimators return results that say whether they converged and can be trusted, with their
 * residuals.
 *
 * ```ts
 * import { symbolicLoss, gradientDescentTwoCycle } from "minima/landscape";
 * import assert from "node:assert/strict";
 *
 * const loss = symbolicLoss("x^2 / 2");
 * assert.deepEqual(Array.from(loss.hessian([0.3])), [1]);
 * assert.equal(typeof gradientDescentTwoCycle, "function");
 * ```
 *
 * @module
 */
export * from "./linear_stability.ts";
export * from "./linear_stability_conditions.ts";
export * from "./linear_stability_region.ts";
export * from "./linear_stability_boundary.ts";
export * from "./symbolic_loss.ts";
export * from "./hessian_operator.ts";
export * from "./check_exact_hessian.ts";
export * from "./sharpness.ts";
export * from "./top_hessian_eigenvalues.ts";
export * from "./hessian_trace.ts";
export * from "./hessian_spectral_density.ts";
export * from "./evaluate_loss.ts";
export * from "./evaluate_accuracy.ts";
export * from "./per_sample_gradients.ts";
export * from "./gradient_noise_covariance.ts";
export * from "./gradient_noise_non_uniformity.ts";
export * from "./filter_normalized_direction.ts";
export * from "./loss_slice_1d.ts";
export * from "./loss_slice_2d.ts";
export * from "./loss_along_direction.ts";
export * from "./input_smoothness.ts";
export * from "./track_sharpness.ts";
export * from "./loss_gradient.ts";
export * from "./monte_carlo_sgd_stability.ts";
export * from "./gradient_descent_two_cycle.ts";
export * from "./homogeneity_degree.ts";
export * from "./normalized_margin.ts";
export * from "./linear_max_margin.ts";
export * from "./spherical_sharpness.ts";
export * from "./preconditioned_sharpness.ts";
export * from "./effective_learning_rate.ts";
export * from "./track_hessian_trace.ts";
export * from "./gradient_noise_alignment.ts";
export * from "./alignment_stability_bound.ts";
export * from "./neuron_directions.ts";
export * from "./condensation_direction.ts";
export * from "./aligned_network_margin.ts";
export * from "./leaky_relu_max_margin_2d.ts";
export * from "./valley_drift.ts";
export * from "./valley_effective_dynamics.ts";
export * from "./condensation_rate.ts";
