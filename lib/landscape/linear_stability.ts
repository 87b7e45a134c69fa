/**
 * Linear stability of SGD at an interpolating minimum (Wu, Ma, E 2018): how the learning rate η
 * bounds the sharpness a = λ_max(H) and the batch size B bounds the non-uniformity
 * s = λ_max(Σ)^{1/2}, Σ = (1/n)Σ_i H_i² − H², of the minima SGD can stay in. Pure float64 math.
 *
 * Derivation of the exact 1-D factor (docs/papers.md, notebook 01; derived). Near the minimum,
 * f_i(x) = ½h_i x², a = mean h_i, s² = (1/n)Σ h_i² − a². One SGD step with a batch S of size B,
 * drawn uniformly without replacement and independently of x_t, is x_{t+1} = (1 − ηg)x_t with
 * g = (1/B)Σ_{i∈S} h_i. Hence E x_{t+1}² = E[(1 − ηg)²]·E x_t², and
 *   E[(1 − ηg)²] = (1 − ηE g)² + η² Var g = (1 − ηa)² + η²·(n − B)/(B(n − 1))·s²,
 * because E g = a and the mean of B draws without replacement from n values of variance s² has
 * variance (s²/B)·(n − B)/(n − 1) (the finite-population correction: Cov(1_{i∈S}, 1_{j∈S}) =
 * −B(n − B)/(n²(n − 1)) for i ≠ j). The second moment stays bounded iff this factor is ≤ 1.
 *
 * In d dimensions the same computation gives E‖x_{t+1}‖² = E[x_tᵀ((I − ηH)² + η²γΣ)x_t] with
 * γ = (n − B)/(B(n − 1)); Wu, Ma and E state stability as λ_max((I − ηH)² + η²γΣ) ≤ 1 [recalled].
 * Both terms are positive semi-definite, so it requires λ_max((I − ηH)²) ≤ 1, i.e. 0 ≤ λ_i(H) ≤ 2/η
 * (a ≤ 2/η), and η²γ s² ≤ 1, i.e. s ≤ (1/η)·√(B(n − 1)/(n − B)): necessary conditions only.
 *
 * @module
 */
import { checkMinimum, checkSgd } from "./_linear_stability_checks.ts";
import { checkCall } from "../_checks.ts";

/** The SGD setting: learning rate, batch size and number of samples. */
export interface SgdSetting {
  /** The learning rate η > 0. */
  lr: number;
  /** The batch size B, an integer in [1, n], drawn without replacement. */
  batchSize: number;
  /** The number of training samples n ≥ 2. */
  n: number;
}

/** A minimum's curvature statistics. */
export interface MinimumCurvature {
  /** Sharpness a = λ_max(H) (in 1-D the mean curvature). */
  a: number;
  /** Non-uniformity s = λ_max(Σ)^{1/2} ≥ 0 (in 1-D the standard deviation of the h_i). */
  s: number;
}

/** The 1-D mean-square factor from {@linkcode sgdMeanSquareFactor}. */
export interface MeanSquareFactorResult {
  /** E x_{t+1}² / E x_t² = (1 − ηa)² + η²γs². */
  factor: number;
  /** factor ≤ 1: the second moment does not grow. */
  stable: boolean;
  /** The gradient-descent part (1 − ηa)². */
  contraction: number;
  /** The noise part η²γs². */
  noise: number;
  /** γ = (n − B)/(B(n − 1)), the variance factor of a batch mean without replacement. */
  gamma: number;
}

/**
 * The exact mean-square growth factor of SGD on n scalar quadratics f_i(x) = ½h_i x² with mean
 * curvature a and standard deviation s: E x_{t+1}² = [(1 − ηa)² + η²·(n − B)/(B(n − 1))·s²]·E x_t²,
 * mean-square stable iff the factor is ≤ 1. GD (B = n) has no noise term.
 *
 * @see Wu, Ma, E, "How SGD selects the global minima in over-parameterized learning: a dynamical
 * stability perspective", NeurIPS 2018.
 *
 * @example GD with η = 0.1 on curvature 15 is stable; SGD with batch 1 on s = 10 is not
 * ```ts
 * import { sgdMeanSquareFactor } from "minima";
 * import assert from "node:assert/strict";
 *
 * const gd = sgdMeanSquareFactor({ a: 15, s: 10 }, { lr: 0.1, batchSize: 100, n: 100 });
 * assert.ok(Math.abs(gd.factor - 0.25) < 1e-12 && gd.stable);
 * const sgd = sgdMeanSquareFactor({ a: 15, s: 10 }, { lr: 0.1, batchSize: 1, n: 100 });
 * assert.ok(Math.abs(sgd.factor - 1.25) < 1e-12 && !sgd.stable);
 * ```
 *
 * @param minimum Sharpness a and non-uniformity s.
 * @param sgd Learning rate, batch size and sample count.
 * @returns The factor, its two parts, γ and the verdict.
 */
export function sgdMeanSquareFactor(
  minimum: MinimumCurvature,
  sgd: SgdSetting,
): MeanSquareFactorResult {
  checkCall("sgdMeanSquareFactor", arguments);
  const action = "Cannot compute the mean-square factor";
  const gamma = checkSgd(sgd, action);
  checkMinimum(minimum, action);
  const { lr } = sgd, { a, s } = minimum;
  const contraction = (1 - lr * a) ** 2;
  const noise = lr * lr * gamma * s * s;
  const factor = contraction + noise;
  return { factor, stable: factor <= 1, contraction, noise, gamma };
}
