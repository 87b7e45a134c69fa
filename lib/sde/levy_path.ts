import { fillStable, Rng, type Seed } from "../random/mod.ts";
import type { NoisePath } from "./noise_path.ts";
import { checkFinite, checkIncrement, checkPositiveInteger, pathSeed } from "./_path_util.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode levyPath}. */
export interface LevyPathOptions {
  /**
   * Independent copies (SDE particles).
   * @default {1}
   */
  particles?: number;
  /**
   * Noise components per copy (independent symmetric α-stable processes).
   * @default {1}
   */
  dim?: number;
  /**
   * The scale σ of L_1: L_1 ~ S_α(σ, 0, 0).
   * @default {1}
   */
  scale?: number;
  /**
   * The start time: the first increment may start at t0 or later.
   * @default {0}
   */
  t0?: number;
  /**
   * The seed.
   * @default {0}
   */
  seed?: Seed;
}

/** A Lévy path with its stability index. */
export interface LevyPath extends NoisePath {
  /** The stability index α in (0, 2]. */
  readonly alpha: number;
}

/**
 * A seeded symmetric α-stable Lévy process L, increments drawn fresh and in order (each
 * increment starts where the previous one ended), for Euler–Maruyama with heavy-tailed noise.
 * Increments are L_u − L_s ~ (u − s)^{1/α}·S_α(σ, 0, 0), drawn by Chambers–Mallows–Stuck
 * ({@linkcode fillStable}). Convention: E exp(iξL_1) = exp(−σ^α|ξ|^α), so α = 2 gives
 * L = √2·σ·W, not W.
 *
 * @see Şimşekli, Sagun, Gürbüzbalaban, "A tail-index analysis of stochastic gradient noise in
 * deep neural networks", ICML 2019, arXiv 1901.06053 (SGD as a Lévy-driven SDE).
 *
 * @example Heavier tails for smaller α
 * ```ts
 * import { levyPath } from "minima";
 * import assert from "node:assert/strict";
 *
 * const big = (alpha: number) => {
 *   const dL = new Float64Array(20_000);
 *   levyPath(alpha, { particles: 20_000, seed: 3 }).increment(0, 1, dL);
 *   return dL.filter((x) => Math.abs(x) > 10).length;
 * };
 * assert.ok(big(1.2) > 10 * big(1.9));
 * ```
 *
 * @param alpha The stability index α in (0, 2].
 * @param options Shape, scale, start time and seed.
 * @returns The path.
 */
export function levyPath(alpha: number, options: LevyPathOptions = {}): LevyPath {
  checkCall("levyPath", arguments);
  const what = "a Lévy path";
  if (typeof alpha !== "number" || !(alpha > 0 && alpha <= 2)) {
    throw new RangeError(
      `Cannot create ${what}: alpha must be in (0, 2], current value is ${alpha}; α = 2 is Gaussian, smaller α heavier-tailed`,
    );
  }
  const particles = options.particles ?? 1, dim = options.dim ?? 1;
  checkPositiveInteger(`create ${what}`, "particles", particles);
  checkPositiveInteger(`create ${what}`, "dim", dim);
  const scale = options.scale ?? 1;
  if (!(scale > 0 && Number.isFinite(scale))) {
    throw new RangeError(
      `Cannot create ${what}: scale must be positive and finite, current value is ${scale}`,
    );
  }
  const t0 = options.t0 ?? 0;
  checkFinite(`create ${what}`, "t0", t0);
  const rng = new Rng(pathSeed(what, options.seed ?? 0));
  const size = particles * dim;
  let last = t0;
  let started = false;
  return {
    kind: "levy",
    alpha,
    particles,
    dim,
    levyArea: false,
    consistent: false,
    t0,
    t1: Infinity,
    increment(s: number, u: number, dW: Float64Array, dZ?: Float64Array): void {
      checkIncrement("a Lévy increment", size, s, u, dW, dZ);
      if (dZ !== undefined) {
        throw new TypeError(
          "Cannot draw a Lévy increment: a Lévy path has no Lévy area (dZ); use a Brownian path for order-1.5 solvers",
        );
      }
      if (started ? s !== last : s < t0) {
        throw new RangeError(
          `Cannot draw a Lévy increment: levyPath gives consecutive increments only, expected s = ${
            started ? last : `t0 = ${t0} or later`
          }, current value is ${s}`,
        );
      }
      started = true;
      last = u;
      fillStable(rng, dW, alpha, { scale: scale * Math.pow(u - s, 1 / alpha) });
    },
  };
}
