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

/** Options of avgPool2d and maxPool2d. */
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
            // Windows as [n, oh, ow, c, k].
            let windows: tf.Tensor;
            if (fast) {
              const [oh, ow] = out, [kh, kw] = kernel;
              const cut = oh * kh === h && ow * kw === w
                ? x
                : tf.slice(x, [0, 0, 0, 0], [n, oh * kh, ow * kw, c]);
              windows = tf.reshape(
                tf.transpose(tf.reshape(cut, [n, oh, kh, ow, kw, c]), [0, 1, 3, 5, 2, 4]),
                [n, oh, ow, c, k],
              );
            } else {
              const patches = extractPatches(x, geometry, kind === "max" ? MAX_PAD : 0);
              windows = tf.transpose(patches, [0, 1, 2, 4, 3]);
            }
            if (kind === "avg") return tf.mean(windows, 4);
            const mask = tf.oneHot(tf.argMax(windows, 4), k);
            return tf.sum(tf.mul(windows, mask), 4);
          });
        },
      });
    },
  });
}
