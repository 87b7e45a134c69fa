import { checkState, PER_SAMPLE_IN_EVAL } from "./_compose.ts";
import type { ModelState } from "./layer.ts";
import type { Model } from "./types.ts";
import { checkCall } from "../_checks.ts";

/**
 * A model with BatchNorm seen in eval mode: a plain {@linkcode Model} whose `apply` normalizes
 * with the running statistics `state` (via `model.applyEval`). Each output then depends on its
 * own sample only, so every measurement applies, per-sample gradients and the gradient-noise
 * covariance included (which are not defined in train mode, where samples share batch
 * statistics). The landscape it describes is that of the network as it predicts, with the
 * statistics frozen; train mode's (`model` itself) is the one its training loss has.
 *
 * The returned model reads `state` at every call: keep those tensors alive while using it.
 *
 * @example One sample: train mode refuses it, eval mode uses the running statistics
 * ```ts
 * import { batchNorm, dense, disposeParams, evalMode, sequential, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const model = sequential([2], [batchNorm(), dense({ units: 1 })]);
 * const params = model.init(0);
 * const state = model.initState!();
 * const frozen = evalMode(model, state);
 * assert.ok(frozen.perSampleParams && frozen.batchStatistics === undefined);
 * const x = tf.tensor2d([[1, 2]]);
 * assert.throws(() => model.apply(params, x), RangeError);
 * const y = frozen.apply(params, x);
 * assert.deepEqual(y.shape, [1, 1]);
 * tf.dispose([x, y]);
 * disposeParams([params, state]);
 * ```
 *
 * @param model A model with running statistics (`applyEval`), e.g. `resnet20({ norm: "batch" })`.
 * @param state Its running statistics, in the order of `model.stateSpecs`.
 * @returns The model in eval mode.
 */
export function evalMode(model: Model, state: ModelState): Model {
  checkCall("evalMode", arguments);
  const what = "put the model in eval mode";
  if (!model || typeof model.applyEval !== "function" || !model.stateSpecs) {
    throw new TypeError(
      `Cannot ${what}: the model must keep running statistics (stateSpecs and applyEval, as models with norm: "batch" do), current model ${
        model?.name ? `"${model.name}" has none` : "is missing"
      }`,
    );
  }
  checkState(what, state, model.stateSpecs);
  const { batchStatistics: _b, stateSpecs: _s, initState: _i, updateState: _u, ...rest } = model;
  return Object.freeze({
    ...rest,
    name: `${model.name} (eval)`,
    perSampleParams: PER_SAMPLE_IN_EVAL.has(model),
    apply: (params, x) => model.applyEval!(params, state, x),
  } as Model);
}
