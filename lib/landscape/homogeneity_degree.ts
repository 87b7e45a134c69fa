import type { ObjectivePoint } from "../nn/mod.ts";
import { makeChunks } from "./_autodiff.ts";
import { outputsOver } from "./_outputs.ts";
import { checkPoint } from "./_point.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode homogeneityDegree}. */
export interface HomogeneityDegreeOptions {
  /**
   * The factors c at which f(cθ) is compared with f(θ) (positive, not 1).
   * @default {[0.5, 2]}
   */
  scales?: readonly number[];
  /**
   * The largest relative error max |f(cθ) − c^L f(θ)| / (c^L max |f(θ)|) that still counts as
   * homogeneous (float32 rounding gives about 1e-6).
   * @default {1e-3}
   */
  tol?: number;
  /**
   * The samples to evaluate on (a count, the first ones, or indices).
   * @default {256}
   */
  subset?: number | ArrayLike<number>;
}

/** What {@linkcode homogeneityDegree} found. */
export interface HomogeneityDegreeResult {
  /** The degree L fitted by least squares to log|f(cθ)| − log|f(θ)| = L log c (NaN if all f = 0). */
  degree: number;
  /** The worst relative error of f(cθ) ≈ c^L f(θ) over the scales and samples. */
  relativeError: number;
  /** Whether the relative error is within `tol` (false when every output is 0). */
  homogeneous: boolean;
  /** The samples used. */
  samples: number;
}

/**
 * Checks numerically whether the model is positively homogeneous in its parameters,
 * f(cθ; x) = c^L f(θ; x) for c > 0, and finds the degree L: bias-free ReLU networks of L layers
 * have degree L, scale-invariant networks degree 0, networks with biases or smooth activations
 * none. The margin tools need the degree (the normalized margin divides by ‖θ‖^L).
 *
 * @see Lyu, Li, "Gradient descent maximizes the margin of homogeneous neural networks", ICLR 2020,
 * arXiv 1906.05890.
 *
 * @example A bias-free two-layer ReLU net has degree 2; with biases it is not homogeneous
 * ```ts
 * import { disposeParams, homogeneityDegree, homogeneousNet, mlp, separable2d, crossEntropy } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = separable2d({ samples: 20 });
 * for (const [model, want] of [[homogeneousNet([2, 8, 1]), 2], [mlp([2, 8, 1]), NaN]] as const) {
 *   const params = model.init(0);
 *   const r = await homogeneityDegree({ model, loss: crossEntropy, data, params });
 *   if (Number.isNaN(want)) assert.equal(r.homogeneous, false);
 *   else assert.ok(r.homogeneous && Math.abs(r.degree - want) < 1e-3);
 *   disposeParams(params);
 * }
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters (only the inputs of the data are used).
 * @param options Scales, tolerance and samples.
 * @returns The degree and how well homogeneity holds.
 */
export async function homogeneityDegree(
  point: ObjectivePoint,
  options: HomogeneityDegreeOptions = {},
): Promise<HomogeneityDegreeResult> {
  checkCall("homogeneityDegree", arguments);
  const what = "check homogeneity";
  checkPoint(point, what);
  const scales = options.scales ?? [0.5, 2];
  if (
    !Array.isArray(scales) || scales.length === 0 ||
    !scales.every((c) => Number.isFinite(c) && c > 0 && c !== 1)
  ) {
    throw new RangeError(
      `Cannot ${what}: scales must be positive numbers other than 1, current value is ${
        JSON.stringify(scales)
      }`,
    );
  }
  const tol = options.tol ?? 1e-3;
  if (!(Number.isFinite(tol) && tol > 0)) {
    throw new RangeError(`Cannot ${what}: tol must be a positive number, current value is ${tol}`);
  }
  const subset = options.subset ?? Math.min(256, point.data.n);
  const chunks = makeChunks(point.data, subset, 1024, what, point.model);
  try {
    const f0 = await outputsOver(point.model, point.params, chunks);
    const scale0 = f0.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    if (scale0 === 0) {
      return { degree: NaN, relativeError: NaN, homogeneous: false, samples: chunks.n };
    }
    const fc: Float64Array[] = [];
    for (const c of scales) fc.push(await outputsOver(point.model, point.params, chunks, c));
    // Least squares over the outputs that are clearly nonzero: log|f(cθ)/f(θ)| = L log c.
    let num = 0, den = 0;
    scales.forEach((c, s) => {
      const lc = Math.log(c);
      for (let i = 0; i < f0.length; i++) {
        if (Math.abs(f0[i]) > 1e-3 * scale0 && fc[s][i] * f0[i] > 0) {
          num += lc * Math.log(fc[s][i] / f0[i]);
          den += lc * lc;
        }
      }
    });
    const degree = den > 0 ? num / den : NaN;
    let relativeError = 0;
    scales.forEach((c, s) => {
      const factor = c ** degree;
      for (let i = 0; i < f0.length; i++) {
        const e = Math.abs(fc[s][i] - factor * f0[i]) / (factor * scale0);
        if (!(e <= relativeError)) relativeError = e;
      }
    });
    return {
      degree,
      relativeError,
      homogeneous: Number.isFinite(degree) && relativeError <= tol,
      samples: chunks.n,
    };
  } finally {
    chunks.dispose();
  }
}
