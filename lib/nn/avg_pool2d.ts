import { poolLayer, type PoolOptions } from "./_pool.ts";
import type { Layer } from "./layer.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode avgPool2d}. */
export type AvgPool2dOptions = PoolOptions;

/**
 * Average pooling over k×k windows of images [n, h, w, c], each channel alone:
 * y[n, i, j, c] = (1/(kh·kw)) Σ_{a,b} x[n, s·i + a − p, s·j + b − p, c]. Padded entries count as
 * zeros in the average (PyTorch's `AvgPool2d` default, `count_include_pad=True`). Derivatives of
 * every order are exact (tfjs's own AvgPool gradient cannot be differentiated again).
 *
 * @example 2×2 windows halve the image
 * ```ts
 * import { avgPool2d, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const layer = avgPool2d({ poolSize: 2 }).build([2, 2, 1]);
 * const y = tf.tidy(() => layer.apply([], tf.tensor4d([1, 2, 3, 6], [1, 2, 2, 1])));
 * assert.deepEqual(Array.from(await y.data()), [3]);
 * y.dispose();
 * ```
 *
 * @param options The window, stride (by default the window), padding and name.
 * @returns The layer (no parameters).
 */
export function avgPool2d(options: AvgPool2dOptions): Layer {
  checkCall("avgPool2d", arguments);
  return poolLayer("avg", options);
}
