import type { ProgressCallback } from "../_types.ts";
import {
  stochasticLanczosQuadrature,
  type StochasticLanczosQuadratureResult,
  type VectorLocation,
} from "../linalg/mod.ts";
import type { Seed } from "../random/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import { hessianOperator, type HessianOptions } from "./hessian_operator.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode hessianSpectralDensity}. */
export interface HessianSpectralDensityOptions extends HessianOptions {
  /**
   * Independent probes (Lanczos runs) averaged.
   * @default {4}
   */
  probes?: number;
  /**
   * Lanczos steps per probe.
   * @default {Math.min(d, 40)}
   */
  steps?: number;
  /** The Gaussian broadening σ (default: 1% of the spectral range found). */
  sigma?: number;
  /**
   * Grid points of the density.
   * @default {512}
   */
  gridSize?: number;
  /** The grid's [lower, upper] ends (default: the nodes' range ± 5σ). */
  range?: [number, number];
  /**
   * Seed of the probes.
   * @default {0}
   */
  seed?: Seed;
  /**
   * `"device"` keeps the Lanczos vectors as tensors on the backend (small coefficient matrices
   * read back per step); `"host"` uses float64 arrays.
   * @default {the operator's `preferredVectors`: "device" for a Hessian operator on WebGPU, else "host"}
   */
  vectors?: VectorLocation;
  /** Called after every Lanczos step of all probes (one batched pass). Silent by default. */
  onProgress?: ProgressCallback;
}

/** The density with the quadrature it came from. */
export interface HessianSpectralDensityResult extends StochasticLanczosQuadratureResult {
  /** The samples the loss was averaged over. */
  samples: number;
}

/**
 * The spectral density of the loss Hessian, φ(λ) = (1/d) Σᵢ δ(λ − λᵢ) broadened by a Gaussian,
 * by stochastic Lanczos quadrature on exact Hessian-vector products; `density` is flat rows
 * { lambda, density } for a plot.
 *
 * @see Ghorbani, Krishnan, Xiao, "An investigation into neural net optimization via Hessian
 * eigenvalue density", arXiv:1901.10159.
 *
 * @example Two eigenvalues, 2 and 0.5, each with half the mass
 * ```ts
 * import { createDataset, hessianSpectralDensity, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[2, 0], [0, 1]], [[0], [0]]);
 * const model = mlp([2, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[0.3], [-0.2]])];
 * const r = await hessianSpectralDensity({ model, loss: mse, data, params }, { probes: 2 });
 * const nodes = Array.from(r.nodes[0]).map((v) => Math.round(v * 1e4) / 1e4);
 * assert.deepEqual(nodes, [0.5, 2]);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Probes, steps, broadening, grid, seed, subset and chunk size.
 * @returns The density rows, nodes and weights.
 */
export async function hessianSpectralDensity(
  point: ObjectivePoint,
  options: HessianSpectralDensityOptions = {},
): Promise<HessianSpectralDensityResult> {
  checkCall("hessianSpectralDensity", arguments);
  const op = hessianOperator(point, options);
  try {
    const r = await stochasticLanczosQuadrature(op, {
      probes: options.probes ?? 4,
      steps: options.steps ?? Math.min(op.dim, 40),
      sigma: options.sigma,
      gridSize: options.gridSize,
      range: options.range,
      seed: options.seed,
      vectors: options.vectors,
      onProgress: options.onProgress,
    });
    return { ...r, samples: op.samples };
  } finally {
    op.dispose();
  }
}
