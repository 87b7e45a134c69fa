/**
 * The layer interface convolutional and residual networks are built from: a {@linkcode Layer}
 * knows its options, and `build(inputShape)` resolves it for an input into a
 * {@linkcode BuiltLayer} with parameter specs, `init(seed)` and `apply(params, x)`, like a
 * {@linkcode Model}. `sequential` chains built layers into a model.
 *
 * Parameter layout, matching tfjs (and mapped to PyTorch as follows):
 * - convolution filters [kh, kw, cin, cout] ↔ PyTorch `Conv2d.weight` [cout, cin, kh, kw]:
 *   `w_minima = w_torch.permute(2, 3, 1, 0)`;
 * - dense weights [in, out] ↔ PyTorch `Linear.weight` [out, in]: `w_minima = w_torch.T`;
 * - BatchNorm and LayerNorm scale γ and shift β [c] ↔ PyTorch `weight` and `bias` [c];
 *   running mean and variance [c] ↔ `running_mean` and `running_var`;
 * - images are [n, h, w, c] (channels last) ↔ PyTorch [n, c, h, w]: `x.permute(0, 2, 3, 1)`;
 *   so `flatten` orders features (i, j, k) as (i·w + j)·c + k, where PyTorch's `Flatten` orders
 *   them k·h·w + i·w + j: a dense layer after a flatten needs its rows permuted accordingly.
 *
 * @module
 */
import type { tf } from "../backend/mod.ts";
import type { Seed } from "../random/mod.ts";
import type { Params, ParamSpec } from "./types.ts";

/** A size given once for both spatial axes, or as [height, width]. */
export type Pair = number | readonly [number, number];

/**
 * Zero padding of a convolution or pooling window: a number p (or [ph, pw]) on each side, as
 * PyTorch's `padding`; `"valid"`, none; `"same"`, TensorFlow's (output ⌈in/s⌉).
 */
export type Padding = "valid" | "same" | Pair;

/** Initial weights: He et al.'s N(0, 2/fan_in), or PyTorch's default U(±1/√fan_in). */
export type LayerInit = "he" | "uniform";

/** Running statistics of the normalization layers, in the order of their `stateSpecs`. */
export type ModelState = tf.Tensor[];

/** One tensor of running statistics. */
export interface StateSpec {
  /** A readable name, e.g. `"running_mean"` (`"bn1.running_mean"` in a model, as in PyTorch). */
  readonly name: string;
  /** Its shape, [channels]. */
  readonly shape: readonly number[];
  /** What it estimates: the mean or the (unbiased) variance of the layer's input per channel. */
  readonly kind: "mean" | "variance";
  /**
   * The weight m of a new batch in the running estimate, new = (1 − m)·old + m·batch
   * (PyTorch's `momentum`).
   */
  readonly momentum: number;
}

/** How a layer runs: with batch statistics (train) or with running statistics (eval). */
export interface LayerApplyOptions {
  /**
   * `"train"`: normalization layers use the statistics of the batch (of each ghost batch), which
   * is what the training loss and its Hessian see; `"eval"`: they use `state`.
   * @default {"train"}
   */
  mode?: "train" | "eval";
  /** The running statistics (eval mode), in the order of `stateSpecs`. */
  state?: ModelState;
  /**
   * In train mode, each normalization layer appends its batch statistics here (per channel: the
   * mean, then the unbiased variance, averaged over ghost batches), in `stateSpecs` order.
   */
  statistics?: tf.Tensor[];
}

/**
 * A layer resolved for an input shape: a function of explicit parameters, like a
 * {@linkcode Model} but between tensors of any shape.
 */
export interface BuiltLayer {
  /** The layer's name; in a model its parameter names start with it (`"conv1.weight"`). */
  readonly name: string;
  /** The shape of one input (without the batch axis), e.g. [32, 32, 3]. */
  readonly inputShape: readonly number[];
  /** The shape of one output. */
  readonly outputShape: readonly number[];
  /** The parameter tensors, in order, named as within the layer (`"weight"`, `"bias"`). */
  readonly paramSpecs: readonly ParamSpec[];
  /** The number of scalar parameters. */
  readonly numParams: number;
  /** The running statistics it keeps (BatchNorm); empty for other layers. */
  readonly stateSpecs: readonly StateSpec[];
  /** Whether `apply` takes per-sample parameters (a leading axis of length n on each tensor). */
  readonly perSampleParams: boolean;
  /**
   * Set when outputs depend on the other samples of the batch in train mode (BatchNorm): the
   * ghost-batch size, or `Infinity` for the whole batch (see `Model.batchStatistics`).
   */
  readonly batchStatistics?: number;
  /**
   * Fresh parameters, the same for the same seed.
   *
   * @param seed The seed.
   * @returns New tensors owned by the caller.
   */
  init(seed: Seed): Params;
  /**
   * Fresh running statistics (means 0, variances 1).
   *
   * @returns New tensors owned by the caller (an empty list for stateless layers).
   */
  initState(): ModelState;
  /**
   * The layer's output for a batch.
   *
   * @param params The layer's parameters.
   * @param x Inputs [n, ...inputShape].
   * @param options Train or eval mode, state, and a sink for batch statistics.
   * @returns Outputs [n, ...outputShape].
   */
  apply(params: Params, x: tf.Tensor, options?: LayerApplyOptions): tf.Tensor;
}

/** A layer before it knows its input: its options, and how to resolve them for an input shape. */
export interface Layer {
  /** The layer's name (parameter names start with it). */
  readonly name: string;
  /**
   * Resolves the layer for inputs of one shape.
   *
   * @param inputShape The shape of one input, e.g. [28, 28, 1].
   * @returns The built layer.
   */
  build(inputShape: readonly number[]): BuiltLayer;
}
