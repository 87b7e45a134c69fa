import {
  preconditionedSharpness,
  type PreconditionedSharpnessOptions,
  type SharpnessResult,
} from "../landscape/mod.ts";
import { disposeParams } from "../nn/mod.ts";
import { adaptivePreconditioner } from "./adaptive_preconditioner.ts";
import type { TrackerContext } from "./train.ts";
import { checkCall } from "../_checks.ts";

/**
 * A tracker for `train` that records the preconditioned sharpness λ_max(P⁻¹H) of an adaptive
 * optimizer (Adam or RMSprop) at its current state, with P = √v̂ + ε from
 * `adaptivePreconditioner`, warm-starting each measurement from the previous eigenvector.
 * Before the first step there is no second moment yet, and the tracker records NaN.
 * For full-batch Adam, Cohen et al. report λ_max(P⁻¹H) rising to (2 + 2β₁)/((1 − β₁)η) and
 * hovering there.
 *
 * @see Cohen et al., "Adaptive gradient methods at the edge of stability", arXiv:2207.14484.
 *
 * @example Adam on a linear regression
 * ```ts
 * import { adam, createDataset, mlp, mse, trackPreconditionedSharpness, train } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1, 0], [0, 2], [1, 1]], [[1], [2], [0]]);
 * const run = await train({ model: mlp([2, 1], { activation: "identity" }), loss: mse, data }, adam({ lr: 0.01 }), {
 *   steps: 20,
 *   every: 10,
 *   track: { preconditioned: trackPreconditionedSharpness() },
 * });
 * assert.ok(Number.isNaN(run.history[0].preconditioned));
 * assert.ok(run.final.preconditioned > 0);
 * run.dispose();
 * data.dispose();
 * ```
 *
 * @param options Options of `preconditionedSharpness` (its `startVector` is managed here).
 * @returns A tracker: the result of `preconditionedSharpness`, or NaN at step 0.
 */
export function trackPreconditionedSharpness(
  options: Omit<PreconditionedSharpnessOptions, "startVector"> = {},
): (context: TrackerContext) => Promise<SharpnessResult | number> {
  checkCall("trackPreconditionedSharpness", arguments);
  let previous: Float64Array | undefined;
  return async (context: TrackerContext) => {
    if (context.step === 0) return NaN;
    const P = adaptivePreconditioner(context.optimizer, context.state);
    try {
      const usable = previous !== undefined && previous.length === context.model.numParams &&
        previous.every(Number.isFinite);
      const result = await preconditionedSharpness(context, P, {
        ...options,
        startVector: usable ? previous : undefined,
      });
      previous = result.vector;
      return result;
    } finally {
      disposeParams(P);
    }
  };
}
