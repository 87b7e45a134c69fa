/**
 * The common shape of the optimizer SDEs ({@linkcode sgdSde}, {@linkcode rmspropSde},
 * {@linkcode adamSde}): SDE terms for {@linkcode solveSde}, plus how SDE time maps to optimizer
 * steps and how to build the initial state.
 *
 * @module
 */
import type { SdeTerms } from "./sde_terms.ts";

/** An optimizer's SDE: its terms, with the state laid out as [θ, then moments] per particle. */
export interface OptimizerSde extends SdeTerms {
  /** SDE time per optimizer step: η for SGD, η² for RMSprop and Adam. */
  timePerStep: number;
  /** Parameters d; θ is the first d components of each particle's state. */
  parameterDim: number;
  /**
   * The SDE state at θ0 with the optimizer's moments at zero, as `y0` for {@linkcode solveSde}.
   *
   * @param theta0 The initial parameters (length d).
   * @returns The state (length dim).
   */
  initialState(theta0: ArrayLike<number>): Float64Array;
}
