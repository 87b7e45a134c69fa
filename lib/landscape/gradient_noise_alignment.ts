import { tf } from "../backend/mod.ts";
import type { ProgressCallback } from "../_types.ts";
import { hutchPlusPlusTrace } from "../linalg/mod.ts";
import type { Seed } from "../random/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import { checkPoint } from "./_point.ts";
import { evaluateLoss } from "./evaluate_loss.ts";
import { hessianOperator } from "./hessian_operator.ts";
import { perSampleGradients } from "./per_sample_gradients.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode gradientNoiseAlignment}. */
export interface GradientNoiseAlignmentOptions {
  /** The first `subset` samples, or these indices; by default all. */
  subset?: number | ArrayLike<number>;
  /**
   * Budget of products with H² for ‖H‖_F² = tr(H²) by Hutch++ (each product is two
   * Hessian-vector products); a budget of at least the parameter count d computes it exactly.
   * @default {60}
   */
  matvecs?: number;
  /**
   * Seed of the Hutch++ sketch and probes.
   * @default {0}
   */
  seed?: Seed;
  /**
   * Samples per chunk of the Hessian-vector products.
   * @default {1024}
   */
  chunkSize?: number;
  /** Called after every Hessian-vector product. Silent by default. */
  onProgress?: ProgressCallback;
}

/** The alignment of gradient noise with the Hessian at a point. */
export interface GradientNoiseAlignmentResult {
  /** μ = tr(ΣH) / (2L·‖H‖_F²). */
  value: number;
  /** tr(ΣH) = (1/n) Σᵢ (gᵢ − ḡ)ᵀ H (gᵢ − ḡ), exact (n Hessian-vector products). */
  traceNoiseHessian: number;
  /** ‖H‖_F² = tr(H²), by Hutch++ (exact when the budget covers d). */
  hessianFrobeniusSquared: number;
  /** The standard error of ‖H‖_F² (0 when exact). */
  hessianFrobeniusStandardError: number;
  /** The loss L(θ). */
  loss: number;
  /** The samples n. */
  samples: number;
  /** Hessian-vector products used. */
  hessianProducts: number;
}

/**
 * The alignment factor of Wu, Wang and Su: how much of the gradient noise lies along the
 * Hessian, μ(θ) = tr(ΣH) / (2L(θ)·‖H‖_F²), with Σ = (1/n) Σᵢ gᵢgᵢᵀ − ḡḡᵀ the per-sample gradient
 * covariance (as in `gradientNoiseCovariance`) and H = ∇²L. For the square loss near an
 * interpolating minimum both tr(ΣH) and 2L·‖H‖_F² vanish like the loss; μ bounded below means the
 * noise stays aligned with the sharp directions as training converges.
 *
 * tr(ΣH) is exact: Σ = (1/n) Σᵢ cᵢcᵢᵀ with cᵢ = gᵢ − ḡ, so tr(ΣH) = (1/n) Σᵢ cᵢᵀHcᵢ, n
 * Hessian-vector products. ‖H‖_F² = tr(H²) comes from Hutch++ on v ↦ H(Hv).
 *
 * @see Wu, Wang, Su, "The alignment property of SGD noise and how it helps select flat minima: a
 * stability analysis", NeurIPS 2022.
 *
 * @example Linear regression: Σ and H are explicit
 * Two samples x = 1 and x = 2, ℓᵢ = ½(wxᵢ − yᵢ)² at w = 1 with y = (0, 0): gᵢ = xᵢ², H = 2.5,
 * Σ = ((1 − 2.5)² + (4 − 2.5)²)/2 = 2.25, L = (1 + 4)/4 = 1.25, μ = 2.25·2.5/(2·1.25·6.25) = 0.36.
 * ```ts
 * import { createDataset, gradientNoiseAlignment, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1], [2]], [[0], [0]]);
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[1]])];
 * const r = await gradientNoiseAlignment({ model, loss: mse, data, params });
 * assert.ok(Math.abs(r.value - 0.36) < 1e-5);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Subset, Hutch++ budget and seed, chunk size.
 * @returns μ, its numerator and denominator parts, and the work done.
 */
export async function gradientNoiseAlignment(
  point: ObjectivePoint,
  options: GradientNoiseAlignmentOptions = {},
): Promise<GradientNoiseAlignmentResult> {
  checkCall("gradientNoiseAlignment", arguments);
  const what = "measure the gradient-noise alignment";
  checkPoint(point, what);
  const matvecs = options.matvecs ?? 60;
  if (!Number.isInteger(matvecs) || matvecs < 6) {
    throw new RangeError(
      `Cannot ${what}: matvecs must be an integer of at least 6, current value is ${matvecs}`,
    );
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    throw new TypeError(
      `Cannot ${what}: onProgress must be a function, current value is ${options.onProgress}`,
    );
  }
  const d = point.model.numParams;
  const G = perSampleGradients(point, { subset: options.subset });
  const n = G.shape[0];
  // Centered rows cᵢ = gᵢ − ḡ, read once into float64.
  const centered = tf.tidy(() => tf.sub(G, tf.mean(G, 0, true)));
  const rows = Float64Array.from(await centered.data() as Float32Array);
  tf.dispose([G, centered]);
  const H = hessianOperator(point, { subset: options.subset, chunkSize: options.chunkSize });
  const total = n + 2 * Math.min(matvecs, d);
  const progress = () => options.onProgress?.({ done: H.products, total, label: "alignment" });
  try {
    let trace = 0;
    for (let i = 0; i < n; i++) {
      const c = rows.subarray(i * d, (i + 1) * d);
      const hc = await H.matvec(Float64Array.from(c));
      let s = 0;
      for (let j = 0; j < d; j++) s += c[j] * hc[j];
      trace += s / n;
      progress();
    }
    const squared = await hutchPlusPlusTrace({
      dim: d,
      matvec: async (v: Float64Array) => {
        const hv = await H.matvec(v);
        const out = await H.matvec(hv);
        progress();
        return out;
      },
    }, { matvecs, seed: options.seed });
    const loss = await evaluateLoss(point, { subset: options.subset });
    return {
      value: trace / (2 * loss * squared.trace),
      traceNoiseHessian: trace,
      hessianFrobeniusSquared: squared.trace,
      hessianFrobeniusStandardError: squared.standardError,
      loss,
      samples: n,
      hessianProducts: H.products,
    };
  } finally {
    H.dispose();
  }
}
