import { tf } from "../backend/mod.ts";
import { checkState, compose, PER_SAMPLE_IN_EVAL } from "./_compose.ts";
import { checkInput, checkParamCount } from "./_layer_util.ts";
import type { BuiltLayer, Layer, LayerApplyOptions, ModelState } from "./layer.ts";
import type { Model, Params } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode sequential}. */
export interface SequentialOptions {
  /**
   * A readable name for the model.
   * @default {"sequential" and the input and output shapes}
   */
  name?: string;
}

/**
 * A model that runs layers one after the other: f = layer_L ∘ … ∘ layer_1, built for inputs of
 * one shape. Parameters are the layers' parameters in order, named `${layer}.${parameter}` as in
 * PyTorch (a name used twice gets `_1`, `_2`, ... appended); `paramSpecs[i].layer` counts the
 * layers that have parameters.
 *
 * `apply` runs normalization layers in train mode (batch statistics: what training and every
 * landscape measurement see). A model with BatchNorm layers also has `stateSpecs`,
 * `initState()`, `applyEval(params, state, x)` (running statistics) and
 * `updateState(params, state, x)`; it declares `batchStatistics` (see `Model`), so its loss over
 * n samples is the mean over its ghost batches and per-sample gradients are measured on
 * `evalMode(model, state)` instead.
 *
 * @example A small convolutional network on 8×8 images
 * ```ts
 * import {
 *   activationLayer, conv2d, dense, disposeParams, flatten, maxPool2d, sequential, tf,
 * } from "minima";
 * import assert from "node:assert/strict";
 *
 * const model = sequential([8, 8, 1], [
 *   conv2d({ filters: 4, kernelSize: 3, padding: 1 }),
 *   activationLayer("relu"),
 *   maxPool2d({ poolSize: 2 }),
 *   flatten(),
 *   dense({ units: 3 }),
 * ]);
 * assert.deepEqual(model.paramSpecs.map((s) => s.name), [
 *   "conv.weight", "conv.bias", "linear.weight", "linear.bias",
 * ]);
 * const params = model.init(0);
 * const y = tf.tidy(() => model.apply(params, tf.zeros([2, 8, 8, 1])));
 * assert.deepEqual(y.shape, [2, 3]);
 * y.dispose();
 * disposeParams(params);
 * ```
 *
 * @param inputShape The shape of one input: [h, w, c] for images, [d] for vectors.
 * @param layers The layers, first to last; the last must output vectors [k].
 * @param options The name.
 * @returns The model.
 */
export function sequential(
  inputShape: readonly number[],
  layers: readonly Layer[],
  options: SequentialOptions = {},
): Model {
  checkCall("sequential", arguments);
  const what = "build the sequential model";
  if (
    !Array.isArray(inputShape) || inputShape.length < 1 ||
    !inputShape.every((s) => Number.isInteger(s) && s >= 1)
  ) {
    throw new TypeError(
      `Cannot ${what}: inputShape must be positive integers, e.g. [32, 32, 3], current value is ${
        JSON.stringify(inputShape)
      }`,
    );
  }
  if (
    !Array.isArray(layers) || layers.length < 1 ||
    !layers.every((l) => l && typeof l.build === "function")
  ) {
    throw new TypeError(
      `Cannot ${what}: layers must be a non-empty array of layers (conv2d(...), dense(...), ...)`,
    );
  }
  const built: BuiltLayer[] = [];
  let shape = inputShape;
  for (const layer of layers) {
    const b = layer.build(shape);
    built.push(b);
    shape = b.outputShape;
  }
  if (shape.length !== 1) {
    throw new TypeError(
      `Cannot ${what}: the last layer must output vectors [k], current output shape is [${shape}]; end with flatten() or globalAvgPool2d() and dense(...)`,
    );
  }
  const parts = compose(built);
  const name = options.name ?? `sequential ${inputShape.join("×")} → ${shape[0]}`;
  const applyWhat = `apply the model "${name}"`;
  const flat = inputShape.length === 1;
  const run = (params: Params, x: tf.Tensor, opts: LayerApplyOptions, what: string) => {
    checkParamCount(what, params, parts.paramSpecs.length);
    checkInput(what, x, inputShape);
    return tf.tidy(() => {
      let h = x;
      for (let i = 0; i < built.length; i++) {
        h = built[i].apply(parts.params(params, i), h, parts.options(opts, i));
      }
      return h as tf.Tensor2D;
    });
  };
  const stateful = parts.stateSpecs.length > 0;
  const stateSpecs = Object.freeze(parts.stateSpecs.map((s) => Object.freeze(s)));
  const model: Model = {
    name,
    inputDim: inputShape.reduce((a, b) => a * b, 1),
    ...(flat ? {} : { inputShape: Object.freeze([...inputShape]) }),
    outputDim: shape[0],
    paramSpecs: Object.freeze(parts.paramSpecs.map((s) => Object.freeze(s))),
    numParams: built.reduce((s, b) => s + b.numParams, 0),
    perSampleParams: parts.perSampleParams && parts.batchStatistics === undefined,
    ...(parts.batchStatistics !== undefined ? { batchStatistics: parts.batchStatistics } : {}),
    init: (seed) => parts.init(seed),
    apply: (params, x) => run(params, x, {}, applyWhat),
    ...(stateful
      ? {
        stateSpecs,
        initState: () => parts.initState(),
        applyEval(params: Params, state: ModelState, x: tf.Tensor) {
          const what = `${applyWhat} in eval mode`;
          checkState(what, state, stateSpecs);
          return run(params, x, { mode: "eval", state }, what);
        },
        updateState(
          params: Params,
          state: ModelState,
          x: tf.Tensor,
          options: { momentum?: number } = {},
        ) {
          const what = `update the running statistics of "${name}"`;
          checkState(what, state, stateSpecs);
          const m = options.momentum;
          if (m !== undefined && !(m >= 0 && m <= 1)) {
            throw new RangeError(
              `Cannot ${what}: momentum must be a number in [0, 1], current value is ${m}`,
            );
          }
          const batch: tf.Tensor[] = [];
          try {
            tf.dispose(run(params, x, { statistics: batch }, what));
            return tf.tidy(() =>
              batch.map((b, i) => {
                const w = m ?? stateSpecs[i].momentum;
                return tf.add(tf.mul(state[i], 1 - w), tf.mul(b, w));
              })
            );
          } finally {
            tf.dispose(batch);
          }
        },
      }
      : {}),
  };
  if (parts.perSampleParams) PER_SAMPLE_IN_EVAL.add(model);
  return Object.freeze(model);
}
