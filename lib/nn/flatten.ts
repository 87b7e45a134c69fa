import { tf } from "../backend/mod.ts";
import { builtLayer, checkInput } from "./_layer_util.ts";
import type { Layer } from "./layer.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode flatten}. */
export interface FlattenOptions {
  /**
   * The layer's name.
   * @default {"flatten"}
   */
  name?: string;
}

/**
 * Each sample as one row: [n, h, w, c] → [n, h·w·c], entries in row-major (channels-last) order,
 * so feature (i·w + j)·c + k is pixel (i, j) of channel k. PyTorch flattens its [n, c, h, w]
 * tensors channel-major instead (feature k·h·w + i·w + j): a dense layer that follows needs its
 * weight rows permuted to match PyTorch's.
 *
 * @example
 * ```ts
 * import { flatten } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(flatten().build([4, 4, 8]).outputShape, [128]);
 * ```
 *
 * @param options The name.
 * @returns The layer (no parameters).
 */
export function flatten(options: FlattenOptions = {}): Layer {
  checkCall("flatten", arguments);
  const name = options.name ?? "flatten";
  return Object.freeze({
    name,
    build(inputShape: readonly number[]) {
      if (
        !Array.isArray(inputShape) || inputShape.length < 1 ||
        !inputShape.every((s) => Number.isInteger(s) && s >= 1)
      ) {
        throw new TypeError(
          `Cannot build flatten "${name}": the input shape must be positive integers, current value is ${
            JSON.stringify(inputShape)
          }`,
        );
      }
      const size = inputShape.reduce((a, b) => a * b, 1);
      const what = `apply flatten "${name}"`;
      return builtLayer({
        name,
        inputShape,
        outputShape: [size],
        paramSpecs: [],
        apply: (_params, x) => {
          checkInput(what, x, inputShape);
          return tf.reshape(x, [x.shape[0], size]);
        },
      });
    },
  });
}
