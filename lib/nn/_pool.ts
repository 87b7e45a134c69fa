/**
 * Average and max pooling with exact derivatives of every order, shared by avgPool2d and
 * maxPool2d. Private.
 *
 * tfjs's pooling gradients (AvgPoolGrad, MaxPoolGrad) have no gradients themselves, and its max
 * reductions differentiate through Equal, which has none either. Here windows are gathered with
 * slices and reshapes; the average is a mean over each window, and the max is the window times a
 * one-hot mask of its argmax, a mask that is constant where the max is unique, so every
 * derivative is that of a linear map.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import { extractPatches } from "./_conv_ops.ts";
import {
  builtLayer,
  checkImageShape,
  checkInput,
  type Pair,
  pairOption,
  resolvePadding,
  windowOutput,
} from "./_layer_util.ts";
import type { Layer } from "./layer.ts";

/** Options of {@linkcode avgPool2d} and {@linkcode maxPool2d}. */
export interface PoolOptions {
  /** The window, k or [kh, kw]. */
  poolSize: Pair;
  /**
   * The step between windows.
   * @default {poolSize}
   */
  stride?: Pair;
  /**
   * Padding p (or [ph, pw]) on each side, as PyTorch's `padding`, or `"valid"` for none.
   * @default {0}
   */
  padding?: "valid" | Pair;
  /** The layer's name. @default {"avgpool" or "maxpool"} */
  name?: string;
}

/** What padded entries of a max-pooling window hold: below any activation, finite (0·it = 0). */
const MAX_PAD = -1e30;

/**
 * The mean or the max over axis 1 of [m, k, r]: [m, r]. The max is the entries times a one-hot
 * mask of their argmax, with the reduced axis moved last for argMax and oneHot.
 */
function reduceWindow(kind: "avg" | "max", t: tf.Tensor): tf.Tensor {
  if (kind === "avg") return tf.mean(t, 1);
  const last = tf.transpose(t, [0, 2, 1]);
  const mask = tf.oneHot(tf.argMax(last, 2), t.shape[1]!);
  return tf.sum(tf.mul(last, mask), 2);
}

/** A pooling layer of one kind. */
export function poolLayer(kind: "avg" | "max", options: PoolOptions): Layer {
  const label = kind === "avg" ? "avgPool2d" : "maxPool2d";
  const name = options?.name ?? `${kind}pool`;
  const what = `build ${label} "${name}"`;
  const kernel = pairOption(what, "poolSize", options?.poolSize);
  const stride = pairOption(what, "stride", options.stride ?? kernel);
  const padding = options.padding ?? 0;
  return Object.freeze({
    name,
    build(inputShape: readonly number[]) {
      checkImageShape(what, inputShape);
      const [h, w, c] = inputShape;
      const pad = resolvePadding(what, padding, [h, w], kernel, stride, [1, 1]);
      if (pad[0] * 2 > kernel[0] || pad[2] * 2 > kernel[1]) {
        throw new RangeError(
          `Cannot ${what}: padding must be at most half the window (${Math.floor(kernel[0] / 2)}×${
            Math.floor(kernel[1] / 2)
          }), current value is ${JSON.stringify(padding)}`,
        );
      }
      const out = windowOutput(what, [h, w], kernel, stride, [1, 1], pad);
      const geometry = { kernel, stride, pad, dilation: [1, 1] as const, out };
      const applyWhat = `apply ${label} "${name}"`;
      const fast = stride[0] === kernel[0] && stride[1] === kernel[1] && pad.every((p) => p === 0);
      const k = kernel[0] * kernel[1];
      return builtLayer({
        name,
        inputShape,
        outputShape: [out[0], out[1], c],
        paramSpecs: [],
        apply: (_params, x) => {
          checkInput(applyWhat, x, inputShape);
          return tf.tidy(() => {
            const n = x.shape[0];
            if (fast) {
              // Windows tile the image: reduce over kw, then over kh (ranks at most 3).
              const [oh, ow] = out, [kh, kw] = kernel;
              const cut = oh * kh === h && ow * kw === w
                ? x
                : tf.slice(x, [0, 0, 0, 0], [n, oh * kh, ow * kw, c]);
              const across = reduceWindow(kind, tf.reshape(cut, [n * oh * kh * ow, kw, c]));
              const down = reduceWindow(
                kind,
                tf.reshape(across, [n * oh, kh, ow * c]),
              );
              return tf.reshape(down, [n, oh, ow, c]);
            }
            const taps = extractPatches(x, geometry, kind === "max" ? MAX_PAD : 0);
            // A chain of adds, not tf.addN: tfjs-webgpu 4.22's AddN sums only its first 7 inputs.
            if (kind === "avg") return tf.div(taps.reduce((a, b) => tf.add(a, b)), k);
            // [entries, k]: one row per output entry, its window along the last axis.
            const m = n * out[0] * out[1] * c;
            const windows = tf.concat(taps.map((t) => tf.reshape(t, [m, 1])), 1);
            const mask = tf.oneHot(tf.argMax(windows, 1), k);
            return tf.reshape(tf.sum(tf.mul(windows, mask), 1), [n, out[0], out[1], c]);
          });
        },
      });
    },
  });
}
