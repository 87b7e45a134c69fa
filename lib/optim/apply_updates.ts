import type { Params } from "../nn/mod.ts";
import { checkCall } from "../_checks.ts";
import { addUpdates } from "./_add_updates.ts";

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
  return addUpdates(params, updates);
}
