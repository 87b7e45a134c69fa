/**
 * The dataset type: tensors x and y with the metadata models, losses and plots need.
 *
 * @module
 */
import type { tf } from "../backend/mod.ts";

/**
 * How targets are encoded in {@linkcode Dataset.y}:
 * - `"one-hot"`: float32 [n, k], one 1 per row;
 * - `"integer"`: int32 [n], class indices 0..k−1;
 * - `"signed"`: float32 [n, 1], ±1 (binary margins, logistic loss);
 * - `"real"`: float32 [n, m], regression targets.
 */
export type TargetEncoding = "one-hot" | "integer" | "signed" | "real";

/** Facts about where a dataset came from, as a flat record (goes straight into a table). */
export type DatasetInfo = Record<string, number | string | boolean>;

/**
 * A dataset: inputs x [n, inputDim] (float32), or [n, ...inputShape] for images, and targets y,
 * owned by the dataset.
 *
 * Datasets are immutable; `dispose()` frees their tensors (and those of `test`). Every sample
 * is finite: constructors reject NaN and infinities.
 *
 * The type parameter is the type of x: constructors of flat data return `Dataset<tf.Tensor2D>`,
 * and everything that accepts data takes any `Dataset`.
 *
 * @typeParam X The tensor type of the inputs.
 */
export interface Dataset<X extends tf.Tensor = tf.Tensor> {
  /** A readable name, e.g. `"fashion-mnist 1000 (14×14)"`. */
  readonly name: string;
  /** Inputs, float32 [n, inputDim], or [n, ...inputShape] (e.g. [n, 32, 32, 3]) for images. */
  readonly x: X;
  /** Targets, encoded as `targets` says. */
  readonly y: tf.Tensor;
  /** The number of samples n. */
  readonly n: number;
  /** The features per sample (the product of `inputShape` for images). */
  readonly inputDim: number;
  /**
   * The shape of one sample when it is not a flat vector: `[height, width, channels]` for
   * images, whose x is then [n, height, width, channels]. Absent: `[inputDim]`.
   */
  readonly inputShape?: readonly number[];
  /** The output width a model needs: classes for one-hot or integer targets, 1 for signed. */
  readonly outputDim: number;
  /** Classification (labels) or regression (real targets). */
  readonly task: "classification" | "regression";
  /** The target encoding. */
  readonly targets: TargetEncoding;
  /** The number of classes (classification only). */
  readonly numClasses?: number;
  /** The class of each sample, 0..k−1 (classification only; for signed targets −1 → 0, +1 → 1). */
  readonly labels?: Int32Array;
  /** Where the data came from: source, seed, sizes, options. */
  readonly info: DatasetInfo;
  /** A held-out test set drawn disjointly from the same source, when one was asked for. */
  readonly test?: Dataset<X>;
  /** Frees the tensors of this dataset and of its test set. */
  dispose(): void;
}
