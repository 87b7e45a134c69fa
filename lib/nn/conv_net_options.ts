/**
 * The options smallCnn, vgg and resnet20 share.
 *
 * @module
 */
import type { ActivationName } from "./activation.ts";
import type { LayerInit } from "./layer.ts";

/** Options every convolutional model takes. */
export interface ConvNetOptions {
  /**
   * The shape of one image [h, w, c].
   * @default {[32, 32, 3] (CIFAR-10); [28, 28, 1] for smallCnn}
   */
  inputShape?: readonly number[];
  /**
   * Outputs (classes).
   * @default {10}
   */
  outputDim?: number;
  /**
   * A width multiplier on every layer's channels (rounded, at least 1).
   * @default {1}
   */
  width?: number;
  /**
   * `"batch"`: BatchNorm after every convolution (convolutions then have no bias); `"none"`:
   * no normalization.
   */
  norm?: "batch" | "none";
  /**
   * Ghost batch size of the BatchNorm layers (see `batchNorm`): normalize over consecutive
   * groups of this many samples, in training and in measurements alike.
   * @default {the whole batch}
   */
  ghostBatchSize?: number;
  /**
   * The activation after each convolution (or its BatchNorm).
   * @default {"relu"}
   */
  activation?: ActivationName;
  /**
   * Initial weights of convolutions and dense layers: `"he"`, N(0, 2/fan_in) and zero biases;
   * `"uniform"`, PyTorch's default U(±1/√fan_in).
   * @default {"he"}
   */
  init?: LayerInit;
}
