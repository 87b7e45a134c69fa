import { tf } from "../backend/mod.ts";
import { builtLayer, checkImageShape, checkInput } from "./_layer_util.ts";
import type { Layer } from "./layer.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode globalAvgPool2d}. */
export interface GlobalAvgPool2dOptions {
  /**
   * The layer's name.
   * @default {"pool"}
   */
  name?: string;
}

/**
 * Global average pooling: the mean of each channel over the image, [n, h, w, c] → [n, c]
 * (PyTorch's `AdaptiveAvgPool2d(1)` followed by a flatten), as ResNets do before their last
 * dense layer.
 *
 * @example
 * ```ts
 * import { globalAvgPool2d, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const layer = globalAvgPool2d().build([2, 2, 1]);
 * assert.deepEqual(layer.outputShape, [1]);
 * const y = tf.tidy(() => layer.apply([], tf.tensor4d([1, 2, 3, 6], [1, 2, 2, 1])));
 * assert.deepEqual(Array.from(await y.data()), [3]);
 * y.dispose();
 * ```
 *
 * @param options The name.
 * @returns The layer (no parameters).
 */
export function globalAvgPool2d(options: GlobalAvgPool2dOptions = {}): Layer {
  checkCall("globalAvgPool2d", arguments);
  const name = options.name ?? "pool";
  return Object.freeze({
    name,
    build(inputShape: readonly number[]) {
      checkImageShape(`build globalAvgPool2d "${name}"`, inputShape);
      const what = `apply globalAvgPool2d "${name}"`;
      return builtLayer({
        name,
        inputShape,
        outputShape: [inputShape[2]],
        paramSpecs: [],
        apply: (_params, x) => {
          checkInput(what, x, inputShape);
          return tf.mean(x, [1, 2]);
        },
      });
    },
  });
}
