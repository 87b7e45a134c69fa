/**
 * Mean-field particle models: two-layer networks with and without batch normalization and deep
 * residual networks with 1/L scaling, in float64 with exact gradients, gradient descent on their
 * particles in the mean-field time scaling, and the distance between curves used to watch them
 * approach their width or depth limits.
 *
 * @module
 */
export * from "./particle_model.ts";
export * from "./mean_field_two_layer_net.ts";
export * from "./mean_field_resnet.ts";
export * from "./particle_gradient_descent.ts";
export * from "./curve_distance.ts";
export * from "./whiten_inputs.ts";
export * from "./paired_neuron_angle.ts";
