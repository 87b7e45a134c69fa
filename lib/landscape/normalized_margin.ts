import type { ObjectivePoint } from "../nn/mod.ts";
import { tf } from "../backend/mod.ts";
import { makeChunks } from "./_autodiff.ts";
import { outputsOver, paramNorm } from "./_outputs.ts";
import { checkPoint } from "./_point.ts";
import { homogeneityDegree } from "./homogeneity_degree.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode normalizedMargin}. */
export interface NormalizedMarginOptions {
  /**
   * The homogeneity degree L, if known (still checked numerically); by default it is found by
   * {@linkcode homogeneityDegree}.
   */
  degree?: number;
  /**
   * The relative error of f(cθ) ≈ c^L f(θ) tolerated before the model counts as not homogeneous.
   * @default {1e-3}
   */
  tol?: number;
  /**
   * Samples per chunk when evaluating the outputs.
   * @default {1024}
   */
  chunkSize?: number;
}

/** The margins of a homogeneous classifier. */
export interface NormalizedMarginResult {
  /** The normalized margin γ = minᵢ qᵢ / ‖θ‖^L. */
  value: number;
  /** The smallest unnormalized margin minᵢ qᵢ. */
  margin: number;
  /**
   * Lyu and Li's smoothed margin γ̃ = ℓ⁻¹(nL)/‖θ‖^L, with ℓ⁻¹(u) = −log(e^u − 1) for the logistic
   * (cross-entropy) loss and −log u for the exponential loss: a lower bound on γ that increases
   * along gradient flow once nL < ℓ(0). Null before that threshold or for other losses.
   */
  smoothed: number | null;
  /** The training loss L (the mean of the per-sample losses). */
  loss: number;
  /** ‖θ‖₂. */
  norm: number;
  /** The homogeneity degree L used. */
  degree: number;
  /** The samples n. */
  samples: number;
}

/**
 * The normalized margin of a positively homogeneous classifier (f(cθ) = c^L f(θ)):
 * γ(θ) = minᵢ qᵢ(θ)/‖θ‖^L with qᵢ = yᵢ f(θ; xᵢ) for one output and ±1 labels, or
 * qᵢ = f_{yᵢ} − max_{j≠yᵢ} f_j for several. It is scale-free, so it measures the direction θ/‖θ‖;
 * Lyu and Li prove that for the logistic or exponential loss, once the loss is below ℓ(0)/n, the
 * smoothed margin (also returned) increases along gradient flow and the direction converges to a
 * KKT point of max-margin. The degree is checked numerically first: a model that is not
 * homogeneous (biases, smooth activations) is a TypeError, since its "normalized margin" would
 * depend on ‖θ‖.
 *
 * @see Lyu, Li, "Gradient descent maximizes the margin of homogeneous neural networks", ICLR 2020,
 * arXiv 1906.05890.
 *
 * @example A hand-built linear classifier w = (3, 4): margins yᵢ w·xᵢ = 2.5, 1.5, normalized by 5
 * ```ts
 * import { createDataset, crossEntropy, mlp, normalizedMargin, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[0.5, 0.25], [-0.5, 0]], [1, -1], { targets: "signed" });
 * const model = mlp([2, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[3], [4]])];
 * const m = await normalizedMargin({ model, loss: crossEntropy, data, params });
 * assert.equal(m.degree, 1);
 * assert.ok(Math.abs(m.value - 1.5 / 5) < 1e-6);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point A classifier (signed or integer/one-hot targets), its loss, data and parameters.
 * @param options The degree if known, tolerance, chunk size.
 * @returns The normalized and smoothed margins, with the loss and the norm.
 */
export async function normalizedMargin(
  point: ObjectivePoint,
  options: NormalizedMarginOptions = {},
): Promise<NormalizedMarginResult> {
  checkCall("normalizedMargin", arguments);
  const what = "compute the normalized margin";
  checkPoint(point, what);
  const { model, data, loss } = point;
  if (data.task !== "classification") {
    throw new TypeError(
      `Cannot ${what}: margins need a classification data set (signed, integer or one-hot labels), current targets are ${
        JSON.stringify(data.targets)
      }`,
    );
  }
  if (model.outputDim === 1 && data.targets !== "signed") {
    throw new TypeError(
      `Cannot ${what}: a one-output classifier needs signed (±1) targets, current targets are ${
        JSON.stringify(data.targets)
      }`,
    );
  }
  const tol = options.tol ?? 1e-3;
  const h = await homogeneityDegree(point, {
    tol,
    scales: options.degree === undefined ? undefined : [2],
  });
  const degree = options.degree ?? h.degree;
  if (options.degree !== undefined && !(Number.isFinite(degree) && degree > 0)) {
    throw new RangeError(
      `Cannot ${what}: degree must be a positive number, current value is ${degree}`,
    );
  }
  const knownBad = options.degree !== undefined && Number.isFinite(h.degree) &&
    Math.abs(h.degree - degree) > 10 * tol;
  if (!h.homogeneous || knownBad) {
    const found = Number.isFinite(h.degree)
      ? `f(cθ) ≈ c^L f(θ) fails: best degree ${h.degree.toFixed(3)} with relative error ${
        h.relativeError.toPrecision(2)
      }`
      : "every output is 0, so the degree cannot be checked";
    throw new TypeError(
      `Cannot ${what}: the model must be positively homogeneous in its parameters (${found}); use a bias-free ReLU network such as homogeneousNet, or a linear model without bias`,
    );
  }
  if (!(degree > 0)) {
    throw new TypeError(
      `Cannot ${what}: the model has homogeneity degree ${
        degree.toFixed(3)
      }; the normalized margin needs a positive degree`,
    );
  }
  const chunks = makeChunks(data, undefined, options.chunkSize ?? 1024, what, model);
  try {
    const f = await outputsOver(model, point.params, chunks);
    const k = model.outputDim;
    const n = chunks.n;
    // The labels in the order of the chunks (which keep the data's order).
    const labels = data.labels!;
    let margin = Infinity;
    for (let i = 0; i < n; i++) {
      let q: number;
      if (k === 1) q = (labels[i] === 1 ? 1 : -1) * f[i];
      else {
        let other = -Infinity;
        for (let j = 0; j < k; j++) if (j !== labels[i]) other = Math.max(other, f[i * k + j]);
        q = f[i * k + labels[i]] - other;
      }
      margin = Math.min(margin, q);
    }
    let lossSum = 0;
    for (const chunk of chunks.chunks) {
      const l = tf.tidy(() => tf.sum(loss.perSample(model.apply(point.params, chunk.x), chunk.y)));
      lossSum += (await l.data())[0];
      l.dispose();
    }
    const norm = await paramNorm(point.params);
    const scale = norm ** degree;
    let smoothed: number | null = null;
    if (loss.name === "cross-entropy" && lossSum < Math.LN2) {
      smoothed = -Math.log(Math.expm1(lossSum)) / scale;
    } else if (loss.name === "exponential" && lossSum < 1) {
      smoothed = -Math.log(lossSum) / scale;
    }
    return { value: margin / scale, margin, smoothed, loss: lossSum / n, norm, degree, samples: n };
  } finally {
    chunks.dispose();
  }
}
