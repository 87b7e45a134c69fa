import type { Dataset } from "../data/mod.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode condensationRate}. */
export interface CondensationRateOptions {
  /**
   * The negative slope α of φ(z) = max(z, αz): 0 for ReLU.
   * @default {0}
   */
  alpha?: number;
  /** The residuals rᵢ the neurons see; by default the targets (see `condensationDirection`). */
  residuals?: ArrayLike<number>;
}

/**
 * The small-initialization growth rate D(u) = (1/n) Σᵢ rᵢ φ(u·xᵢ) of a neuron pointing along each
 * given direction u (normalized inside): under gradient flow on the square loss a neuron that
 * keeps its direction has its output weight and norm grow like e^{|D(u)| t} (with the sign of its
 * output weight matching that of D). `condensationDirection` finds the largest; this evaluates
 * the rate at given directions, e.g. the neurons' initial ones, to compare.
 *
 * @see Wang, Ma, "Understanding multi-phase optimization dynamics and rich nonlinear behaviors of
 * ReLU networks", NeurIPS 2023, arXiv 2305.12467.
 *
 * @example
 * ```ts
 * import { condensationRate, createDataset } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1, 0], [0, 1]], [[1], [-1]]);
 * const rates = await condensationRate(data, [[1, 0], [0, 2], [1, 1]]);
 * assert.deepEqual(rates.map((r) => Math.round(r * 1e9) / 1e9), [0.5, -0.5, 0]);
 * data.dispose();
 * ```
 *
 * @param data A data set with one target per sample.
 * @param directions The directions u, each of length inputDim.
 * @param options The activation's negative slope and the residuals.
 * @returns D(u) for each direction.
 */
export async function condensationRate(
  data: Dataset,
  directions: readonly ArrayLike<number>[],
  options: CondensationRateOptions = {},
): Promise<number[]> {
  checkCall("condensationRate", arguments);
  const what = "Cannot compute the condensation rate";
  if (!data || typeof data !== "object" || !data.x || typeof data.n !== "number") {
    throw new TypeError(`${what}: data must be a Dataset, current value is ${data}`);
  }
  if (data.x.isDisposed || data.y?.isDisposed) {
    throw new TypeError(
      `${what}: data is disposed (its dispose() was called, which frees its tensors); load or create the dataset again, or dispose it only after its last use`,
    );
  }
  if (data.outputDim !== 1 || (data.targets !== "real" && data.targets !== "signed")) {
    throw new TypeError(
      `${what}: the data must have one real or signed target per sample, current targets are ${
        JSON.stringify(data.targets)
      } with ${data.outputDim} outputs`,
    );
  }
  const alpha = options.alpha ?? 0;
  if (!(alpha >= 0 && alpha < 1)) {
    throw new RangeError(`${what}: alpha must be in [0, 1), current value is ${alpha}`);
  }
  const n = data.n, d = data.inputDim;
  const X = await data.x.data();
  const r = Float64Array.from(options.residuals ?? await data.y.data());
  if (r.length !== n || !r.every(Number.isFinite)) {
    throw new RangeError(
      `${what}: residuals must hold ${n} finite numbers (one per sample), current length is ${r.length}`,
    );
  }
  return directions.map((u, k) => {
    let norm = 0;
    for (let j = 0; j < u.length; j++) norm += u[j] * u[j];
    norm = Math.sqrt(norm);
    if (u.length !== d || !(norm > 0)) {
      throw new RangeError(
        `${what}: direction ${k} must be a non-zero vector of length ${d}, current length is ${u.length}`,
      );
    }
    let s = 0;
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += u[j] * X[i * d + j];
      z /= norm;
      s += r[i] * (z > 0 ? z : alpha * z);
    }
    return s / n;
  });
}
