import { activationLayer } from "./activation_layer.ts";
import { resolveConvNetOptions } from "./_convnet_options.ts";
import type { ConvNetOptions } from "./conv_net_options.ts";
import { batchNorm } from "./batch_norm.ts";
import { conv2d } from "./conv2d.ts";
import { dense } from "./dense.ts";
import { flatten } from "./flatten.ts";
import type { Layer } from "./layer.ts";
import { maxPool2d } from "./max_pool2d.ts";
import { sequential } from "./sequential.ts";
import type { Model } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode vgg}. */
export interface VggOptions extends ConvNetOptions {
  /**
   * The feature layers: a number c is a 3×3 convolution (padding 1) with c·width channels, then
   * (BN and) the activation; `"M"` is a 2×2 max pooling. The default is VGG-11's layout at a
   * quarter of its channels, [16, M, 32, M, 64, 64, M, 128, 128, M, 128, 128, M].
   */
  layers?: readonly (number | "M")[];
}

/** VGG-11's layout (configuration A) at a quarter of its channels. */
const VGG11_QUARTER: readonly (number | "M")[] = [
  16,
  "M",
  32,
  "M",
  64,
  64,
  "M",
  128,
  128,
  "M",
  128,
  128,
  "M",
];

/**
 * A narrow VGG-style network (Simonyan and Zisserman): stacks of 3×3 convolutions with padding 1,
 * each followed by (BatchNorm and) the activation, max pooling between stacks, then a flatten and
 * one dense layer to the outputs. On 32×32 images the default layout ends at 1×1×128.
 *
 * Parameters (PyTorch names): `conv{i}.weight` [3, 3, cin, cout] and `conv{i}.bias` (without
 * BN) or `bn{i}.weight`, `bn{i}.bias`, for i = 1, 2, ... over the convolutions; `linear.weight`,
 * `linear.bias`.
 *
 * @see Simonyan, Zisserman, "Very deep convolutional networks", arXiv:1409.1556.
 *
 * @example A VGG-11 layout at an eighth of its channels on CIFAR-sized images
 * ```ts
 * import { vgg } from "minima";
 * import assert from "node:assert/strict";
 *
 * const model = vgg({ width: 0.5, norm: "batch" });
 * assert.deepEqual(model.inputShape, [32, 32, 3]);
 * assert.equal(model.paramSpecs[0].name, "conv1.weight");
 * assert.deepEqual(model.paramSpecs[0].shape, [3, 3, 3, 8]);
 * ```
 *
 * @param options Input shape, outputs, width, norm (default "none"), layout, activation, init.
 * @returns The model.
 */
export function vgg(options: VggOptions = {}): Model {
  checkCall("vgg", arguments);
  const what = "build the VGG network";
  const o = resolveConvNetOptions(what, options, { inputShape: [32, 32, 3], norm: "none" });
  const config = options.layers ?? VGG11_QUARTER;
  if (
    !Array.isArray(config) || config.length < 1 ||
    !config.every((v) => v === "M" || (Number.isInteger(v) && v >= 1))
  ) {
    throw new TypeError(
      `Cannot ${what}: layers must be positive integers (channels) and "M" (max pooling), current value is ${
        JSON.stringify(config)
      }`,
    );
  }
  const layers: Layer[] = [];
  let conv = 0, pool = 0;
  const bn = o.norm === "batch";
  for (const v of config) {
    if (v === "M") {
      layers.push(maxPool2d({ name: `pool${++pool}`, poolSize: 2 }));
      continue;
    }
    conv++;
    layers.push(conv2d({
      name: `conv${conv}`,
      filters: o.channels(v),
      kernelSize: 3,
      padding: 1,
      bias: !bn,
      init: o.init,
    }));
    if (bn) layers.push(batchNorm({ name: `bn${conv}`, ghostBatchSize: o.ghostBatchSize }));
    layers.push(activationLayer(o.activation));
  }
  layers.push(flatten(), dense({ name: "linear", units: o.outputDim, init: o.init }));
  return sequential(o.inputShape, layers, {
    name: `vgg ${o.inputShape.join("×")} w${o.width}${bn ? " bn" : ""}`,
  });
}
