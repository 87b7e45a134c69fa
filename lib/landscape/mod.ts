/**
 * (filled in by its issue)
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
