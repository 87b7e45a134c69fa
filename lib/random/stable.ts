import type { Rng } from "./rng.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode stable}. */
export interface StableOptions {
  /**
   * Skewness β in [-1, 1]; 0 gives the symmetric law SαS.
   * @default {0}
   */
  beta?: number;
  /**
   * Scale σ > 0.
   * @default {1}
   */
  scale?: number;
}

/**
 * Draws from the α-stable law S_α(σ, β, 0) by Chambers–Mallows–Stuck (1976).
 *
 * With V ~ U(−π/2, π/2), W ~ Exp(1) and α ≠ 1:
 * X = S·sin(α(V+B))/cos(V)^{1/α}·(cos(V − α(V+B))/W)^{(1−α)/α},
 * B = atan(β tan(πα/2))/α, S = (1 + β² tan²(πα/2))^{1/(2α)}.
 * For α = 2 the law is N(0, 2σ²); for α = 1, β = 0 it is Cauchy with scale σ.
 *
 * @see Chambers, Mallows, Stuck, "A method for simulating stable random variables", JASA 1976.
 *
 * @example A Cauchy draw and a Gaussian one
 * ```ts
 * import { Rng, stable } from "minima";
 * import assert from "node:assert/strict";
 *
 * const rng = new Rng(0);
 * assert.ok(Number.isFinite(stable(rng, 1)));
 * assert.ok(Number.isFinite(stable(rng, 2, { scale: 0.5 })));
 * ```
 *
 * @param rng The generator.
 * @param alpha The stability index α in (0, 2].
 * @param options Skewness and scale.
 * @returns One draw.
 */
export function stable(rng: Rng, alpha: number, options: StableOptions = {}): number {
  checkCall("stable", arguments);
  const beta = options.beta ?? 0;
  const scale = options.scale ?? 1;
  checkStable(alpha, beta, scale);
  return scale * standardStable(rng, alpha, beta);
}

/**
 * Fills an array with α-stable draws (see {@linkcode stable}).
 *
 * @example
 * ```ts
 * import { fillStable, Rng } from "minima";
 * import assert from "node:assert/strict";
 *
 * const x = fillStable(new Rng(1), new Float64Array(100), 1.5);
 * assert.ok(x.every(Number.isFinite));
 * ```
 *
 * @param rng The generator.
 * @param out The array to fill.
 * @param alpha The stability index α in (0, 2].
 * @param options Skewness and scale.
 * @returns The same array.
 */
export function fillStable<T extends Float32Array | Float64Array>(
  rng: Rng,
  out: T,
  alpha: number,
  options: StableOptions = {},
): T {
  checkCall("fillStable", arguments);
  const beta = options.beta ?? 0;
  const scale = options.scale ?? 1;
  checkStable(alpha, beta, scale);
  for (let i = 0; i < out.length; i++) out[i] = scale * standardStable(rng, alpha, beta);
  return out;
}

function standardStable(rng: Rng, alpha: number, beta: number): number {
  const v = Math.PI * (rng.uniform() - 0.5);
  let w: number;
  do w = -Math.log(1 - rng.uniform()); while (w === 0);
  if (alpha === 1) {
    const h = Math.PI / 2 + beta * v;
    return (2 / Math.PI) * (h * Math.tan(v) - beta * Math.log((Math.PI / 2) * w * Math.cos(v) / h));
  }
  if (beta === 0) {
    return Math.sin(alpha * v) / Math.pow(Math.cos(v), 1 / alpha) *
      Math.pow(Math.cos((1 - alpha) * v) / w, (1 - alpha) / alpha);
  }
  const t = beta * Math.tan(Math.PI * alpha / 2);
  const b = Math.atan(t) / alpha;
  const s = Math.pow(1 + t * t, 1 / (2 * alpha));
  return s * Math.sin(alpha * (v + b)) / Math.pow(Math.cos(v), 1 / alpha) *
    Math.pow(Math.cos(v - alpha * (v + b)) / w, (1 - alpha) / alpha);
}

function checkStable(alpha: number, beta: number, scale: number): void {
  if (!(alpha > 0 && alpha <= 2)) {
    throw new RangeError(
      `Cannot draw an α-stable variable: alpha must be in (0, 2], current value is ${alpha}`,
    );
  }
  if (!(beta >= -1 && beta <= 1)) {
    throw new RangeError(
      `Cannot draw an α-stable variable: beta must be in [-1, 1], current value is ${beta}`,
    );
  }
  if (!(scale > 0 && Number.isFinite(scale))) {
    throw new RangeError(
      `Cannot draw an α-stable variable: scale must be positive and finite, current value is ${scale}`,
    );
  }
}
