/**
 * The terms of an Itô SDE dX = f(t, X) dt + G(t, X) dW over a batch of particles, as small
 * plain interfaces (diffrax's drift and diffusion terms). Every field works on the whole batch:
 * `x` holds particles × dim values, row-major (particle p's state at p·dim ... p·dim + dim − 1).
 *
 * @module
 */

/** What a vector field gives back: nothing (it wrote `out`), or an array of its own. */
export type FieldResult = Float64Array | void;

/**
 * A vector field over the batch: reads `x` (particles × dim) at time t and writes one value per
 * component into `out`, or returns a new Float64Array of the same length instead. It must not
 * modify `x`. It may be async (a tensor model downloading its gradient).
 */
export type VectorField = (
  t: number,
  x: Float64Array,
  out: Float64Array,
) => FieldResult | Promise<FieldResult>;

/**
 * Additive noise: G = diag(σ), constant. dX_k = f_k dt + σ_k dW_k.
 */
export interface AdditiveNoise {
  /** The kind tag. */
  kind: "additive";
  /** σ, one per state component, or one number for all. */
  sigma: number | ArrayLike<number>;
}

/**
 * Diagonal noise: dX_k = f_k dt + g_k(t, X_k) dW_k, one independent Brownian motion per
 * component, and g_k depending on the state only through X_k (the commutative case that
 * Milstein and the order-1.5 scheme need).
 */
export interface DiagonalNoise {
  /** The kind tag. */
  kind: "diagonal";
  /** g(t, x): the diffusion coefficient of every component. */
  g: VectorField;
  /**
   * ∂g_k/∂x_k: used by Milstein when present (otherwise Milstein uses a derivative-free
   * difference).
   */
  dg?: VectorField;
}

/**
 * General noise: dX = f dt + G(t, X) dW with W of `noiseDim` components per particle, G given
 * only through its action (an operator, never a dense matrix): Euler–Maruyama only.
 */
export interface GeneralNoise {
  /** The kind tag. */
  kind: "general";
  /** Brownian components per particle. */
  noiseDim: number;
  /**
   * Writes G(t, x_p)·dW_p for every particle p into `out` (particles × dim), or returns a new
   * array; `dW` holds particles × noiseDim values.
   */
  apply(
    t: number,
    x: Float64Array,
    dW: Float64Array,
    out: Float64Array,
  ): FieldResult | Promise<FieldResult>;
}

/** The diffusion term of an SDE. */
export type Diffusion = AdditiveNoise | DiagonalNoise | GeneralNoise;

/** An SDE's terms: dX = drift(t, X) dt + diffusion(t, X) dW, with `dim` components per particle. */
export interface SdeTerms {
  /** State components per particle. */
  dim: number;
  /** The drift f. */
  drift: VectorField;
  /** The diffusion G. */
  diffusion: Diffusion;
  /** Component names for records (default "x0", "x1", ...). */
  names?: string[];
}

/** An SDE with its initial state and time interval: what {@linkcode solveSde} solves. */
export interface SdeProblem extends SdeTerms {
  /** The initial state: `dim` values (every particle starts there) or particles × dim values. */
  y0: ArrayLike<number>;
  /** The start time (default 0). */
  t0?: number;
  /** The end time. */
  t1: number;
}
