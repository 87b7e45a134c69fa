import { poolLayer, type PoolOptions } from "./_pool.ts";
import type { Layer } from "./layer.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode maxPool2d}. */
export type MaxPool2dOptions = PoolOptions;

/**
 * Max pooling over k×k windows of images [n, h, w, c], each channel alone:
 * y[n, i, j, c] = max_{a,b} x[n, s·i + a − p, s·j + b − p, c], padded entries never chosen
 * (PyTorch's `MaxPool2d`). The output is the window times a one-hot mask of its largest entry
 * (the first one on ties), so the gradient flows to that entry and derivatives of every order are
 * exact wherever the maximum is unique (tfjs's own MaxPool gradient cannot be differentiated
 * again).
 *
 * @example
 * ```ts
 * import { maxPool2d, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const layer = maxPool2d({ poolSize: 2 }).build([2, 2, 1]);
 * const y = tf.tidy(() => layer.apply([], tf.tensor4d([1, 7, 3, 6], [1, 2, 2, 1])));
 * assert.deepEqual(Array.from(await y.data()), [7]);
 * y.dispose();
 * ```
 *
 * @param options The window, stride (by default the window), padding and name.
 * @returns The layer (no parameters).
 */
export function maxPool2d(options: MaxPool2dOptions): Layer {
  checkCall("maxPool2d", arguments);
  return poolLayer("max", options);
}
