/**
 * The optimizer interface, in the style of optax: pure `init`/`update` pairs with explicit state.
 *
 * One step of training with an optimizer `opt` is, in the train loop:
 * 1. draw `opt.gradientsPerStep` independent minibatches (the whole data set when
 *    `opt.fullBatch`), pass each through `opt.prepareBatch` when it is defined;
 * 2. compute one gradient per batch, `grads[j] = ∇L_{batch j}(θ)`;
 * 3. `{ updates, state } = opt.update(grads, state, θ, context)`;
 * 4. θ ← θ + updates (`applyUpdates`).
 *
 * So a wrapper that combines several gradients per step (SVAG: two batches, weights
 * (1 ± √(2ℓ−1))/2, step η/ℓ) or perturbs the labels (label-noise SGD) is an `Optimizer` like any
 * other and needs no change in the loop. This interface is stable: extend it only by adding
 * optional members.
 *
 * @module
 */
import type { tf } from "../backend/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { Params } from "../nn/mod.ts";
import type { Dataset } from "../data/mod.ts";

/**
 * An optimizer's state: tensors (moments, velocities) and plain numbers (step counts), nested in
 * objects and arrays, so that `tf.tidy` can return it. Never mutated: `update` returns a new one.
 */
export type OptimizerState = tf.TensorContainerObject;

/**
 * What `update` returns. It is a tensor container, so `tf.tidy(() => opt.update(...))` keeps it
 * and frees the temporaries.
 */
export interface OptimizerStep<S extends OptimizerState = OptimizerState>
  extends tf.TensorContainerObject {
  /** The change to add to the parameters, θ ← θ + updates (same shapes as the parameters). */
  updates: Params;
  /** The next state. */
  state: S;
}

/** Randomness and position handed to `update` and `prepareBatch` by the loop. */
export interface StepContext {
  /** The step about to be taken, counted from 0. */
  step: number;
  /** A seeded generator reserved for the optimizer (its draws never change the batches). */
  rng: Rng;
}

/** A minibatch as the loop hands it to `prepareBatch`. */
export interface Batch {
  /** Inputs, [B, inputDim] (or [B, ...inputShape] for images). */
  x: tf.Tensor;
  /** Targets, in the dataset's encoding. */
  y: tf.Tensor;
  /** Which samples of the data set these are. */
  indices: Int32Array;
}

/**
 * A gradient transformation: the building block optimizers are chained from (optax's
 * `GradientTransformation`). `update` maps incoming updates (at first the gradient) to outgoing
 * ones; it must not mutate or dispose its arguments.
 */
export interface GradientTransformation<S extends OptimizerState = OptimizerState> {
  /**
   * The initial state for parameters of these shapes.
   *
   * @param params The parameters (only their shapes are used).
   * @returns The state (new tensors).
   */
  init(params: Params): S;
  /**
   * Transforms updates.
   *
   * @param updates The incoming updates (the gradient, for the first transformation).
   * @param state The current state.
   * @param params The current parameters.
   * @param context The step and a generator.
   * @returns The outgoing updates and the next state.
   */
  update(
    updates: Params,
    state: S,
    params: Params,
    context: StepContext,
  ): OptimizerStep<S>;
}

/**
 * An optimizer: what the train loop runs.
 *
 * `update` receives `gradientsPerStep` gradients, each from an independent minibatch, and
 * returns the parameter change. It is pure: it never mutates or disposes its arguments, and
 * returns new tensors (or tensors of the old state passed through unchanged).
 */
export interface Optimizer<S extends OptimizerState = OptimizerState> {
  /** A short name for rows and legends, e.g. `"sgd"`, `"adam"`. */
  readonly name: string;
  /** The hyperparameters (lr, momentum, β₁, ...), copied into result rows. */
  readonly hyperparameters: Readonly<Record<string, number>>;
  /** How many independent minibatch gradients one step consumes (1; SVAG uses 2). */
  readonly gradientsPerStep: number;
  /** True when the gradient is always taken on the whole data set (gradient descent). */
  readonly fullBatch: boolean;
  /**
   * The initial state.
   *
   * @param params The initial parameters (only shapes are used).
   * @returns The state (new tensors, owned by the caller).
   */
  init(params: Params): S;
  /**
   * One step.
   *
   * @param gradients `gradientsPerStep` gradients, each shaped like the parameters.
   * @param state The current state.
   * @param params The current parameters.
   * @param context The step and the optimizer's generator.
   * @returns The parameter change and the next state.
   */
  update(
    gradients: readonly Params[],
    state: S,
    params: Params,
    context: StepContext,
  ): OptimizerStep<S>;
  /**
   * Optionally rewrites a minibatch before its gradient is taken (label-noise SGD adds noise to
   * the targets). Returns new tensors or the batch's own.
   *
   * @param batch The minibatch.
   * @param context The step and the optimizer's generator.
   * @param data The whole data set (for its encoding and sizes).
   * @returns The batch to differentiate on.
   */
  prepareBatch?(batch: Batch, context: StepContext, data: Dataset): Batch;
}
