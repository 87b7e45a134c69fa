import { tf } from "../backend/mod.ts";
import type { Dataset, DatasetInfo, TargetEncoding } from "./types.ts";

/** Everything a dataset is built from, already validated, in plain arrays. */
export interface DatasetParts {
  name: string;
  x: Float32Array;
  n: number;
  inputDim: number;
  /** The shape of one sample when it is not flat, e.g. [h, w, c]; its product is inputDim. */
  inputShape?: readonly number[];
  targets: TargetEncoding;
  /** Class labels 0..k−1 (classification). */
  labels?: Int32Array;
  numClasses?: number;
  /** Real targets [n, m] row-major (regression). */
  values?: Float32Array;
  valueDim?: number;
  info: DatasetInfo;
  test?: Dataset<tf.Tensor>;
}

/**
 * Builds a dataset's tensors from validated parts: x is [n, inputDim], or [n, ...inputShape]
 * when the parts give one (X names that tensor type for the caller).
 */
export function makeDataset<X extends tf.Tensor = tf.Tensor2D>(parts: DatasetParts): Dataset<X> {
  const { n, inputDim, targets, inputShape } = parts;
  const x = tf.tensor(
    parts.x,
    inputShape ? [n, ...inputShape] : [n, inputDim],
    "float32",
  ) as X;
  let y: tf.Tensor;
  let outputDim: number;
  if (targets === "real") {
    outputDim = parts.valueDim!;
    y = tf.tensor2d(parts.values!, [n, outputDim], "float32");
  } else {
    const labels = parts.labels!;
    const k = parts.numClasses!;
    if (targets === "integer") {
      y = tf.tensor1d(labels, "int32");
      outputDim = k;
    } else if (targets === "one-hot") {
      const oneHot = new Float32Array(n * k);
      for (let i = 0; i < n; i++) oneHot[i * k + labels[i]] = 1;
      y = tf.tensor2d(oneHot, [n, k], "float32");
      outputDim = k;
    } else {
      const signed = new Float32Array(n);
      for (let i = 0; i < n; i++) signed[i] = labels[i] === 1 ? 1 : -1;
      y = tf.tensor2d(signed, [n, 1], "float32");
      outputDim = 1;
    }
  }
  const test = parts.test;
  const dataset: Dataset<X> = {
    name: parts.name,
    x,
    y,
    n,
    inputDim,
    ...(inputShape ? { inputShape: Object.freeze([...inputShape]) } : {}),
    outputDim,
    task: targets === "real" ? "regression" : "classification",
    targets,
    ...(targets === "real" ? {} : { numClasses: parts.numClasses, labels: parts.labels }),
    info: Object.freeze({ ...parts.info }),
    ...(test ? { test: test as Dataset<X> } : {}),
    dispose() {
      x.dispose();
      y.dispose();
      test?.dispose();
    },
  };
  return Object.freeze(dataset);
}

/** Checks a target encoding name. */
export function checkTargets(what: string, targets: unknown, allowed: readonly TargetEncoding[]) {
  if (!allowed.includes(targets as TargetEncoding)) {
    throw new TypeError(
      `Cannot ${what}: targets must be one of ${
        allowed.map((t) => `"${t}"`).join(", ")
      }, current value is ${JSON.stringify(targets)}`,
    );
  }
}

/** Checks a non-negative (or positive) integer option. */
export function checkCount(what: string, name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be ${
        min === 0
          ? "a non-negative integer"
          : min === 1
          ? "a positive integer"
          : `an integer ≥ ${min}`
      }, current value is ${value}`,
    );
  }
}

/** Checks a seed the way Rng would, with a message naming the function. */
export function checkSeed(what: string, seed: unknown): void {
  if (typeof seed === "string") return;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0) {
    throw new TypeError(
      `Cannot ${what}: seed must be a non-negative integer or a string, current value is ${seed}`,
    );
  }
}
