/**
 * Options and checks shared by the convolutional models (smallCnn, vgg, resnet20). Private.
 *
 * @module
 */
import { ACTIVATIONS } from "./activation.ts";
import type { ConvNetOptions } from "./conv_net_options.ts";
import { checkImageShape, checkInit } from "./_layer_util.ts";
import type { LayerInit } from "./layer.ts";
import type { ActivationName } from "./activation.ts";

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
