import { activationLayer } from "./activation_layer.ts";
import { resolveConvNetOptions } from "./_convnet_options.ts";
import type { ConvNetOptions } from "./conv_net_options.ts";
import { avgPool2d } from "./avg_pool2d.ts";
import { batchNorm } from "./batch_norm.ts";
import { conv2d } from "./conv2d.ts";
import { dense } from "./dense.ts";
import { flatten } from "./flatten.ts";
import type { Layer } from "./layer.ts";
import { maxPool2d } from "./max_pool2d.ts";
import { sequential } from "./sequential.ts";
import type { Model } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode smallCnn}. */
export interface SmallCnnOptions extends ConvNetOptions {
  /**
   * The pooling after each convolution block.
   * @default {"max"}
   */
  pool?: "max" | "avg";
}

/**
 * A small convolutional network for image classification:
 * [conv3×3(16w) → (BN) → σ → pool2] → [conv3×3(32w) → (BN) → σ → pool2] → flatten → dense(k),
 * convolutions padded by 1 (w the width multiplier). On 28×28×1 inputs it has 20,490 parameters
 * at width 1 without BatchNorm, and trains in seconds on a CPU.
 *
 * Parameters (PyTorch names): `conv1.weight` [3, 3, c, 16w], `conv1.bias` (without BN) or
 * `bn1.weight`, `bn1.bias`; the same for `conv2`/`bn2`; `linear.weight` [(h/4)(w/4)·32w, k],
 * `linear.bias`. The flatten is channels-last (see {@linkcode flatten}).
 *
 * @example
 * ```ts
 * import { disposeParams, smallCnn, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const model = smallCnn({ inputShape: [28, 28, 1], outputDim: 10 });
 * assert.equal(model.numParams, 20490);
 * const params = model.init(0);
 * const y = tf.tidy(() => model.apply(params, tf.zeros([2, 28, 28, 1])));
 * assert.deepEqual(y.shape, [2, 10]);
 * y.dispose();
 * disposeParams(params);
 * ```
 *
 * @param options Input shape, outputs, width, norm (default "none"), pooling, activation, init.
 * @returns The model.
 */
export function smallCnn(options: SmallCnnOptions = {}): Model {
  checkCall("smallCnn", arguments);
  const what = "build the small CNN";
  const o = resolveConvNetOptions(what, options, { inputShape: [28, 28, 1], norm: "none" });
  const pool = options.pool ?? "max";
  if (pool !== "max" && pool !== "avg") {
    throw new TypeError(
      `Cannot ${what}: pool must be "max" or "avg", current value is ${JSON.stringify(pool)}`,
    );
  }
  const layers: Layer[] = [];
  [16, 32].forEach((c, i) => {
    const bn = o.norm === "batch";
    layers.push(conv2d({
      name: `conv${i + 1}`,
      filters: o.channels(c),
      kernelSize: 3,
      padding: 1,
      bias: !bn,
      init: o.init,
    }));
    if (bn) layers.push(batchNorm({ name: `bn${i + 1}`, ghostBatchSize: o.ghostBatchSize }));
    layers.push(activationLayer(o.activation));
    const p = { name: `pool${i + 1}`, poolSize: 2 };
    layers.push(pool === "max" ? maxPool2d(p) : avgPool2d(p));
  });
  layers.push(flatten(), dense({ name: "linear", units: o.outputDim, init: o.init }));
  return sequential(o.inputShape, layers, {
    name: `small-cnn ${o.inputShape.join("×")} w${o.width}${o.norm === "batch" ? " bn" : ""}`,
  });
}
