import type { ProgressCallback } from "../_types.ts";
import { lanczos, powerIteration, type VectorLocation } from "../linalg/mod.ts";
import type { Seed } from "../random/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import { hessianOperator, type HessianOptions } from "./hessian_operator.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode sharpness}. */
export interface SharpnessOptions extends HessianOptions {
  /**
   * `"lanczos"` (Lanczos with full re-orthogonalization) or `"power"` (power iteration, which
   * finds the eigenvalue of largest magnitude: the sharpness when the spectrum is not dominated
   * by negative curvature).
   * @default {"lanczos"}
   */
  method?: "lanczos" | "power";
  /**
   * Hessian-vector products at most.
   * @default {min(d, 75) for Lanczos with blocks of 2 (min(d, 50) for 1), 100 for power iteration}
   */
  maxIterations?: number;
  /**
   * Relative residual at which to stop, ‖Hv − λv‖ ≤ tol·|λ|, the residual including the float32
   * product error (about 1–2 float32 ulps of ‖H‖, bounded by 4·2⁻²³·‖H‖). A tolerance below
   * 4 times that bound (≈ 1.9e-6) cannot be met and is raised to it, with a warning.
   * @default {1e-3}
   */
  tol?: number;
  /**
   * Seed of the random start vector.
   * @default {0}
   */
  seed?: Seed;
  /**
   * A start vector, e.g. the previous measurement's `vector` when tracking sharpness during
   * training (a warm start converges in a few products). With Lanczos in blocks of two (the
   * default) a random vector joins it, so a top eigenvector it misses (after two eigenvalues
   * cross) is still found.
   */
  startVector?: ArrayLike<number>;
  /**
   * Lanczos only: vectors per step. 2 (the start vector, or a random one, and a random one) keeps
   * a top eigenvector that the start vector misses from being skipped; 1 is the classical
   * single-vector Lanczos (see `lanczos`).
   * @default {2}
   */
  blockSize?: number;
  /**
   * Lanczos only: after convergence, rerun in the complement of what was found until nothing
   * new enters, so a repeated top eigenvalue is certain to be the top (see `lanczos`).
   * @default {false}
   */
  detectMultiplicity?: boolean;
  /**
   * Lanczos only: `"device"` keeps the Lanczos vectors as tensors on the backend, reading back
   * only small coefficient matrices per step (for accelerators); `"host"` uses float64 arrays.
   * @default {the operator's `preferredVectors`: "device" for a Hessian operator on WebGPU, else "host"}
   */
  vectors?: VectorLocation;
  /** Called after every Hessian-vector product. Silent by default. */
  onProgress?: ProgressCallback;
}

/** The sharpness and how it was found. */
export interface SharpnessResult {
  /** a = λ_max(H). */
  value: number;
  /** The unit top eigenvector (flattened like `flattenParams`). */
  vector: Float64Array;
  /**
   * A bound on ‖Hv − λv‖ for the exact Hessian H: the residual of the float32 products as
   * computed plus their error (4·2⁻²³·‖H‖). The exact top eigenvalue is within this of `value`
   * when the result is trusted.
   */
  residual: number;
  /** Hessian-vector products used. */
  iterations: number;
  /** Whether the residual met the tolerance. */
  converged: boolean;
  /**
   * Converged, and nothing suggests that a larger eigenvalue was skipped: Lanczos stopped on its
   * rule (see `lanczos` for the measured miss rates by block size). Power iteration is trusted
   * when it converged from a random start; from a `startVector` it may converge to the second
   * eigenvalue if the start vector misses the first, so it is not.
   */
  trusted: boolean;
  /** Why the result is not trusted, or what was changed (e.g. a raised tolerance). */
  warnings: string[];
  /** The method used. */
  method: "lanczos" | "power";
  /** The samples the loss was averaged over. */
  samples: number;
}

/**
 * The sharpness a = λ_max(∇²L(θ)), the top eigenvalue of the loss Hessian, from exact
 * Hessian-vector products (see {@linkcode hessianOperator}) by Lanczos or power iteration.
 * Linear stability of GD at step η needs a ≤ 2/η; at the edge of stability a hovers near 2/η.
 *
 * @see Wu, Ma, E, NeurIPS 2018; Cohen et al., "Gradient descent on neural networks typically
 * occurs at the edge of stability", arXiv:2103.00065.
 *
 * @example A linear model with MSE: H = mean xxᵀ, whose top eigenvalue is known
 * ```ts
 * import { createDataset, mlp, mse, sharpness, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * // Inputs (2, 0) and (0, 1): H = diag(4, 1)/2, so a = 2.
 * const data = createDataset([[2, 0], [0, 1]], [[0], [0]]);
 * const model = mlp([2, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[0.3], [-0.2]])];
 * const { value } = await sharpness({ model, loss: mse, data, params });
 * assert.ok(Math.abs(value - 2) < 1e-5);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Method, tolerance, start vector, subset and chunk size.
 * @returns The value with its eigenvector, residual and convergence.
 */
export async function sharpness(
  point: ObjectivePoint,
  options: SharpnessOptions = {},
): Promise<SharpnessResult> {
  checkCall("sharpness", arguments);
  const method = options.method ?? "lanczos";
  if (method !== "lanczos" && method !== "power") {
    throw new TypeError(
      `Cannot measure the sharpness: method must be "lanczos" or "power", current value is ${
        JSON.stringify(method)
      }`,
    );
  }
  if (method === "power") {
    for (const name of ["blockSize", "detectMultiplicity"] as const) {
      if (options[name] !== undefined) {
        throw new TypeError(
          `Cannot measure the sharpness: ${name} applies to method "lanczos" only, not "power"`,
        );
      }
    }
  }
  const op = hessianOperator(point, options);
  try {
    const common = {
      tol: options.tol ?? 1e-3,
      seed: options.seed,
      startVector: options.startVector,
      onProgress: options.onProgress,
    };
    if (method === "lanczos") {
      const r = await lanczos(op, {
        ...common,
        k: 1,
        maxIterations: options.maxIterations,
        blockSize: options.blockSize,
        detectMultiplicity: options.detectMultiplicity,
        vectors: options.vectors,
      });
      return {
        value: r.values[0],
        vector: r.vectors[0],
        residual: r.residuals[0],
        iterations: r.iterations,
        converged: r.converged,
        trusted: r.trusted,
        warnings: r.warnings,
        method,
        samples: op.samples,
      };
    }
    const r = await powerIteration(op, {
      ...common,
      k: 1,
      maxIterations: options.maxIterations ?? 100,
      vectors: options.vectors,
    });
    return {
      value: r.values[0],
      vector: r.vectors[0],
      residual: r.residuals[0],
      iterations: r.iterations,
      converged: r.converged,
      trusted: r.trusted,
      warnings: r.warnings,
      method,
      samples: op.samples,
    };
  } finally {
    op.dispose();
  }
}
