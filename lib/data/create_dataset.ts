import { checkTargets, makeDataset } from "./_make_dataset.ts";
import type { tf } from "../backend/mod.ts";
import type { Dataset, DatasetInfo, TargetEncoding } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** A matrix given as rows, or as flat values with a shape. */
export type MatrixLike =
  | readonly (readonly number[])[]
  | { values: ArrayLike<number>; shape: readonly [number, number] };

/** Options for {@linkcode createDataset}. */
export interface CreateDatasetOptions {
  /**
   * How `y` is read and encoded: `"real"`: y is a matrix [n, m] (or a vector, taken as [n, 1]) of
   * regression targets; `"one-hot"`, `"integer"`, `"signed"`: y is a vector of class labels
   * 0..k−1 (for `"signed"`, ±1 or 0/1), stored in that encoding.
   * @default {"real"}
   */
  targets?: TargetEncoding;
  /**
   * The number of classes k (classification); by default 1 + the largest label.
   */
  numClasses?: number;
  /**
   * A name for tables and legends.
   * @default {"data"}
   */
  name?: string;
  /** Extra facts to keep in `info`. */
  info?: DatasetInfo;
}

/**
 * A dataset from plain arrays, validated: finite values only, matching sample counts, labels in
 * range. NaN or an infinity anywhere is a TypeError naming the sample and feature.
 *
 * @example A regression set and a labelled one
 * ```ts
 * import { createDataset } from "minima";
 * import assert from "node:assert/strict";
 *
 * const reg = createDataset([[0, 1], [2, 3]], [0.5, -1]);
 * assert.deepEqual(reg.y.shape, [2, 1]);
 * const cls = createDataset([[0], [1], [2]], [0, 2, 1], { targets: "integer" });
 * assert.equal(cls.numClasses, 3);
 * assert.throws(() => createDataset([[NaN]], [0]), TypeError);
 * reg.dispose();
 * cls.dispose();
 * ```
 *
 * @param x Inputs [n, d], as rows or `{ values, shape }`.
 * @param y Targets: a matrix [n, m] or vector [n] (see `targets`).
 * @param options Encoding, classes, name.
 * @returns The dataset; dispose it when done.
 */
export function createDataset(
  x: MatrixLike,
  y: MatrixLike | readonly number[] | ArrayLike<number>,
  options: CreateDatasetOptions = {},
): Dataset<tf.Tensor2D> {
  checkCall("createDataset", arguments);
  const what = "create the dataset";
  const targets = options.targets ?? "real";
  checkTargets(what, targets, ["real", "one-hot", "integer", "signed"]);
  const xs = toMatrix(x, "x");
  if (y === null || typeof y !== "object" || (!isMatrix(y) && typeof y.length !== "number")) {
    throw new TypeError(
      `Cannot ${what}: y must be targets (an array of numbers, rows, or { values, shape }), current value is ${
        describe(y)
      }`,
    );
  }
  const n = xs.rows;
  if (n < 1) {
    throw new RangeError(`Cannot ${what}: x must have at least one sample, current count is 0`);
  }
  checkFinite(xs.values, xs.cols, "x");
  const base = { name: options.name ?? "data", x: xs.values, n, inputDim: xs.cols };
  const info = { source: "arrays", ...(options.info ?? {}) };
  if (targets === "real") {
    const ys = isMatrix(y) ? toMatrix(y, "y") : toMatrix({ values: y, shape: [y.length, 1] }, "y");
    if (ys.rows !== n) {
      throw new TypeError(
        `Cannot ${what}: y must have one row per sample of x (${n}), current count is ${ys.rows}`,
      );
    }
    checkFinite(ys.values, ys.cols, "y");
    return makeDataset({ ...base, targets, values: ys.values, valueDim: ys.cols, info });
  }
  if (isMatrix(y)) {
    throw new TypeError(
      `Cannot ${what}: with targets "${targets}", y must be a vector of class labels, current value is a matrix; pass labels 0..k−1`,
    );
  }
  const raw = Array.from(y as ArrayLike<number>);
  if (raw.length !== n) {
    throw new TypeError(
      `Cannot ${what}: y must have one label per sample of x (${n}), current count is ${raw.length}`,
    );
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let v = raw[i];
    if (targets === "signed" && v === -1) v = 0;
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(
        `Cannot ${what}: labels must be integers 0..k−1${
          targets === "signed" ? " or ±1" : ""
        }, current label of sample ${i} is ${raw[i]}`,
      );
    }
    labels[i] = v;
  }
  const maxLabel = labels.reduce((m, v) => Math.max(m, v), 0);
  const k = options.numClasses ?? (targets === "signed" ? 2 : maxLabel + 1);
  if (!Number.isInteger(k) || k < 2 || maxLabel >= k || (targets === "signed" && k !== 2)) {
    throw new RangeError(
      `Cannot ${what}: numClasses must be an integer ≥ 2 above every label (largest ${maxLabel})${
        targets === "signed" ? " and 2 for signed targets" : ""
      }, current value is ${k}`,
    );
  }
  return makeDataset({ ...base, targets, labels, numClasses: k, info });
}

function isMatrix(m: unknown): m is MatrixLike {
  return (Array.isArray(m) && m.length > 0 && Array.isArray(m[0])) ||
    (typeof m === "object" && m !== null && "shape" in m && "values" in m);
}

function toMatrix(
  m: MatrixLike,
  name: string,
): { values: Float32Array; rows: number; cols: number } {
  const form = `${name} must be rows (an array of arrays of numbers) or { values, shape }`;
  if (
    !Array.isArray(m) &&
    (m === null || typeof m !== "object" || !("values" in m) || !("shape" in m) ||
      !Array.isArray(m.shape) || typeof m.values?.length !== "number")
  ) {
    throw new TypeError(`Cannot create the dataset: ${form}, current value is ${describe(m)}`);
  }
  if (Array.isArray(m)) {
    const rows = m.length;
    if (rows > 0 && !Array.isArray(m[0])) {
      throw new TypeError(
        `Cannot create the dataset: ${form}, current ${name}[0] is ${
          describe(m[0])
        }; write one feature per sample as [[a], [b], ...]`,
      );
    }
    const cols = rows > 0 ? (m[0] as number[]).length : 0;
    if (rows > 0 && cols === 0) {
      throw new RangeError(
        `Cannot create the dataset: ${name} must have at least one feature, current row 0 is empty`,
      );
    }
    const values = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = m[i] as readonly number[];
      if (!Array.isArray(row) || row.length !== cols) {
        throw new TypeError(
          `Cannot create the dataset: every row of ${name} must have ${cols} entries like the first, row ${i} has ${
            Array.isArray(row) ? row.length : "none"
          }`,
        );
      }
      for (let j = 0; j < cols; j++) values[i * cols + j] = checkNumber(row[j], name, i, j);
    }
    return { values, rows, cols };
  }
  const { values, shape } = m as { values: ArrayLike<number>; shape: readonly [number, number] };
  const [rows, cols] = shape;
  if (
    !Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 1 ||
    values.length !== rows * cols
  ) {
    throw new TypeError(
      `Cannot create the dataset: ${name}.values must have shape[0]·shape[1] entries, current shape is [${shape}] and length ${values.length}`,
    );
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    out[i] = checkNumber(values[i], name, Math.floor(i / cols), i % cols);
  }
  return { values: out, rows, cols };
}

function checkNumber(v: unknown, name: string, i: number, j: number): number {
  if (typeof v !== "number") {
    throw new TypeError(
      `Cannot create the dataset: ${name} must hold numbers, sample ${i} feature ${j} is ${
        JSON.stringify(v)
      }`,
    );
  }
  return v;
}

function checkFinite(values: Float32Array, cols: number, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new TypeError(
        `Cannot create the dataset: ${name} must be finite, sample ${
          Math.floor(i / cols)
        } feature ${i % cols} is ${values[i]}; remove or impute it`,
      );
    }
  }
}

/** A value for a message: JSON when it has one, short. */
function describe(v: unknown): string {
  if (v === undefined || typeof v === "function") return String(v);
  try {
    const text = JSON.stringify(v);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return Object.prototype.toString.call(v);
  }
}
