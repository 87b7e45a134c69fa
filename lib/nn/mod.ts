/**
 * Functional models over explicit parameters (`init(seed)`, `apply(params, x)`) and per-sample
 * losses, all with exact second derivatives under double backprop.
 *
 * @module
 */
export * from "./types.ts";
export * from "./exact_ops.ts";
export * from "./activation.ts";
export * from "./params.ts";
export * from "./mlp.ts";
export * from "./two_layer_net.ts";
export * from "./mse.ts";
export * from "./cross_entropy.ts";
export * from "./exponential_loss.ts";
export * from "./homogeneous_net.ts";
export * from "./scale_invariant_net.ts";
export * from "./diagonal_linear_net.ts";
export * from "./params_distance.ts";
