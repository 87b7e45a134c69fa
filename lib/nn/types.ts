/**
 * The types every model, loss and measurement shares: parameters as an ordered list of tensors,
 * models as pure `init`/`apply` pairs over them, and losses as per-sample functions.
 *
 * These are the stable interfaces other areas build on (optimizers, SDE solvers, landscape
 * measurements); extend them only by adding optional members.
 *
 * @module
 */
import type { tf } from "../backend/mod.ts";
import type { Seed } from "../random/mod.ts";
import type { Dataset, TargetEncoding } from "../data/mod.ts";
import type { ModelState, StateSpec } from "./layer.ts";

/**
 * A model's parameters: float32 tensors in the order of {@linkcode Model.paramSpecs}.
 *
 * Flattened (`flattenParams`) they are the vector θ every Hessian-vector product and spectral
 * estimator acts on: the tensors' entries concatenated in this order, row-major.
 */
export type Params = tf.Tensor[];

/** What one parameter tensor is, for filter normalization and input-smoothness bounds. */
export interface ParamSpec {
  /** A readable name, e.g. `"W1"`, `"b1"`. */
  readonly name: string;
  /** The tensor's shape, e.g. `[784, 64]` for a dense layer's weights (input × output). */
  readonly shape: readonly number[];
  /** `"weight"` for a layer's matrix, `"bias"` for its offset. */
  readonly role: "weight" | "bias";
  /** The layer it belongs to, counted from 0 at the input. */
  readonly layer: number;
}

/**
 * A functional model: parameters are explicit, never stored inside the model.
 *
 * `apply` must be built from operations whose second derivatives are exact under double
 * backprop (minima's {@linkcode exactOps} and tfjs operations whose gradients use only their
 * inputs: matMul, add, mul, relu, square, ...), so Hessian-vector products are correct.
 */
export interface Model {
  /** A readable description, e.g. `"mlp 784-64-10 tanh"`. */
  readonly name: string;
  /** The features of one input (the product of `inputShape` for image models). */
  readonly inputDim: number;
  /**
   * The shape of one input when it is not a flat vector, e.g. `[32, 32, 3]` for images (height,
   * width, channels): `apply` then takes x of shape [n, ...inputShape]. Absent: `[inputDim]`.
   */
  readonly inputShape?: readonly number[];
  /** The width of the output (classes for a classifier). */
  readonly outputDim: number;
  /** The parameter tensors, in order. */
  readonly paramSpecs: readonly ParamSpec[];
  /** The total number of scalar parameters d. */
  readonly numParams: number;
  /**
   * True when `apply` also accepts per-sample parameters: each tensor with an extra leading axis
   * of length n (the rows of x), sample i using slice i. Per-sample gradients and Hessian-vector
   * products then take one batched pass instead of a loop over samples.
   */
  readonly perSampleParams: boolean;
  /**
   * Set when a sample's output depends on the other samples it is batched with (BatchNorm in
   * train mode): `apply` normalizes over consecutive groups of this many samples ("ghost
   * batches"), or over the whole batch it is given when `Infinity`. The loss of n samples is then
   * the mean over those groups; measurements cut the data only at group boundaries (a whole-batch
   * model needs chunkSize ≥ n) and refuse per-sample gradients. Absent: each output depends on
   * its own sample only.
   */
  readonly batchStatistics?: number;
  /**
   * Fresh parameters, the same for the same seed (drawn in TypeScript, so on every backend).
   *
   * @param seed The seed.
   * @returns New tensors owned by the caller.
   */
  init(seed: Seed): Params;
  /**
   * The outputs f(θ; x) for a batch of inputs.
   *
   * @param params The parameters (not modified, not kept).
   * @param x Inputs, shape [n, inputDim], or [n, ...inputShape] for models that declare one.
   * @returns Outputs, shape [n, outputDim].
   */
  apply(params: Params, x: tf.Tensor): tf.Tensor2D;
  /**
   * The running statistics the model keeps beside its parameters (BatchNorm), present with
   * `initState`, `applyEval` and `updateState` on models that have normalization layers.
   */
  readonly stateSpecs?: readonly StateSpec[];
  /**
   * Fresh running statistics (means 0, variances 1).
   *
   * @returns New tensors owned by the caller.
   */
  initState?(): ModelState;
  /**
   * The outputs in eval mode: normalization layers use the running statistics `state` instead of
   * batch statistics, so each output depends on its own sample only.
   *
   * @param params The parameters.
   * @param state The running statistics, in the order of `stateSpecs`.
   * @param x Inputs.
   * @returns Outputs, shape [n, outputDim].
   */
  applyEval?(params: Params, state: ModelState, x: tf.Tensor): tf.Tensor2D;
  /**
   * The running statistics after one batch, as in PyTorch's train mode: a train-mode forward
   * pass over x, then new = (1 − m)·old + m·batch statistics for each normalization layer (m
   * its momentum, or `options.momentum`; the variance unbiased).
   *
   * @param params The parameters.
   * @param state The current running statistics (not modified, not disposed).
   * @param x A batch of inputs.
   * @param options The momentum for every layer.
   * @returns New tensors owned by the caller.
   */
  updateState?(
    params: Params,
    state: ModelState,
    x: tf.Tensor,
    options?: { momentum?: number },
  ): ModelState;
  /**
   * Optional: the outputs of b parameter sets on the same inputs in one pass, each parameter
   * tensor with an extra leading axis of length b (set r is slice r). Hessian-vector products
   * in b directions then take one batched double-backprop pass (matrix work) instead of b passes.
   * It must compute the same function as `apply`, with the same second derivatives; on a copy of
   * a minima model whose `apply` is replaced, minima ignores the original's `applyReplicas`.
   *
   * @param params The b parameter sets, stacked (not modified, not kept).
   * @param x Inputs, as for `apply`.
   * @returns Outputs, shape [b, n, outputDim].
   */
  applyReplicas?(params: Params, x: tf.Tensor): tf.Tensor3D;
}

/**
 * A loss given per sample; the objective is the mean L(θ) = (1/n) Σᵢ ℓ(f(θ; xᵢ), yᵢ).
 *
 * Like models, losses are written with exact second derivatives.
 */
export interface Loss {
  /** `"mse"`, `"cross-entropy"`, ... */
  readonly name: string;
  /**
   * The per-sample losses ℓᵢ.
   *
   * @param outputs Model outputs, shape [n, k].
   * @param targets Targets in the dataset's encoding (one-hot [n, k], integer labels [n], ...).
   * @returns Shape [n].
   */
  perSample(outputs: tf.Tensor2D, targets: tf.Tensor): tf.Tensor1D;
  /**
   * The target encodings the loss is defined for (cross-entropy: class labels, not real values);
   * train and every measurement refuse data in another encoding. Any encoding when absent.
   */
  readonly targets?: readonly TargetEncoding[];
}

/** What is minimized: a model, a loss and the data, L(θ) = (1/n) Σᵢ ℓ(f(θ; xᵢ), yᵢ). */
export interface Objective {
  /** The model. */
  readonly model: Model;
  /** The per-sample loss. */
  readonly loss: Loss;
  /** The training data. */
  readonly data: Dataset;
}

/** An objective at given parameters: the first argument of every landscape measurement. */
export interface ObjectivePoint extends Objective {
  /** The parameters θ (never modified or disposed by a measurement). */
  readonly params: Params;
}
