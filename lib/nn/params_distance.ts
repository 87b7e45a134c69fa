import type { Params } from "./types.ts";
import { checkTensorList } from "./_tensor_list.ts";
import { checkCall } from "../_checks.ts";

/**
 * The Euclidean distance between two parameter sets, ‖θ − θ'‖₂ over all their entries (float64
 * accumulation): how far an optimizer has moved from a reference point, e.g. from a GD minimum
 * after switching to SGD.
 *
 * @example
 * ```ts
 * import { disposeParams, paramsDistance, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const a = [tf.tensor1d([0, 0]), tf.tensor1d([1])];
 * const b = [tf.tensor1d([3, 0]), tf.tensor1d([5])];
 * assert.equal(await paramsDistance(a, b), 5);
 * disposeParams([a, b]);
 * ```
 *
 * @param a The first parameters (not modified).
 * @param b The second parameters, of the same shapes.
 * @returns ‖a − b‖₂.
 */
export async function paramsDistance(a: Params, b: Params): Promise<number> {
  checkCall("paramsDistance", arguments);
  const what = "Cannot measure the distance between parameters";
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
    throw new TypeError(
      `${what}: a and b must be arrays of as many tensors, current lengths are ${
        Array.isArray(a) ? a.length : "none"
      } and ${Array.isArray(b) ? b.length : "none"}`,
    );
  }
  checkTensorList(a, "a", what);
  checkTensorList(b, "b", what);
  a.forEach((t, j) => {
    const u = b[j];
    if (!t || !u || t.shape.length !== u.shape.length || t.shape.some((s, k) => s !== u.shape[k])) {
      throw new TypeError(
        `${what}: tensor ${j} has shape [${t?.shape}] in a but [${u?.shape}] in b; give parameters of one model`,
      );
    }
  });
  let sum = 0;
  for (let j = 0; j < a.length; j++) {
    const [x, y] = [await a[j].data(), await b[j].data()];
    for (let i = 0; i < x.length; i++) sum += (x[i] - y[i]) ** 2;
  }
  return Math.sqrt(sum);
}
