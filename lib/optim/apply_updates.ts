import { tf } from "../backend/mod.ts";
import type { Params } from "../nn/mod.ts";
import { checkTensorList } from "../nn/_internal.ts";
import { checkCall } from "../_checks.ts";

/**
 * θ + updates, as new tensors (optax's `apply_updates`); neither argument is modified.
 *
 * @example
 * ```ts
 * import { applyUpdates, disposeParams, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const params = [tf.tensor1d([1, 2])], updates = [tf.tensor1d([0.5, -1])];
 * const next = applyUpdates(params, updates);
 * assert.deepEqual(Array.from(await next[0].data()), [1.5, 1]);
 * disposeParams([params, updates, next]);
 * ```
 *
 * @param params The parameters.
 * @param updates Changes of the same shapes.
 * @returns The new parameters, owned by the caller.
 */
export function applyUpdates(params: Params, updates: Params): Params {
  checkCall("applyUpdates", arguments);
  checkTensorList(params, "params", "Cannot apply the updates");
  checkTensorList(updates, "updates", "Cannot apply the updates");
  if (params.length !== updates.length) {
    throw new TypeError(
      `Cannot apply the updates: updates must hold ${params.length} tensors like params, current length is ${updates.length}`,
    );
  }
  return params.map((p, j) => {
    if (p.shape.join() !== updates[j].shape.join()) {
      throw new TypeError(
        `Cannot apply the updates: updates[${j}] must have shape [${p.shape}] like params[${j}], current shape is [${
          updates[j].shape
        }]`,
      );
    }
    return tf.add(p, updates[j]);
  });
}
