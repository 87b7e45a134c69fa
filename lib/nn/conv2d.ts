import { tf } from "../backend/mod.ts";
import { convolve, convolvePerSample, dilateFilter } from "./_conv_ops.ts";
import {
  builtLayer,
  checkImageShape,
  checkInit,
  checkInput,
  checkParamCount,
  initTensor,
  type LayerInit,
  type Padding,
  type Pair,
  pairOption,
  perSample,
  resolvePadding,
  windowOutput,
} from "./_layer_util.ts";
import type { Layer } from "./layer.ts";
import type { ParamSpec } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode conv2d}. */
export interface Conv2dOptions {
  /** Output channels (filters). */
  filters: number;
  /** The window, k or [kh, kw]. */
  kernelSize: Pair;
  /**
   * The step between windows, s or [sh, sw].
   * @default {1}
   */
  stride?: Pair;
  /**
   * Zero padding: a number p (or [ph, pw]) pads p rows and columns on each side, as PyTorch's
   * `padding=p`; `"valid"` none; `"same"` TensorFlow's (output ⌈in/s⌉, any odd pixel at the
   * bottom and right).
   * @default {0}
   */
  padding?: Padding;
  /**
   * The spacing between the window's taps, d or [dh, dw].
   * @default {1}
   */
  dilation?: Pair;
  /**
   * Whether the layer adds a bias per output channel (layers followed by BatchNorm do without).
   * @default {true}
   */
  bias?: boolean;
  /**
   * Initial weights: `"he"`, N(0, 2/fan_in) with fan_in = kh·kw·cin and zero biases (He et al.);
   * `"uniform"`, U(±1/√fan_in) for weights and biases (PyTorch's `Conv2d` default).
   * @default {"he"}
   */
  init?: LayerInit;
  /**
   * The layer's name: in a model its parameters are `${name}.weight` and `${name}.bias`.
   * @default {"conv"}
   */
  name?: string;
}

/**
 * A 2-D convolution layer over images [n, h, w, c]:
 * y[n, i, j, o] = b[o] + Σ_{a,b,c} x[n, s·i + d·a − p, s·j + d·b − p, c] · W[a, b, c, o].
 *
 * Parameters: the filter W [kh, kw, cin, cout] (tfjs's layout; PyTorch's `Conv2d.weight`
 * [cout, cin, kh, kw] maps to it by `permute(2, 3, 1, 0)`) and the bias [cout]. Derivatives of
 * every order are exact: the convolution and its two transposes are defined in terms of each
 * other (tfjs's own conv2d gradient cannot be differentiated again), so Hessian-vector products
 * through it are exact. Per-sample filters [n, kh, kw, cin, cout] run as one depthwise
 * convolution over the samples side by side, which makes per-sample gradients and
 * Hessian-vector products one batched pass.
 *
 * @example A 3×3 convolution with padding 1 keeps the image size
 * ```ts
 * import { conv2d, disposeParams, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const layer = conv2d({ filters: 4, kernelSize: 3, padding: 1 }).build([8, 8, 2]);
 * assert.deepEqual(layer.outputShape, [8, 8, 4]);
 * assert.deepEqual(layer.paramSpecs.map((s) => s.shape), [[3, 3, 2, 4], [4]]);
 * const params = layer.init(0);
 * const y = tf.tidy(() => layer.apply(params, tf.ones([5, 8, 8, 2])));
 * assert.deepEqual(y.shape, [5, 8, 8, 4]);
 * y.dispose();
 * disposeParams(params);
 * ```
 *
 * @param options Filters, kernel size, stride, padding, dilation, bias, init and name.
 * @returns The layer (build it for an input shape [h, w, cin]).
 */
export function conv2d(options: Conv2dOptions): Layer {
  checkCall("conv2d", arguments);
  const name = options?.name ?? "conv";
  const what = `build conv2d "${name}"`;
  const filters = options?.filters;
  if (!Number.isInteger(filters) || filters < 1) {
    throw new RangeError(
      `Cannot ${what}: filters must be a positive integer, current value is ${filters}`,
    );
  }
  const kernel = pairOption(what, "kernelSize", options.kernelSize);
  const stride = pairOption(what, "stride", options.stride ?? 1);
  const dilation = pairOption(what, "dilation", options.dilation ?? 1);
  const padding = options.padding ?? 0;
  const bias = options.bias ?? true;
  const init = checkInit(what, options.init ?? "he");
  return Object.freeze({
    name,
    build(inputShape: readonly number[]) {
      checkImageShape(what, inputShape);
      const [h, w, cin] = inputShape;
      const pad = resolvePadding(what, padding, [h, w], kernel, stride, dilation);
      const out = windowOutput(what, [h, w], kernel, stride, dilation, pad);
      const wShape = [kernel[0], kernel[1], cin, filters];
      const specs: ParamSpec[] = [
        { name: "weight", shape: wShape, role: "weight", layer: 0 },
      ];
      if (bias) specs.push({ name: "bias", shape: [filters], role: "bias", layer: 0 });
      const fanIn = kernel[0] * kernel[1] * cin;
      const applyWhat = `apply conv2d "${name}"`;

      return builtLayer({
        name,
        inputShape,
        outputShape: [out[0], out[1], filters],
        paramSpecs: specs,
        init: (rng) =>
          specs.map((s) => initTensor(rng, s.shape, { scheme: init, fanIn, role: s.role })),
        apply: (params, x) => {
          checkParamCount(applyWhat, params, specs.length);
          checkInput(applyWhat, x, inputShape);
          return tf.tidy(() => {
            const n = x.shape[0];
            let y: tf.Tensor;
            if (perSample(params[0], specs[0])) {
              y = convolvePerSample(x, dilateFilter(params[0], dilation), { stride, pad });
            } else {
              y = convolve(x, dilateFilter(params[0], dilation), { stride, pad });
            }
            if (bias) {
              const b = params[1];
              y = tf.add(y, perSample(b, specs[1]) ? tf.reshape(b, [n, 1, 1, filters]) : b);
            }
            return y;
          });
        },
      });
    },
  });
}
