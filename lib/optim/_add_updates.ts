import { tf } from "../backend/mod.ts";
import type { Params } from "../nn/mod.ts";
import { checkTensorList } from "../nn/_internal.ts";

/**
 * θ + updates, as new tensors, with the checks of {@linkcode applyUpdates} (lists of live tensors
 * of matching shapes) but without its call check: the stepping core calls this at every step.
 *
 * @param params The parameters.
 * @param updates Changes of the same shapes.
 * @returns The new parameters, owned by the caller.
 */
export function addUpdates(params: Params, updates: Params): Params {
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
