import type { Dataset } from "../data/mod.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode linearMaxMargin}. */
export interface LinearMaxMarginOptions {
  /**
   * Stop when the certified interval [lower, upper] for γ* has relative width below this.
   * @default {1e-10}
   */
  tol?: number;
  /**
   * Coordinate-ascent sweeps over the samples at most.
   * @default {100000}
   */
  maxSweeps?: number;
}

/** The max-margin linear classifier through the origin. */
export interface LinearMaxMarginResult {
  /** γ* (to within `tol`): the margin minᵢ yᵢ w·xᵢ of the returned unit direction. */
  margin: number;
  /** A certified upper bound on γ* (from the dual objective). */
  upperBound: number;
  /** The unit max-margin direction w⋆/‖w⋆‖. */
  direction: Float64Array;
  /** The samples with a positive dual weight (the support vectors). */
  supportVectors: number[];
  /** Sweeps used. */
  sweeps: number;
  /** Whether the interval met the tolerance. */
  converged: boolean;
}

/**
 * The hard-margin linear classifier through the origin, γ* = max_{‖w‖=1} minᵢ yᵢ w·xᵢ, in float64:
 * the limit direction of gradient descent (and of normalized GD and PRGD) on linearly separable
 * data with an exponentially tailed loss (Soudry et al.). It solves the SVM dual
 * max_{α≥0} Σαᵢ − ½‖Σαᵢyᵢxᵢ‖² by exact coordinate ascent; w = Σαᵢyᵢxᵢ gives the lower bound
 * minᵢ yᵢw·xᵢ/‖w‖ ≤ γ* and the dual value D the upper bound γ* ≤ 1/√(2D), so the result is
 * certified to the relative width `tol`.
 *
 * @see Soudry, Hoffer, Nacson, Gunasekar, Srebro, "The implicit bias of gradient descent on
 * separable data", JMLR 2018, arXiv 1710.10345.
 *
 * @example Two points: z = yx = (1, 1) and (1, 0), so the best unit w is (1, 0) with margin 1
 * ```ts
 * import { createDataset, linearMaxMargin } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1, 1], [-1, 0]], [1, -1], { targets: "signed" });
 * const r = await linearMaxMargin(data);
 * assert.ok(r.converged && Math.abs(r.margin - 1) < 1e-9);
 * // The margin is flat at the optimum, so the direction is known to about √tol.
 * assert.ok(Math.abs(r.direction[0] - 1) < 1e-4 && Math.abs(r.direction[1]) < 1e-4);
 * data.dispose();
 * ```
 *
 * @param data A data set with signed (±1) targets, linearly separable through the origin.
 * @param options Tolerance and sweep budget.
 * @returns The margin, its certificate and the direction.
 */
export async function linearMaxMargin(
  data: Dataset,
  options: LinearMaxMarginOptions = {},
): Promise<LinearMaxMarginResult> {
  checkCall("linearMaxMargin", arguments);
  const what = "find the max-margin linear classifier";
  if (!data || !data.x || data.targets !== "signed") {
    throw new TypeError(
      `Cannot ${what}: data must be a Dataset with signed (±1) targets, current targets are ${
        JSON.stringify(data?.targets)
      }`,
    );
  }
  const tol = options.tol ?? 1e-10;
  const maxSweeps = options.maxSweeps ?? 100000;
  if (!(tol > 0)) {
    throw new RangeError(`Cannot ${what}: tol must be a positive number, current value is ${tol}`);
  }
  if (!Number.isInteger(maxSweeps) || maxSweeps < 1) {
    throw new RangeError(
      `Cannot ${what}: maxSweeps must be a positive integer, current value is ${maxSweeps}`,
    );
  }
  const n = data.n, d = data.inputDim;
  const x = await data.x.data() as Float32Array;
  const labels = data.labels!;
  // zᵢ = yᵢxᵢ in float64.
  const z = new Float64Array(n * d);
  const zz = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = labels[i] === 1 ? 1 : -1;
    for (let j = 0; j < d; j++) {
      z[i * d + j] = y * x[i * d + j];
      zz[i] += z[i * d + j] ** 2;
    }
    if (zz[i] === 0) {
      throw new RangeError(
        `Cannot ${what}: sample ${i} is the origin, which no classifier through the origin separates`,
      );
    }
  }
  const alpha = new Float64Array(n);
  const w = new Float64Array(d);
  let lower = 0, upper = Infinity, sweeps = 0, converged = false;
  const bounds = () => {
    let ww = 0, sa = 0, qmin = Infinity;
    for (let j = 0; j < d; j++) ww += w[j] * w[j];
    for (let i = 0; i < n; i++) {
      sa += alpha[i];
      let q = 0;
      for (let j = 0; j < d; j++) q += z[i * d + j] * w[j];
      qmin = Math.min(qmin, q);
    }
    const dual = sa - 0.5 * ww;
    lower = ww > 0 ? qmin / Math.sqrt(ww) : 0;
    upper = dual > 0 ? 1 / Math.sqrt(2 * dual) : Infinity;
    return sa;
  };
  while (sweeps < maxSweeps) {
    sweeps++;
    for (let i = 0; i < n; i++) {
      let q = 0;
      for (let j = 0; j < d; j++) q += z[i * d + j] * w[j];
      const next = Math.max(0, alpha[i] + (1 - q) / zz[i]);
      const delta = next - alpha[i];
      if (delta !== 0) {
        alpha[i] = next;
        for (let j = 0; j < d; j++) w[j] += delta * z[i * d + j];
      }
    }
    if (sweeps % 10 === 0 || sweeps === maxSweeps) {
      const total = bounds();
      if (lower > 0 && upper - lower <= tol * lower) {
        converged = true;
        break;
      }
      // Separable data have a bounded dual; a diverging one means no separating direction.
      if (!(total < 1e12)) break;
    }
  }
  if (!converged && !(lower > 0)) {
    throw new RangeError(
      `Cannot ${what}: no direction through the origin separates the data after ${sweeps} sweeps, so they are most likely not linearly separable through the origin; check the labels or add a bias feature`,
    );
  }
  const norm = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
  return {
    margin: lower,
    upperBound: upper,
    direction: w.map((v) => v / norm),
    supportVectors: Array.from(alpha.keys()).filter((i) => alpha[i] > 0),
    sweeps,
    converged,
  };
}
