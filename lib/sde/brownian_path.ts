import { Rng, type Seed } from "../random/mod.ts";
import type { NoisePath } from "./noise_path.ts";
import { checkFinite, checkIncrement, checkPositiveInteger, pathSeed } from "./_path_util.ts";
import { fillScaledNormals } from "./_normals.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode brownianPath}. */
export interface BrownianPathOptions {
  /**
   * Independent copies (SDE particles).
   * @default {1}
   */
  particles?: number;
  /**
   * Noise components per copy.
   * @default {1}
   */
  dim?: number;
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
  /**
   * Also draw ΔZ = ∫(W_r − W_s) dr jointly with ΔW (needed by order-1.5 solvers).
   * @default {false}
   */
  levyArea?: boolean;
}

/**
 * A seeded Brownian path whose increments are drawn fresh, in order: the fastest path, for a
 * single solve on one time grid. Each increment over [s, u] must start where the previous one
 * ended (diffrax's `UnsafeBrownianPath`, with the order checked). Use
 * {@linkcode virtualBrownianTree} to solve the same path at several step sizes.
 *
 * ΔW ~ N(0, h) and, with `levyArea`, ΔZ = h(ΔW/2 + H) with H ~ N(0, h/12) independent of ΔW,
 * h = u − s (so Var ΔZ = h³/3 and Cov(ΔW, ΔZ) = h²/2).
 *
 * @see Kloeden, Platen, "Numerical Solution of Stochastic Differential Equations", §10.4.
 *
 * @example Increments of the right variance
 * ```ts
 * import { brownianPath } from "minima";
 * import assert from "node:assert/strict";
 *
 * const path = brownianPath({ particles: 10_000, seed: 1 });
 * const dW = new Float64Array(10_000);
 * path.increment(0, 0.5, dW);
 * const variance = dW.reduce((s, w) => s + w * w, 0) / dW.length;
 * assert.ok(Math.abs(variance - 0.5) < 0.05);
 * assert.throws(() => path.increment(0, 1, dW), /consecutive/);
 * ```
 *
 * @param options Shape, start time, seed, and whether to draw the Lévy area.
 * @returns The path.
 */
export function brownianPath(options: BrownianPathOptions = {}): NoisePath {
  checkCall("brownianPath", arguments);
  const what = "a Brownian path";
  const particles = options.particles ?? 1, dim = options.dim ?? 1;
  checkPositiveInteger(`create ${what}`, "particles", particles);
  checkPositiveInteger(`create ${what}`, "dim", dim);
  const t0 = options.t0 ?? 0;
  checkFinite(`create ${what}`, "t0", t0);
  const rng = new Rng(pathSeed(what, options.seed ?? 0));
  const levyArea = options.levyArea ?? false;
  const size = particles * dim;
  let last = t0;
  let started = false;
  let spare: Float64Array | undefined;
  return {
    kind: "brownian",
    particles,
    dim,
    levyArea,
    consistent: false,
    t0,
    t1: Infinity,
    increment(s: number, u: number, dW: Float64Array, dZ?: Float64Array): void {
      checkIncrement("a Brownian increment", size, s, u, dW, dZ);
      if (dZ !== undefined && !levyArea) {
        throw new TypeError(
          "Cannot draw a Brownian increment: dZ was requested from a path created without levyArea; create it with levyArea: true",
        );
      }
      if (started ? s !== last : s < t0) {
        throw new RangeError(
          `Cannot draw a Brownian increment: brownianPath gives consecutive increments only, expected s = ${
            started ? last : `t0 = ${t0} or later`
          }, current value is ${s}; use virtualBrownianTree to revisit times`,
        );
      }
      started = true;
      last = u;
      const h = u - s;
      fillScaledNormals(rng, dW, Math.sqrt(h));
      if (levyArea) {
        // Drawn even when ΔZ is not read, so the stream does not depend on it.
        const z = dZ ?? (spare ??= new Float64Array(size));
        fillScaledNormals(rng, z, h * Math.sqrt(h / 12));
        for (let i = 0; i < size; i++) z[i] += 0.5 * h * dW[i];
      }
    },
  };
}
