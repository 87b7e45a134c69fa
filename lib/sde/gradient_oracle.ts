/**
 * What an optimizer SDE needs from a training objective: the loss gradient ∇L(θ) and a model of
 * the gradient noise, per parameter vector. A model from `lib/nn` plugs in by implementing this
 * (its per-sample gradients, or any operator applying Σ^{1/2}); {@linkcode quadraticOracle} is the
 * closed-form one the tests and notebooks use.
 *
 * Σ(θ) is the covariance of ONE sample's gradient; a minibatch of B samples drawn with
 * replacement has gradient noise covariance Σ/B. Every method may be async (tensor models).
 *
 * @module
 */

/** Σ(θ) through a symmetric square root applied to vectors: no d×d matrix is ever formed. */
export interface SqrtCovarianceNoise {
  /** The kind tag. */
  kind: "sqrtCovariance";
  /** Writes Σ(θ)^{1/2} z into `out` (z and out of length dim); Σ^{1/2} must be symmetric. */
  apply(theta: Float64Array, z: Float64Array, out: Float64Array): void | Promise<void>;
  /**
   * Writes diag Σ(θ) into `out` (the Adam and RMSprop SDEs need it); without it the diagonal is
   * computed from dim applications of `apply` (Σ_ii = Σ_j (Σ^{1/2})_ij²).
   */
  diagonal?(theta: Float64Array, out: Float64Array): void | Promise<void>;
}

/**
 * Σ(θ) from the per-sample gradients g_1 ... g_N at θ: Σ = (1/N) Σ_i (g_i − ḡ)(g_i − ḡ)ᵀ, applied
 * as Σ^{1/2}ξ ≐ N^{−1/2} Σ_i (g_i − ḡ) ζ_i with ζ ∈ R^N standard normal (the same law), so the noise
 * has N components and no d×d matrix is formed.
 */
export interface PerSampleNoise {
  /** The kind tag. */
  kind: "perSample";
  /** The number of samples N. */
  samples: number;
  /** Writes the N per-sample gradients at θ into `out`, row-major N × dim. */
  perSampleGradients(theta: Float64Array, out: Float64Array): void | Promise<void>;
}

/** A gradient-noise model. */
export type GradientNoise = SqrtCovarianceNoise | PerSampleNoise;

/** The loss gradient and gradient noise of a training objective. */
export interface GradientOracle {
  /** The number of parameters d. */
  dim: number;
  /** Writes ∇L(θ) into `out`. */
  gradient(theta: Float64Array, out: Float64Array): void | Promise<void>;
  /** The per-sample gradient noise. */
  noise: GradientNoise;
}
