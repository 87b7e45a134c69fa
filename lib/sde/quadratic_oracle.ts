import type { Rng } from "../random/mod.ts";
import type { GradientOracle } from "./gradient_oracle.ts";
import { checkBatchSize } from "./_hyper.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode quadraticOracle}. */
export interface QuadraticOracleOptions {
  /** The diagonal Hessian h (length d): L(θ) = ½ Σ_i h_i(θ_i − θ*_i)². */
  curvature: ArrayLike<number>;
  /**
   * The minimizer θ*.
   * @default {zeros}
   */
  center?: ArrayLike<number>;
  /**
   * The per-sample gradient noise standard deviations s (one number for all, or d): one
   * sample's gradient is ∇L + s ⊙ z with z standard normal, so Σ = diag(s²).
   * @default {1}
   */
  noiseStd?: number | ArrayLike<number>;
}

/** A quadratic objective with Gaussian gradient noise: an oracle, the loss, and sampled gradients. */
export interface QuadraticOracle extends GradientOracle {
  /** L(θ). */
  loss(theta: ArrayLike<number>): number;
  /**
   * Writes a minibatch gradient ∇L(θ) + s ⊙ z/√B (z standard normal) into `out`, for running
   * the discrete optimizers the SDEs approximate.
   */
  stochasticGradient(
    theta: ArrayLike<number>,
    rng: Rng,
    out: Float64Array,
    batchSize?: number,
  ): void;
}

/**
 * The noisy quadratic: L(θ) = ½ Σ h_i(θ_i − θ*_i)², gradients with additive Gaussian noise of
 * covariance Σ = diag(s²) per sample. The SDEs of SGD, RMSprop and Adam are (close to) linear on it,
 * so their moments have closed forms or moment ODEs, which is how the library's tests check them.
 *
 * @example
 * ```ts
 * import { quadraticOracle, Rng } from "minima";
 * import assert from "node:assert/strict";
 *
 * const q = quadraticOracle({ curvature: [2, 1], center: [1, 0], noiseStd: 0.5 });
 * const g = new Float64Array(2);
 * q.gradient(Float64Array.of(2, 3), g);
 * assert.deepEqual(Array.from(g), [2, 3]);
 * assert.equal(q.loss([2, 3]), 0.5 * 2 + 0.5 * 9);
 * q.stochasticGradient([2, 3], new Rng(0), g, 16);
 * assert.ok(Math.abs(g[0] - 2) < 1);
 * ```
 *
 * @param options Curvatures, minimizer and noise level.
 * @returns The oracle.
 */
export function quadraticOracle(options: QuadraticOracleOptions): QuadraticOracle {
  checkCall("quadraticOracle", arguments);
  const what = "build the quadratic oracle";
  const h = Float64Array.from(options?.curvature ?? []);
  const d = h.length;
  if (d === 0 || !h.every(Number.isFinite)) {
    throw new RangeError(`Cannot ${what}: curvature must hold one finite number per parameter`);
  }
  if (
    options.center !== undefined &&
    (options.center === null || typeof options.center !== "object")
  ) {
    throw new TypeError(
      `Cannot ${what}: center must be an array of d = ${d} numbers, current value is ${options.center}`,
    );
  }
  const center = options.center === undefined
    ? new Float64Array(d)
    : Float64Array.from(options.center);
  const s0 = options.noiseStd ?? 1;
  const s = typeof s0 === "number" ? new Float64Array(d).fill(s0) : Float64Array.from(s0);
  if (center.length !== d || s.length !== d) {
    throw new RangeError(
      `Cannot ${what}: center and noiseStd must hold d = ${d} values, current lengths are ${center.length} and ${s.length}`,
    );
  }
  if (!center.every(Number.isFinite) || !s.every((v) => v >= 0 && Number.isFinite(v))) {
    throw new RangeError(
      `Cannot ${what}: center must be finite and noiseStd non-negative and finite`,
    );
  }
  const gradient = (theta: ArrayLike<number>, out: Float64Array) => {
    for (let i = 0; i < d; i++) out[i] = h[i] * (theta[i] - center[i]);
  };
  return {
    dim: d,
    gradient,
    noise: {
      kind: "sqrtCovariance",
      apply(_theta, z, out) {
        for (let i = 0; i < d; i++) out[i] = s[i] * z[i];
      },
      diagonal(_theta, out) {
        for (let i = 0; i < d; i++) out[i] = s[i] * s[i];
      },
    },
    loss(theta) {
      let l = 0;
      for (let i = 0; i < d; i++) l += 0.5 * h[i] * (theta[i] - center[i]) ** 2;
      return l;
    },
    stochasticGradient(theta, rng, out, batchSize = 1) {
      checkBatchSize(`draw a stochastic gradient`, batchSize);
      gradient(theta, out);
      const c = 1 / Math.sqrt(batchSize);
      for (let i = 0; i < d; i++) out[i] += c * s[i] * rng.normal();
    },
  };
}
