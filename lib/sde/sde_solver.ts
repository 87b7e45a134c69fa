/**
 * The solver interface of {@linkcode solveSde}: one step of a scheme over the whole batch, with
 * the orders the scheme declares (tested against measured orders by the conformance table).
 *
 * @module
 */

/**
 * What a solver step can evaluate, with shapes checked and buffers owned by the solve. Every
 * array is particles × dim (row-major) unless said otherwise.
 */
export interface SolverContext {
  /** Particles in the batch. */
  readonly particles: number;
  /** State components per particle. */
  readonly dim: number;
  /** Noise components per particle (dim for additive and diagonal noise). */
  readonly noiseDim: number;
  /** The diffusion's kind. */
  readonly noiseKind: "additive" | "diagonal" | "general";
  /** For additive noise: σ per component (length dim). */
  readonly sigma?: Float64Array;
  /** Whether a diagonal diffusion supplies ∂g_k/∂x_k. */
  readonly hasDerivative: boolean;
  /** f(t, x), into `out` or an array the drift returned. */
  drift(t: number, x: Float64Array, out: Float64Array): Promise<Float64Array>;
  /** g(t, x) of additive or diagonal noise (σ broadcast for additive). */
  diffusion(t: number, x: Float64Array, out: Float64Array): Promise<Float64Array>;
  /** ∂g_k/∂x_k of diagonal noise (zero for additive). */
  derivative(t: number, x: Float64Array, out: Float64Array): Promise<Float64Array>;
  /** G(t, x)·dW for any noise kind; dW has particles × noiseDim values. */
  applyDiffusion(
    t: number,
    x: Float64Array,
    dW: Float64Array,
    out: Float64Array,
  ): Promise<Float64Array>;
  /** A scratch array of particles × dim values, the same one for the same name on every step. */
  scratch(name: string): Float64Array;
}

/**
 * A one-step scheme for dX = f dt + G dW. `step` advances `x` in place from t to t + h given the
 * noise increments over the step.
 */
export interface SdeSolver {
  /** The scheme's name, e.g. "euler-maruyama". */
  readonly name: string;
  /** Declared strong order (E|X_T − X_T^h| = O(h^p)) for diagonal noise. */
  readonly strongOrder: number;
  /** Declared strong order for additive noise. */
  readonly additiveStrongOrder: number;
  /** Declared weak order (|E φ(X_T) − E φ(X_T^h)| = O(h^q)). */
  readonly weakOrder: number;
  /** What the scheme needs from the problem and the path. */
  readonly needs: {
    /** Additive or diagonal noise (not general). */
    diagonalNoise: boolean;
    /** ΔZ = ∫(W_r − W_s) dr from the path. */
    levyArea: boolean;
    /** A Brownian path (not α-stable). */
    brownian: boolean;
  };
  /**
   * Advances the batch one step.
   *
   * @param ctx Evaluations and scratch buffers.
   * @param t The step's start.
   * @param h The step size.
   * @param x The state, advanced in place.
   * @param dW The noise increments over [t, t + h] (particles × noiseDim).
   * @param dZ ∫(W_r − W_t) dr over the step, when `needs.levyArea`.
   */
  step(
    ctx: SolverContext,
    t: number,
    h: number,
    x: Float64Array,
    dW: Float64Array,
    dZ: Float64Array | undefined,
  ): Promise<void>;
}
