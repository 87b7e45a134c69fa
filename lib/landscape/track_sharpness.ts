import type { ObjectivePoint } from "../nn/mod.ts";
import { sharpness, type SharpnessOptions, type SharpnessResult } from "./sharpness.ts";
import { checkCall } from "../_checks.ts";

/**
 * A sharpness tracker for the train loop that warm-starts each measurement from the previous top
 * eigenvector, so tracking costs a few Hessian-vector products per record instead of tens (the
 * eigenvector moves little between records). Fix a `subset` so every record measures the same
 * objective.
 *
 * @example Sharpness every 10 steps on the first 64 samples
 * ```ts
 * import { createDataset, gd, mlp, mse, trackSharpness, train } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1, 0], [0, 2], [1, 1]], [[1], [2], [0]]);
 * const run = await train({ model: mlp([2, 1], { activation: "identity" }), loss: mse, data }, gd({ lr: 0.1 }), {
 *   steps: 20,
 *   track: { sharpness: trackSharpness({ subset: 3 }) },
 * });
 * assert.equal(typeof run.final.sharpness, "number");
 * run.dispose();
 * data.dispose();
 * ```
 *
 * @param options Options of {@linkcode sharpness} (its `startVector` is managed here).
 * @returns A function of the point that returns the sharpness result (use it in `track`).
 */
export function trackSharpness(
  options: Omit<SharpnessOptions, "startVector"> = {},
): (point: ObjectivePoint) => Promise<SharpnessResult> {
  checkCall("trackSharpness", arguments);
  let previous: Float64Array | undefined;
  return async (point: ObjectivePoint) => {
    const usable = previous !== undefined && previous.length === point.model.numParams &&
      previous.every(Number.isFinite);
    const result = await sharpness(point, {
      ...options,
      startVector: usable ? previous : undefined,
    });
    previous = result.vector;
    return result;
  };
}
