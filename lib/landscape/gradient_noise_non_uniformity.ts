import { tf } from "../backend/mod.ts";
import type { ProgressCallback } from "../_types.ts";
import { lanczos, type LinearOperator } from "../linalg/mod.ts";
import type { Seed } from "../random/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import {
  accumulate,
  checkChunkSize,
  checkPerSample,
  chunkHvp,
  chunkPerSampleHvp,
  DEFAULT_CHUNK_SIZE,
  makeChunks,
  PER_SAMPLE_BUDGET,
  splitChunk,
  tileParams,
  vectorToParams,
} from "./_autodiff.ts";
import { checkPoint } from "./_point.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode gradientNoiseNonUniformity}. */
export interface GradientNoiseNonUniformityOptions {
  /** The first `subset` samples, or these indices; by default all. */
  subset?: number | ArrayLike<number>;
  /**
   * Samples per batched per-sample pass; by default 2²²/d (the pass holds b·d entries per
   * parameter tensor a few times over).
   */
  chunkSize?: number;
  /**
   * Products with (1/n) Σᵢ Hᵢ² − H² at most (each costs two per-sample HVP passes over the
   * samples and two full HVPs).
   * @default {30}
   */
  maxIterations?: number;
  /**
   * Relative residual at which Lanczos stops.
   * @default {1e-3}
   */
  tol?: number;
  /**
   * Seed of the start vector.
   * @default {0}
   */
  seed?: Seed;
  /** A start vector (e.g. the previous measurement's `vector`). */
  startVector?: ArrayLike<number>;
  /** Called after every product. Silent by default. */
  onProgress?: ProgressCallback;
}

/** The non-uniformity and how it was found. */
export interface GradientNoiseNonUniformityResult {
  /** s = λ_max((1/n) Σᵢ Hᵢ² − H²)^{1/2}. */
  value: number;
  /** λ_max((1/n) Σᵢ Hᵢ² − H²) = s². */
  lambda: number;
  /** The unit top eigenvector. */
  vector: Float64Array;
  /** ‖Mv − λv‖ for the returned pair. */
  residual: number;
  /** Products used. */
  iterations: number;
  /** Whether the residual met the tolerance. */
  converged: boolean;
  /** The samples n. */
  samples: number;
}

/**
 * The non-uniformity of Wu, Ma and E, s = λ_max(Σ_H)^{1/2} with Σ_H = (1/n) Σᵢ Hᵢ² − H² ⪰ 0,
 * Hᵢ = ∇²ℓᵢ(θ) the per-sample Hessians and H their mean. SGD with batch B (drawn without
 * replacement) can stay at a minimum only if s ≤ (1/η)·√(B(n−1)/(n−B)) (and a ≤ 2/η): the batch
 * size bounds the non-uniformity as the learning rate bounds the sharpness.
 *
 * Each product Σ_H v needs Hᵢ(Hᵢv) for every sample: two per-sample Hessian-vector-product passes
 * (batched with per-sample parameters), plus H(Hv) from two full products. Lanczos finds the top
 * eigenvalue.
 *
 * @see Wu, Ma, E, "How SGD selects the global minima in over-parameterized learning", NeurIPS 2018.
 *
 * @example Two samples with curvatures 1 and 9 in one parameter: s² = (1 + 81)/2 − 25 = 16
 * ```ts
 * import { createDataset, gradientNoiseNonUniformity, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * // ℓᵢ = ½(w xᵢ)² has Hᵢ = xᵢ²: 1 and 9.
 * const data = createDataset([[1], [3]], [[0], [0]]);
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[0.5]])];
 * const { value } = await gradientNoiseNonUniformity({ model, loss: mse, data, params });
 * assert.ok(Math.abs(value - 4) < 1e-4);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Subset, Lanczos settings and chunk size.
 * @returns s, s², the eigenvector and convergence.
 */
export async function gradientNoiseNonUniformity(
  point: ObjectivePoint,
  options: GradientNoiseNonUniformityOptions = {},
): Promise<GradientNoiseNonUniformityResult> {
  checkCall("gradientNoiseNonUniformity", arguments);
  const what = "measure the non-uniformity";
  checkPoint(point, what);
  checkPerSample(point.model, what);
  const { model, loss, params } = point;
  const d = model.numParams;
  const pieceSize = options.chunkSize ?? Math.max(1, Math.floor(PER_SAMPLE_BUDGET / d));
  checkChunkSize(pieceSize, what);
  const chunks = makeChunks(point.data, options.subset, DEFAULT_CHUNK_SIZE, what, point.model);
  const n = chunks.n;
  const hvp = async (v: Float64Array): Promise<Float64Array> => {
    const out = new Float64Array(d);
    const vt = vectorToParams(v, model.paramSpecs);
    for (const chunk of chunks.chunks) {
      const hv = chunkHvp(model, loss, params, vt, chunk, 1 / n);
      await accumulate(out, hv);
      tf.dispose(hv);
    }
    tf.dispose(vt);
    return out;
  };
  const op: LinearOperator = {
    dim: d,
    async matvec(v: Float64Array): Promise<Float64Array> {
      // (1/n) Σᵢ Hᵢ(Hᵢv), piece by piece.
      const out = new Float64Array(d);
      const vt = vectorToParams(v, model.paramSpecs);
      for (const chunk of chunks.chunks) {
        for (const piece of splitChunk(chunk, pieceSize)) {
          const sum = tf.tidy(() => {
            const u = tileParams(vt, piece.n);
            const w = chunkPerSampleHvp(model, loss, params, u, piece);
            const z = chunkPerSampleHvp(model, loss, params, w, piece);
            return z.map((t) => tf.sum(t, 0));
          });
          await accumulate(out, sum, 1 / n);
          tf.dispose(sum);
          if (piece.owned) tf.dispose([piece.x, piece.y]);
        }
      }
      tf.dispose(vt);
      // − H(Hv).
      const hhv = await hvp(await hvp(v));
      for (let i = 0; i < d; i++) out[i] -= hhv[i];
      return out;
    },
  };
  try {
    const r = await lanczos(op, {
      k: 1,
      maxIterations: options.maxIterations ?? Math.min(d, 30),
      tol: options.tol ?? 1e-3,
      seed: options.seed,
      startVector: options.startVector,
      onProgress: options.onProgress,
    });
    const lambda = r.values[0];
    return {
      value: Math.sqrt(Math.max(0, lambda)),
      lambda,
      vector: r.vectors[0],
      residual: r.residuals[0],
      iterations: r.iterations,
      converged: r.converged,
      samples: n,
    };
  } finally {
    chunks.dispose();
  }
}
