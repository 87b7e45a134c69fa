import { tf } from "../backend/mod.ts";
import { activation, type ActivationName, ACTIVATIONS } from "./activation.ts";
import { compose } from "./_compose.ts";
import { convolve } from "./_conv_ops.ts";
import {
  builtLayer,
  checkImageShape,
  checkInit,
  checkInput,
  checkParamCount,
  type LayerInit,
} from "./_layer_util.ts";
import { batchNorm } from "./batch_norm.ts";
import { conv2d } from "./conv2d.ts";
import type { BuiltLayer, Layer } from "./layer.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode residualBlock}. */
export interface ResidualBlockOptions {
  /** Output channels. */
  filters: number;
  /**
   * The stride of the first convolution (2 halves the image, as at a ResNet stage's start).
   * @default {1}
   */
  stride?: number;
  /**
   * `"batch"`: BatchNorm after each convolution; `"none"`: plain convolutions.
   * @default {"batch"}
   */
  norm?: "batch" | "none";
  /**
   * How the input reaches the output when the shape changes: `"pad"`, He et al.'s option A for
   * CIFAR (every s-th pixel, channels zero-padded on both sides, no parameters); `"projection"`,
   * option B (a 1×1 convolution with stride s, then BatchNorm when `norm` is "batch").
   * @default {"pad"}
   */
  shortcut?: "pad" | "projection";
  /**
   * The activation after the first convolution and after the sum.
   * @default {"relu"}
   */
  activation?: ActivationName;
  /**
   * A factor α on the residual branch, y = σ(shortcut(x) + α·F(x)): 1 for He et al.'s block,
   * 1/L for the depth-scaled ResNets of mean-field analyses.
   * @default {1}
   */
  residualScale?: number;
  /** Ghost batch size of the BatchNorm layers (see {@linkcode batchNorm}). */
  ghostBatchSize?: number;
  /**
   * Initial convolution weights (see {@linkcode conv2d}); BatchNorm starts at γ = 1, β = 0.
   * @default {"he"}
   */
  init?: LayerInit;
  /**
   * The block's name, the prefix of its parameters (`${name}.conv1.weight`, `${name}.bn1.weight`,
   * `${name}.conv2.weight`, `${name}.bn2.weight`, `${name}.shortcut.0.weight`, ...).
   * @default {"block"}
   */
  name?: string;
}

/**
 * The basic residual block of He et al.: y = σ(shortcut(x) + α·F(x)) with
 * F = conv3×3(stride s) → BN → σ → conv3×3 → BN (the BN layers only with `norm: "batch"`; the
 * convolutions have no biases). The shortcut is the identity when the shape is kept.
 *
 * @see He, Zhang, Ren, Sun, "Deep residual learning for image recognition", arXiv:1512.03385.
 *
 * @example A block that halves the image and doubles the channels
 * ```ts
 * import { disposeParams, residualBlock, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const block = residualBlock({ filters: 8, stride: 2 }).build([8, 8, 4]);
 * assert.deepEqual(block.outputShape, [4, 4, 8]);
 * assert.deepEqual(block.paramSpecs.map((s) => s.name), [
 *   "conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight", "bn2.bias",
 * ]);
 * const params = block.init(0);
 * const y = tf.tidy(() => block.apply(params, tf.randomNormal([2, 8, 8, 4], 0, 1, "float32", 1)));
 * assert.deepEqual(y.shape, [2, 4, 4, 8]);
 * y.dispose();
 * disposeParams(params);
 * ```
 *
 * @param options Filters, stride, norm, shortcut, activation, residual scale, init and name.
 * @returns The layer (build it for [h, w, cin]).
 */
export function residualBlock(options: ResidualBlockOptions): Layer {
  checkCall("residualBlock", arguments);
  const name = options?.name ?? "block";
  const what = `build residualBlock "${name}"`;
  const filters = options?.filters;
  if (!Number.isInteger(filters) || filters < 1) {
    throw new RangeError(
      `Cannot ${what}: filters must be a positive integer, current value is ${filters}`,
    );
  }
  const stride = options.stride ?? 1;
  if (!Number.isInteger(stride) || stride < 1) {
    throw new RangeError(
      `Cannot ${what}: stride must be a positive integer, current value is ${stride}`,
    );
  }
  const norm = options.norm ?? "batch";
  if (norm !== "batch" && norm !== "none") {
    throw new TypeError(
      `Cannot ${what}: norm must be "batch" or "none", current value is ${JSON.stringify(norm)}`,
    );
  }
  const shortcut = options.shortcut ?? "pad";
  if (shortcut !== "pad" && shortcut !== "projection") {
    throw new TypeError(
      `Cannot ${what}: shortcut must be "pad" or "projection", current value is ${
        JSON.stringify(shortcut)
      }`,
    );
  }
  const actName = options.activation ?? "relu";
  if (!ACTIVATIONS.includes(actName)) {
    throw new TypeError(
      `Cannot ${what}: activation must be one of ${
        ACTIVATIONS.map((a) => `"${a}"`).join(", ")
      }, current value is ${JSON.stringify(actName)}`,
    );
  }
  const act = activation(actName);
  const scale = options.residualScale ?? 1;
  if (!Number.isFinite(scale)) {
    throw new RangeError(
      `Cannot ${what}: residualScale must be a finite number, current value is ${scale}`,
    );
  }
  const init = checkInit(what, options.init ?? "he");
  const bn = (n: string) => batchNorm({ name: n, ghostBatchSize: options.ghostBatchSize });
  return Object.freeze({
    name,
    build(inputShape: readonly number[]) {
      checkImageShape(what, inputShape);
      const cin = inputShape[2];
      const conv = (n: string, k: number, s: number) =>
        conv2d({
          name: n,
          filters,
          kernelSize: k,
          stride: s,
          padding: k === 3 ? 1 : 0,
          bias: false,
          init,
        });
      const branch: BuiltLayer[] = [];
      const first = conv("conv1", 3, stride).build(inputShape);
      branch.push(first);
      if (norm === "batch") branch.push(bn("bn1").build(first.outputShape));
      branch.push(conv("conv2", 3, 1).build(first.outputShape));
      if (norm === "batch") branch.push(bn("bn2").build(first.outputShape));
      const outputShape = first.outputShape;
      const reshaping = stride !== 1 || cin !== filters;
      const projection: BuiltLayer[] = [];
      if (reshaping && shortcut === "projection") {
        projection.push(conv("shortcut.0", 1, stride).build(inputShape));
        if (norm === "batch") projection.push(bn("shortcut.1").build(outputShape));
      }
      if (reshaping && shortcut === "pad" && filters < cin) {
        throw new RangeError(
          `Cannot ${what}: the "pad" shortcut can only add channels (${cin} → ${filters}); use shortcut: "projection"`,
        );
      }
      const children = [...branch, ...projection];
      const parts = compose(children);
      const applyWhat = `apply residualBlock "${name}"`;
      const before = Math.floor((filters - cin) / 2);
      const embedding = new Float32Array(cin * filters);
      for (let c = 0; c < cin; c++) embedding[c * filters + before + c] = 1;
      return builtLayer({
        name,
        inputShape,
        outputShape,
        paramSpecs: parts.paramSpecs,
        stateSpecs: parts.stateSpecs,
        perSampleParams: parts.perSampleParams,
        batchStatistics: parts.batchStatistics,
        init: (_rng, seed) => parts.init(seed),
        initState: parts.initState,
        apply: (params, x, opts) => {
          checkParamCount(applyWhat, params, parts.paramSpecs.length);
          checkInput(applyWhat, x, inputShape);
          return tf.tidy(() => {
            const run = (i: number, h: tf.Tensor) =>
              children[i].apply(parts.params(params, i), h, parts.options(opts, i));
            let h = x;
            for (let i = 0; i < branch.length; i++) {
              h = run(i, h);
              // σ after the first convolution (and its BN).
              if (i === (norm === "batch" ? 1 : 0)) h = act(h);
            }
            let s: tf.Tensor = x;
            if (projection.length > 0) {
              for (let i = 0; i < projection.length; i++) s = run(branch.length + i, s);
            } else if (reshaping) {
              // Every s-th pixel, channels placed at before..before + cin: a 1×1 convolution with
              // a fixed 0/1 filter, on the convolution kernels (slicing and padding run element
              // by element on the CPU backends).
              s = convolve(x, tf.tensor4d(embedding, [1, 1, cin, filters]), {
                stride: [stride, stride],
                pad: [0, 0, 0, 0],
              });
            }
            return act(tf.add(s, scale === 1 ? h : tf.mul(h, scale)));
          });
        },
      });
    },
  });
}
