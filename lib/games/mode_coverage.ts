import { checkPositions, checkPositive, show } from "./_checks.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode modeCoverage}. */
export interface ModeCoverageOptions {
  /**
   * A sample counts for a mode within this many standard deviations of its mean.
   * @default {3}
   */
  radius?: number;
  /**
   * A mode is covered when it holds at least this fraction of its fair share 1/M of the samples.
   * @default {0.25}
   */
  share?: number;
}

/** How well samples cover the modes of a Gaussian mixture. */
export interface ModeCoverage {
  /** The number of covered modes. */
  covered: number;
  /** covered / M. */
  coverage: number;
  /** The fraction of samples within `radius`·std of some mode ("high quality" samples). */
  quality: number;
  /** The fraction of all samples at each mode. */
  shares: number[];
  /**
   * KL(uniform over modes ‖ shares among good samples), ∞ when a mode is empty: 0 for a
   * perfectly balanced generator.
   */
  balance: number;
}

/**
 * Mode coverage of 2-D samples against a mixture of isotropic Gaussians with means μ_1..μ_M and
 * one standard deviation σ: each sample within r·σ of its nearest mean counts for that mode; a
 * mode is covered when it holds at least `share`/M of the samples (the usual GAN mode-collapse
 * measure, e.g. VEEGAN's "modes captured" and "high-quality samples").
 *
 * @example Samples at two of four modes
 * ```ts
 * import { modeCoverage } from "minima";
 * import assert from "node:assert/strict";
 *
 * const means = Float64Array.of(1, 0, 0, 1, -1, 0, 0, -1);
 * const samples = Float64Array.of(1, 0, 1.01, 0, 0, 1, 5, 5);
 * const c = modeCoverage(samples, means, 0.1);
 * assert.equal(c.covered, 2);
 * assert.equal(c.quality, 0.75);
 * ```
 *
 * @param samples Points in R², row-major [S, 2].
 * @param means The mixture's means, row-major [M, 2].
 * @param std The mixture's standard deviation.
 * @param options The radius and the share that count.
 * @returns Covered modes, quality, per-mode shares and balance.
 */
export function modeCoverage(
  samples: Float64Array,
  means: Float64Array,
  std: number,
  options: ModeCoverageOptions = {},
): ModeCoverage {
  checkCall("modeCoverage", arguments);
  const context = "Cannot measure mode coverage";
  checkPositions(samples, 2, "samples", context);
  checkPositions(means, 2, "means", context);
  checkPositive(std, "std", context);
  const radius = options.radius ?? 3, share = options.share ?? 0.25;
  checkPositive(radius, "options.radius", context);
  if (!(share > 0 && share <= 1)) {
    throw new RangeError(
      `${context}: options.share must be in (0, 1], current value is ${show(share)}`,
    );
  }
  const s = samples.length / 2, m = means.length / 2;
  const counts = new Float64Array(m);
  let good = 0;
  for (let i = 0; i < s; i++) {
    let best = -1, bestD = Infinity;
    for (let k = 0; k < m; k++) {
      const d = Math.hypot(samples[2 * i] - means[2 * k], samples[2 * i + 1] - means[2 * k + 1]);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    if (bestD <= radius * std) {
      counts[best]++;
      good++;
    }
  }
  const shares = Array.from(counts, (c) => c / s);
  const covered = shares.filter((f) => f >= share / m).length;
  let balance = 0;
  for (const c of counts) balance += c === 0 ? Infinity : (1 / m) * Math.log((1 / m) / (c / good));
  return { covered, coverage: covered / m, quality: good / s, shares, balance };
}
