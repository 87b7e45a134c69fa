import type { ProgressCallback } from "../_types.ts";
import { lanczos, type LanczosWhich, type VectorLocation } from "../linalg/mod.ts";
import type { Seed } from "../random/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import { hessianOperator, type HessianOptions } from "./hessian_operator.ts";
import { checkCall } from "../_checks.ts";

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
   * @default {Math.min(d, ⌈max(50, 3k + 20)·(b + 1)/2⌉) for block size b}
   */
  maxIterations?: number;
  /**
   * Relative residual at which a pair counts as converged, ‖Hv − λv‖ ≤ tol·‖H‖, the residual
   * including the float32 product error (bounded by 4·2⁻²³·‖H‖); a tolerance below 4 times that
   * (≈ 1.9e-6) is raised to it, with a warning.
   * @default {1e-3}
   */
  tol?: number;
  /**
   * Vectors per Lanczos step: 2 keeps an eigenvector that one random start vector nearly misses
   * from being skipped (0 misses in 4,800 seeded runs on exact Hessians, against 20 with 1; see
   * `lanczos`).
   * @default {2}
   */
  blockSize?: number;
  /**
   * Rerun in the complement of what was found until nothing new enters the top k, so that every
   * copy of a repeated eigenvalue is returned. It also happens by itself when the top k hold a
   * cluster of `blockSize` equal values followed by smaller ones.
   * @default {false}
   */
  detectMultiplicity?: boolean;
  /**
   * `"device"` keeps the Lanczos vectors as tensors on the backend (small coefficient matrices
   * read back per step); `"host"` uses float64 arrays.
   * @default {the operator's `preferredVectors`: "device" for a Hessian operator on WebGPU, else "host"}
   */
  vectors?: VectorLocation;
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
  /**
   * Bounds on ‖Hv − λv‖ for the exact Hessian: each pair's residual with float32 products plus
   * their error. Each value is within its residual of an eigenvalue of H.
   */
  residuals: Float64Array;
  /** Whether all pairs converged. */
  converged: boolean;
  /**
   * Converged, and nothing suggests a skipped eigenvalue or a missing copy of a repeated one
   * (the runs stopped on their rule, any cluster that could hide a copy was checked).
   */
  trusted: boolean;
  /** Why the result is not trusted, or what was changed (e.g. a raised tolerance). */
  warnings: string[];
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
  checkCall("topHessianEigenvalues", arguments);
  const op = hessianOperator(point, options);
  try {
    const k = options.k ?? 5;
    if (!Number.isInteger(k) || k < 1 || k > op.dim) {
      throw new RangeError(
        `Cannot compute the top Hessian eigenvalues: k must be an integer in [1, ${op.dim}] (the parameter count), current value is ${k}`,
      );
    }
    const r = await lanczos(op, {
      k,
      which: options.which,
      maxIterations: options.maxIterations,
      tol: options.tol ?? 1e-3,
      seed: options.seed,
      blockSize: options.blockSize,
      detectMultiplicity: options.detectMultiplicity,
      vectors: options.vectors,
      onProgress: options.onProgress,
    });
    return {
      values: r.values,
      vectors: r.vectors,
      residuals: r.residuals,
      converged: r.converged,
      trusted: r.trusted,
      warnings: r.warnings,
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
