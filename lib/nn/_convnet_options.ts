/**
 * Options and checks shared by the convolutional models (smallCnn, vgg, resnet20). Private.
 *
 * @module
 */
import { type ActivationName, ACTIVATIONS } from "./activation.ts";
import { checkImageShape, checkInit, type LayerInit } from "./_layer_util.ts";

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

/** The checked options. */
export interface ResolvedConvNetOptions {
  inputShape: readonly number[];
  outputDim: number;
  width: number;
  norm: "batch" | "none";
  ghostBatchSize?: number;
  activation: ActivationName;
  init: LayerInit;
  /** Channels c scaled by the width, at least 1. */
  channels(c: number): number;
}

/** Checks the options of a convolutional model. */
export function resolveConvNetOptions(
  what: string,
  options: ConvNetOptions,
  defaults: { inputShape: readonly number[]; norm: "batch" | "none" },
): ResolvedConvNetOptions {
  const inputShape = options.inputShape ?? defaults.inputShape;
  checkImageShape(what, inputShape);
  const outputDim = options.outputDim ?? 10;
  if (!Number.isInteger(outputDim) || outputDim < 1) {
    throw new RangeError(
      `Cannot ${what}: outputDim must be a positive integer, current value is ${outputDim}`,
    );
  }
  const width = options.width ?? 1;
  if (!(Number.isFinite(width) && width > 0)) {
    throw new RangeError(
      `Cannot ${what}: width must be a positive number, current value is ${width}`,
    );
  }
  const norm = options.norm ?? defaults.norm;
  if (norm !== "batch" && norm !== "none") {
    throw new TypeError(
      `Cannot ${what}: norm must be "batch" or "none", current value is ${JSON.stringify(norm)}`,
    );
  }
  const activation = options.activation ?? "relu";
  if (!ACTIVATIONS.includes(activation)) {
    throw new TypeError(
      `Cannot ${what}: activation must be one of ${
        ACTIVATIONS.map((a) => `"${a}"`).join(", ")
      }, current value is ${JSON.stringify(activation)}`,
    );
  }
  return {
    inputShape,
    outputDim,
    width,
    norm,
    ghostBatchSize: options.ghostBatchSize,
    activation,
    init: checkInit(what, options.init ?? "he"),
    channels: (c) => Math.max(1, Math.round(c * width)),
  };
}
