import { activationLayer } from "./activation_layer.ts";
import { resolveConvNetOptions } from "./_convnet_options.ts";
import type { ConvNetOptions } from "./conv_net_options.ts";
import { batchNorm } from "./batch_norm.ts";
import { conv2d } from "./conv2d.ts";
import { dense } from "./dense.ts";
import { globalAvgPool2d } from "./global_avg_pool2d.ts";
import type { Layer } from "./layer.ts";
import { residualBlock } from "./residual_block.ts";
import { sequential } from "./sequential.ts";
import type { Model } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode resnet20}. */
export interface Resnet20Options extends ConvNetOptions {
  /**
   * Blocks per stage: 3 for ResNet-20, n for ResNet-(6n + 2).
   * @default {3}
   */
  blocks?: number;
  /**
   * The shortcut where a stage starts: `"pad"` (option A of He et al., used for their CIFAR
   * ResNets: no parameters) or `"projection"` (1×1 convolution and BN).
   * @default {"pad"}
   */
  shortcut?: "pad" | "projection";
  /**
   * A factor α on every residual branch (see {@linkcode residualBlock}).
   * @default {1}
   */
  residualScale?: number;
}

/**
 * ResNet-20, the CIFAR ResNet of He et al.: a 3×3 convolution to 16w channels, three stages of
 * 3 basic residual blocks with 16w, 32w and 64w channels (the second and third start with
 * stride 2), global average pooling and a dense layer. With `norm: "batch"` (the default) every
 * convolution is followed by BatchNorm; with `"none"` the network is the same without it
 * (convolutions have no biases either way). At width 1 with BatchNorm it has 269,722
 * parameters, as the reference implementations.
 *
 * Parameter names follow the common PyTorch implementation of this network: `conv1.weight`,
 * `bn1.weight`, `bn1.bias`, `layer{s}.{b}.conv1.weight`, `layer{s}.{b}.bn1.weight`, ...,
 * `linear.weight`, `linear.bias` (convolution filters [kh, kw, cin, cout], dense weights
 * [in, out]; see `Layer` for the mapping to PyTorch's layouts).
 *
 * @see He, Zhang, Ren, Sun, "Deep residual learning for image recognition", arXiv:1512.03385, §4.2.
 *
 * @example
 * ```ts
 * import { resnet20 } from "minima";
 * import assert from "node:assert/strict";
 *
 * const model = resnet20();
 * assert.equal(model.numParams, 269722);
 * assert.equal(model.stateSpecs!.length, 2 * 19); // 19 BatchNorm layers
 * assert.equal(model.paramSpecs[3].name, "layer1.0.conv1.weight");
 * assert.equal(resnet20({ norm: "none", width: 0.5 }).batchStatistics, undefined);
 * ```
 *
 * @param options Input shape, outputs, width, norm (default "batch"), blocks, shortcut, init.
 * @returns The model.
 */
export function resnet20(options: Resnet20Options = {}): Model {
  checkCall("resnet20", arguments);
  const what = "build ResNet-20";
  const o = resolveConvNetOptions(what, options, { inputShape: [32, 32, 3], norm: "batch" });
  const blocks = options.blocks ?? 3;
  if (!Number.isInteger(blocks) || blocks < 1) {
    throw new RangeError(
      `Cannot ${what}: blocks must be a positive integer, current value is ${blocks}`,
    );
  }
  const bn = o.norm === "batch";
  const layers: Layer[] = [
    conv2d({
      name: "conv1",
      filters: o.channels(16),
      kernelSize: 3,
      padding: 1,
      bias: false,
      init: o.init,
    }),
  ];
  if (bn) layers.push(batchNorm({ name: "bn1", ghostBatchSize: o.ghostBatchSize }));
  layers.push(activationLayer(o.activation));
  [16, 32, 64].forEach((c, s) => {
    for (let b = 0; b < blocks; b++) {
      layers.push(residualBlock({
        name: `layer${s + 1}.${b}`,
        filters: o.channels(c),
        stride: s > 0 && b === 0 ? 2 : 1,
        norm: o.norm,
        shortcut: options.shortcut,
        activation: o.activation,
        residualScale: options.residualScale,
        ghostBatchSize: o.ghostBatchSize,
        init: o.init,
      }));
    }
  });
  layers.push(globalAvgPool2d(), dense({ name: "linear", units: o.outputDim, init: o.init }));
  return sequential(o.inputShape, layers, {
    name: `resnet${6 * blocks + 2} ${o.inputShape.join("×")} w${o.width}${bn ? " bn" : ""}`,
  });
}
