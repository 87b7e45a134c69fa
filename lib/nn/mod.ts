/**
 * Functional models over explicit parameters (`init(seed)`, `apply(params, x)`) and per-sample
 * losses, all with exact second derivatives under double backprop: MLPs, two-layer, homogeneous,
 * scale-invariant, diagonal linear and leaky-ReLU nets, convolutional layers and networks
 * (small CNN, VGG, ResNet-20), MSE, cross-entropy and exponential losses.
 *
 * ```ts
 * import { mlp } from "minima/nn";
 * import assert from "node:assert/strict";
 *
 * const model = mlp([3, 8, 2]);
 * const params = model.init(0);
 * assert.deepEqual(params.map((p) => p.shape), [[3, 8], [8], [8, 2], [2]]);
 * params.forEach((p) => p.dispose());
 * ```
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
export * from "./layer.ts";
export * from "./conv2d.ts";
export * from "./dense.ts";
export * from "./flatten.ts";
export type { PoolOptions } from "./_pool.ts";
export * from "./avg_pool2d.ts";
export * from "./max_pool2d.ts";
export * from "./global_avg_pool2d.ts";
export * from "./activation_layer.ts";
export * from "./batch_norm.ts";
export * from "./layer_norm.ts";
export * from "./residual_block.ts";
export * from "./sequential.ts";
export * from "./eval_mode.ts";
export * from "./running_statistics.ts";
export * from "./conv_net_options.ts";
export * from "./small_cnn.ts";
export * from "./vgg.ts";
export * from "./resnet20.ts";
export * from "./leaky_relu_net.ts";
