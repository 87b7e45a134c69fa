import type { ProgressCallback } from "../_types.ts";
import { hutchinsonTrace, hutchPlusPlusTrace, type VectorLocation } from "../linalg/mod.ts";
import type { Seed } from "../random/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import { hessianOperator, type HessianOptions } from "./hessian_operator.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode hessianTrace}. */
export interface HessianTraceOptions extends HessianOptions {
  /**
   * `"hutch++"` (a low-rank sketch plus Hutchinson on the rest: far less variance when a few
   * eigenvalues dominate, as in trained networks) or `"hutchinson"` (Rademacher probes).
   * @default {"hutch++"}
   */
  method?: "hutch++" | "hutchinson";
  /**
   * Hessian-vector products to spend (at least 6 for Hutch++, 2 for Hutchinson).
   * @default {60}
   */
  matvecs?: number;
  /**
   * Seed of the probes.
   * @default {0}
   */
  seed?: Seed;
  /**
   * `"device"` keeps the probes as tensors on the backend (only inner products read back);
   * `"host"` uses float64 arrays.
   * @default {the operator's `preferredVectors`: "device" for a Hessian operator on WebGPU, else "host"}
   */
  vectors?: VectorLocation;
  /** Called after every batch of Hessian-vector products. Silent by default. */
  onProgress?: ProgressCallback;
}

/** A trace estimate. */
export interface HessianTraceResult {
  /** The estimate of tr(H). */
  value: number;
  /**
   * Its standard error, from the spread of the probes: (value − tr H)/standardError is close
   * to a standard normal (checked over seeds against exact Hessians; for Hutch++ the sketched
   * part is exact given the sketch and the error is that of the residual part).
   */
  standardError: number;
  /** Hessian-vector products used. */
  matvecs: number;
  /** The estimator. */
  method: "hutch++" | "hutchinson";
  /** The samples the loss was averaged over. */
  samples: number;
}

/**
 * The trace of the loss Hessian, tr ∇²L(θ) = Σᵢ λᵢ, by Hutch++ or Hutchinson's estimator
 * E[zᵀHz] on exact Hessian-vector products. At an interpolating minimum of the square loss it is
 * the flatness measure of the input-smoothness bound (docs/papers.md, notebook 02).
 *
 * @see Meyer, Musco, Musco, Woodruff, "Hutch++: optimal stochastic trace estimation", arXiv:2010.09649.
 *
 * @example tr H = (4 + 1)/2 for the linear problem with inputs (2, 0) and (0, 1)
 * H is diagonal here, so every Rademacher probe gives zᵀHz = tr H exactly.
 * ```ts
 * import { createDataset, hessianTrace, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[2, 0], [0, 1]], [[0], [0]]);
 * const model = mlp([2, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[0.3], [-0.2]])];
 * const point = { model, loss: mse, data, params };
 * const { value } = await hessianTrace(point, { method: "hutchinson", matvecs: 4 });
 * assert.ok(Math.abs(value - 2.5) < 1e-5);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Estimator, budget, seed, subset and chunk size.
 * @returns The estimate and its standard error.
 */
export async function hessianTrace(
  point: ObjectivePoint,
  options: HessianTraceOptions = {},
): Promise<HessianTraceResult> {
  checkCall("hessianTrace", arguments);
  const method = options.method ?? "hutch++";
  if (method !== "hutch++" && method !== "hutchinson") {
    throw new TypeError(
      `Cannot estimate the Hessian trace: method must be "hutch++" or "hutchinson", current value is ${
        JSON.stringify(method)
      }`,
    );
  }
  const op = hessianOperator(point, options);
  try {
    const matvecs = options.matvecs ?? 60;
    if (method === "hutch++") {
      const r = await hutchPlusPlusTrace(op, {
        matvecs,
        seed: options.seed,
        vectors: options.vectors,
        onProgress: options.onProgress,
      });
      return {
        value: r.trace,
        standardError: r.standardError,
        matvecs: r.matvecs,
        method,
        samples: op.samples,
      };
    }
    const r = await hutchinsonTrace(op, {
      probes: matvecs,
      seed: options.seed,
      vectors: options.vectors,
      onProgress: options.onProgress,
    });
    return {
      value: r.trace,
      standardError: r.standardError,
      matvecs: r.probes,
      method,
      samples: op.samples,
    };
  } finally {
    op.dispose();
  }
}
