import { gamma } from "./_gamma.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode levyMeanExitTime}. */
export interface LevyMeanExitTimeOptions {
  /**
   * The distance from the minimum to the basin's edge, in the direction of escape.
   * @default {1}
   */
  distance?: number;
}

/**
 * The small-noise law of the mean exit time from a basin under α-stable noise,
 * dX = −U'(X)dt + ε dL^α with L^α symmetric, L_1 ~ S_α(1, 0, 0) (as {@linkcode levyPath} draws
 * it): E τ ≈ α·a^α/(c_α ε^α), c_α = Γ(1 + α)sin(πα/2)/π, a the distance to the edge. Exit takes
 * one jump beyond a, and jumps of L beyond y in one direction come at rate (c_α/α)y^{−α}
 * (the one-sided tail of L_1: P(L_1 > y) ~ Γ(α)sin(πα/2)/π · y^{−α}); smaller jumps that add up
 * make the true time somewhat shorter at finite ε. The time grows only like ε^{−α}, against
 * Kramers' exp(2ΔU/σ²) for Gaussian noise.
 *
 * @see Imkeller, Pavlyukevich, "First exit times of SDEs driven by stable Lévy processes",
 * Stochastic Process. Appl. 116 (2006); Şimşekli, Sagun, Gürbüzbalaban, ICML 2019,
 * arXiv 1901.06053.
 *
 * @example Cauchy noise (α = 1): c₁ = 1/π, so E τ ≈ π/ε
 * ```ts
 * import { levyMeanExitTime } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.ok(Math.abs(levyMeanExitTime(1, 0.1) - 10 * Math.PI) < 1e-9);
 * ```
 *
 * @param alpha The stability index α ∈ (0, 2) (α = 2, Gaussian, has no jumps).
 * @param epsilon The noise scale ε > 0.
 * @param options The distance to the basin's edge.
 * @returns The first-order mean exit time.
 */
export function levyMeanExitTime(
  alpha: number,
  epsilon: number,
  options: LevyMeanExitTimeOptions = {},
): number {
  checkCall("levyMeanExitTime", arguments);
  const what = "compute the Lévy mean exit time";
  if (typeof alpha !== "number" || !(alpha > 0 && alpha < 2)) {
    throw new RangeError(
      `Cannot ${what}: alpha must be in (0, 2) (Gaussian noise, α = 2, exits by Kramers' law instead), current value is ${alpha}`,
    );
  }
  const distance = options.distance ?? 1;
  for (const [name, v] of [["epsilon", epsilon], ["distance", distance]] as const) {
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) {
      throw new RangeError(
        `Cannot ${what}: ${name} must be a positive finite number, current value is ${v}`,
      );
    }
  }
  const c = gamma(1 + alpha) * Math.sin(Math.PI * alpha / 2) / Math.PI;
  return alpha * (distance / epsilon) ** alpha / c;
}
