import type { ProgressCallback } from "../_types.ts";
import { lanczos, type LanczosWhich } from "../linalg/mod.ts";
import type { Seed } from "../random/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import { hessianOperator, type HessianOptions } from "./hessian_operator.ts";

/** Options for {@linkcode topHessianEigenvalues}. */
export interface TopHessianEigenvaluesOptions extends HessianOptions {
  /**
   * How many eigenpairs.
   * @default {5}
   */
  k?: number;
  /**
   * `"largest"` (the top of the spectrum), `"smallest"` (the most negative curvature) or
   * `"magnitude"`.
   * @default {"largest"}
   */
  which?: LanczosWhich;
  /**
   * Hessian-vector products per Lanczos run at most.
   * @default {Math.min(d, max(50, 3k + 20))}
   */
  maxIterations?: number;
  /**
   * Relative residual at which a pair counts as converged.
   * @default {1e-3}
   */
  tol?: number;
  /**
   * Seed of the start vector.
   * @default {0}
   */
  seed?: Seed;
  /** Called after every Hessian-vector product. Silent by default. */
  onProgress?: ProgressCallback;
}

/** Eigenpairs of the Hessian. */
export interface TopHessianEigenvaluesResult {
  /** Eigenvalues, from the wanted end inwards (descending for "largest"). */
  values: Float64Array;
  /** Unit eigenvectors, flattened like `flattenParams`. */
  vectors: Float64Array[];
  /** ‖Hv − λv‖ of each pair. */
  residuals: Float64Array;
  /** Whether all pairs converged. */
  converged: boolean;
  /** Hessian-vector products used. */
  iterations: number;
  /** The samples the loss was averaged over. */
  samples: number;
  /** The pairs as flat rows { index, eigenvalue, residual } for a table or plot. */
  rows: { index: number; eigenvalue: number; residual: number }[];
}

/**
 * The k extreme eigenpairs of the loss Hessian ∇²L(θ) by Lanczos on exact Hessian-vector
 * products: the top of the spectrum (a few outliers, about one per class, then a bulk near 0).
 *
 * @see Sagun et al., "Empirical analysis of the Hessian of over-parametrized neural networks", arXiv:1706.04454.
 *
 * @example The two curvatures of a linear least-squares problem
 * ```ts
 * import { createDataset, mlp, mse, tf, topHessianEigenvalues } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[2, 0], [0, 1]], [[0], [0]]);
 * const model = mlp([2, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[0.3], [-0.2]])];
 * const { values } = await topHessianEigenvalues({ model, loss: mse, data, params }, { k: 2 });
 * assert.ok(Math.abs(values[0] - 2) < 1e-5 && Math.abs(values[1] - 0.5) < 1e-5);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options k, which end, tolerance, subset and chunk size.
 * @returns Eigenvalues, eigenvectors, residuals and rows.
 */
export async function topHessianEigenvalues(
  point: ObjectivePoint,
  options: TopHessianEigenvaluesOptions = {},
): Promise<TopHessianEigenvaluesResult> {
  const op = hessianOperator(point, options);
  try {
    const k = options.k ?? 5;
    const r = await lanczos(op, {
      k,
      which: options.which,
      maxIterations: options.maxIterations,
      tol: options.tol ?? 1e-3,
      seed: options.seed,
      onProgress: options.onProgress,
    });
    return {
      values: r.values,
      vectors: r.vectors,
      residuals: r.residuals,
      converged: r.converged,
      iterations: r.iterations,
      samples: op.samples,
      rows: Array.from(r.values, (v, i) => ({
        index: i + 1,
        eigenvalue: v,
        residual: r.residuals[i],
      })),
    };
  } finally {
    op.dispose();
  }
}
