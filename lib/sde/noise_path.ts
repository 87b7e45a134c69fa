/**
 * The noise that drives an SDE, as increments over intervals: Brownian (optionally with the
 * space-time Lévy area a higher-order solver needs) or α-stable Lévy.
 *
 * @module
 */

/**
 * A driving noise path for a batch of `particles` independent copies, each with `dim` noise
 * components. Increments are written into caller-owned arrays of length `particles × dim`
 * (row-major: particle p's components at p·dim ... p·dim + dim − 1).
 *
 * For a Brownian path, `increment(s, u, dW, dZ)` gives ΔW = W_u − W_s and, when `levyArea` is
 * true, ΔZ = ∫_s^u (W_r − W_s) dr (Kloeden–Platen's I_(1,0), from which the space-time Lévy area
 * is H = ΔZ/(u − s) − ΔW/2). For a Lévy path, `dW` receives the α-stable increment L_u − L_s.
 */
export interface NoisePath {
  /** "brownian" or "levy" (α-stable); solvers above strong order 1/2 need "brownian". */
  readonly kind: "brownian" | "levy";
  /** Number of independent copies. */
  readonly particles: number;
  /** Noise components per copy. */
  readonly dim: number;
  /** Whether `increment` can also give ΔZ = ∫(W_r − W_s) dr. */
  readonly levyArea: boolean;
  /** Whether increments over any intervals, in any order, are consistent (same path). */
  readonly consistent: boolean;
  /** The earliest time the path is defined at. */
  readonly t0: number;
  /** The latest time the path is defined at (Infinity if unbounded). */
  readonly t1: number;
  /**
   * Writes the increment over [s, u] into `dW` (and ΔZ into `dZ` when given).
   *
   * @param s The start of the interval.
   * @param u The end of the interval, u > s.
   * @param dW Output: particles × dim increments.
   * @param dZ Output: particles × dim time integrals ∫_s^u (W_r − W_s) dr (Brownian paths with
   * `levyArea` only).
   */
  increment(s: number, u: number, dW: Float64Array, dZ?: Float64Array): void;
}
