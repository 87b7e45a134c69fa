import type { ObjectivePoint } from "../nn/mod.ts";
import {
  hessianTrace,
  type HessianTraceOptions,
  type HessianTraceResult,
} from "./hessian_trace.ts";
import { checkCall } from "../_checks.ts";

/**
 * A tracker for `train` that estimates tr(H) at every record (Hutch++ by default) with the same
 * probe vectors each time (the seed is fixed), so the estimator's randomness does not add noise
 * to the changes along a run: label-noise SGD's slow drift along a manifold of minima descends
 * tr(H), which this makes visible. Pass the same `subset` throughout to track one objective.
 *
 * @see Damian, Ma, Lee, NeurIPS 2021, arXiv 2106.06530; Meyer, Musco, Musco, Woodruff, "Hutch++",
 * arXiv 2010.09649.
 *
 * @example
 * ```ts
 * import { createDataset, gd, mlp, mse, trackHessianTrace, train } from "minima";
 * import assert from "node:assert/strict";
 *
 * // L = ½·mean((w·x − y)²) has H = mean(x xᵀ) = diag(1/2, 2), whose trace Rademacher probes
 * // give exactly.
 * const data = createDataset([[1, 0], [0, 2]], [[1], [2]]);
 * const model = mlp([2, 1], { activation: "identity", bias: false });
 * const run = await train({ model, loss: mse, data }, gd({ lr: 0.1 }), {
 *   steps: 2, every: 2, track: { trace: trackHessianTrace({ method: "hutchinson", matvecs: 4 }) },
 * });
 * assert.ok(Math.abs((run.final.trace as number) - 2.5) < 1e-5);
 * run.dispose();
 * data.dispose();
 * ```
 *
 * @param options The trace estimator's options (method, matvecs, seed, subset, chunk size).
 * @returns A tracker returning the estimate (its `value` becomes the column).
 */
export function trackHessianTrace(
  options: HessianTraceOptions = {},
): (point: ObjectivePoint) => Promise<HessianTraceResult> {
  checkCall("trackHessianTrace", arguments);
  const fixed = { ...options, seed: options.seed ?? 0 };
  return (point: ObjectivePoint) => hessianTrace(point, fixed);
}
