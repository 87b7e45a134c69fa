import { checkCall } from "../_checks.ts";
/** The SGD setting of {@linkcode alignmentStabilityBound}. */
export interface AlignmentStabilityBoundSetting {
  /** The learning rate η > 0. */
  lr: number;
  /** The batch size B ≥ 1. */
  batchSize: number;
  /** The samples n (needed for batches drawn without replacement). */
  n?: number;
  /** The alignment factor μ > 0 (see `gradientNoiseAlignment`). */
  alignment: number;
  /**
   * How batches are drawn: without replacement, a batch mean has covariance
   * Σ·(n − B)/(B(n − 1)); with replacement, Σ/B.
   * @default {"without-replacement"}
   */
  sampling?: "without-replacement" | "with-replacement";
}

/** The bound and the numbers it is made of. */
export interface AlignmentStabilityBoundResult {
  /** The largest ‖H‖_F at which SGD can stay near the minimum: √(B_eff/μ)/η. */
  maxFrobenius: number;
  /** The effective batch size B_eff = B(n − 1)/(n − B), or B with replacement (∞ for B = n). */
  effectiveBatchSize: number;
  /** The per-step growth factor of E L that ‖H‖_F = maxFrobenius would give: η²μ‖H‖_F²/B_eff = 1. */
  growthPerUnitFrobeniusSquared: number;
}

/**
 * The Frobenius-norm bound on the Hessian at a minimum where SGD can stay, from the alignment of
 * its noise: ‖H‖_F ≤ √(B_eff/μ) / η.
 *
 * **Derivation.** Near an interpolating minimum θ* of the square loss, with δ = θ − θ* and
 * L = ½δᵀHδ (the linearized model), one SGD step θ' = θ − η g_B with E g_B = Hδ and
 * Cov g_B = Σ/B_eff gives exactly
 * E L(θ') = ½ δᵀ(I − ηH)H(I − ηH)δ + (η²/(2B_eff))·tr(ΣH).
 * The first term is ≥ 0 since H ⪰ 0 there. If the noise is aligned, tr(ΣH) ≥ μ·2L·‖H‖_F², then
 * E L(θ') ≥ (η²μ‖H‖_F²/B_eff)·L(θ). Applied at every step, E L grows geometrically unless
 * η²μ‖H‖_F²/B_eff ≤ 1: a minimum where SGD stays (linearly stable in the mean) has
 * ‖H‖_F ≤ √(B_eff/μ)/η. GD has no noise term (B_eff = ∞) and only the sharpness bound 2/η.
 *
 * @see Wu, Wang, Su, "The alignment property of SGD noise and how it helps select flat minima: a
 * stability analysis", NeurIPS 2022.
 *
 * @example η = 0.1, B = 4 of n = 100, μ = 0.25: B_eff = 4·99/96, bound = √(4.125/0.25)/0.1
 * ```ts
 * import { alignmentStabilityBound } from "minima";
 * import assert from "node:assert/strict";
 *
 * const r = alignmentStabilityBound({ lr: 0.1, batchSize: 4, n: 100, alignment: 0.25 });
 * assert.ok(Math.abs(r.effectiveBatchSize - 4.125) < 1e-12);
 * assert.ok(Math.abs(r.maxFrobenius - Math.sqrt(16.5) / 0.1) < 1e-9);
 * ```
 *
 * @param setting The learning rate, batch size, samples, alignment and sampling.
 * @returns The bound and the effective batch size.
 */
export function alignmentStabilityBound(
  setting: AlignmentStabilityBoundSetting,
): AlignmentStabilityBoundResult {
  checkCall("alignmentStabilityBound", arguments);
  const what = "Cannot compute the alignment stability bound";
  if (setting === null || typeof setting !== "object") {
    throw new TypeError(
      `${what}: give { lr, batchSize, n, alignment }, current value is ${setting}`,
    );
  }
  const { lr, batchSize, alignment } = setting;
  const sampling = setting.sampling ?? "without-replacement";
  if (!(typeof lr === "number" && lr > 0 && Number.isFinite(lr))) {
    throw new RangeError(`${what}: lr must be a positive number, current value is ${lr}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `${what}: batchSize must be a positive integer, current value is ${batchSize}`,
    );
  }
  if (!(typeof alignment === "number" && alignment > 0 && Number.isFinite(alignment))) {
    throw new RangeError(
      `${what}: alignment must be a positive number, current value is ${alignment}`,
    );
  }
  if (sampling !== "without-replacement" && sampling !== "with-replacement") {
    throw new TypeError(
      `${what}: sampling must be "without-replacement" or "with-replacement", current value is ${
        JSON.stringify(sampling)
      }`,
    );
  }
  let effective = batchSize;
  if (sampling === "without-replacement") {
    const n = setting.n;
    if (!Number.isInteger(n) || (n as number) < batchSize || (n as number) < 2) {
      throw new RangeError(
        `${what}: without replacement n must be an integer of at least max(2, batchSize) = ${
          Math.max(2, batchSize)
        }, current value is ${n}`,
      );
    }
    effective = batchSize === n ? Infinity : batchSize * (n! - 1) / (n! - batchSize);
  }
  return {
    maxFrobenius: Math.sqrt(effective / alignment) / lr,
    effectiveBatchSize: effective,
    growthPerUnitFrobeniusSquared: lr * lr * alignment / effective,
  };
}
