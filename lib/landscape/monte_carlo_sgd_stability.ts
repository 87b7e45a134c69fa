import { Rng, type Seed } from "../random/mod.ts";
import type { MinimumCurvature, SgdSetting } from "./linear_stability.ts";
import { checkMinimum, checkSgd } from "./_linear_stability_checks.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode monteCarloSgdStability}. */
export interface MonteCarloSgdStabilityOptions {
  /**
   * Independent SGD chains, each from x₀ = 1.
   * @default {2000}
   */
  chains?: number;
  /**
   * SGD steps T per chain.
   * @default {10}
   */
  steps?: number;
  /**
   * Seed of the batches (and of the curvatures when they are not given).
   * @default {0}
   */
  seed?: Seed;
  /**
   * The n curvatures h_i themselves. By default n standard normal draws shifted and scaled so that
   * their mean is exactly a and their (population) standard deviation exactly s; single f_i may
   * then be non-convex (h_i < 0), which the mean-square factor does not care about.
   */
  curvatures?: ArrayLike<number>;
}

/** What {@linkcode monteCarloSgdStability} measured, as a flat record. */
export interface MonteCarloSgdStabilityResult {
  /** The mean over chains of x_T², an estimate of E x_T² = factor^T. */
  meanSquare: number;
  /** The standard error of `meanSquare`. */
  standardError: number;
  /** The measured per-step mean-square growth, meanSquare^{1/T}. */
  growth: number;
  /**
   * The typical per-step growth, exp(mean over chains of log x_T² / T): the geometric mean, set
   * by E log(1 − ηg)² (the Lyapunov exponent) rather than by E(1 − ηg)². Below 1 while `growth`
   * is above 1 means most chains shrink though the second moment grows.
   */
  typicalGrowth: number;
  /** The predicted factor (1 − ηa)² + η²·(n − B)/(B(n − 1))·s². */
  factor: number;
  /** The prediction: factor ≤ 1. */
  predictedStable: boolean;
  /** The Monte-Carlo verdict: the second moment grew, meanSquare > x₀² = 1. */
  diverged: boolean;
  /** The verdict agrees with the prediction (diverged iff not predictedStable). */
  agrees: boolean;
  /** The chains run. */
  chains: number;
  /** The steps per chain. */
  steps: number;
  /** Lets the result go into a plot's data as a plain record. */
  [key: string]: number | boolean;
}

/**
 * Runs SGD on n scalar quadratics f_i(x) = ½h_i x² whose curvatures have mean a and standard
 * deviation s, many independent chains at once, and asks whether the second moment grew:
 * x_{t+1} = (1 − η·(1/B)Σ_{i∈S_t} h_i)·x_t with batches S_t of size B drawn uniformly without
 * replacement, x₀ = 1, and the verdict "diverged" when the mean of x_T² over the chains exceeds 1.
 * This is the Monte-Carlo check of the exact mean-square factor of {@linkcode sgdMeanSquareFactor}:
 * E x_T² = [(1 − ηa)² + η²·(n − B)/(B(n − 1))·s²]^T.
 *
 * Keep T short: when the noise term dominates, E x_T² is carried by rare chains whose factors are
 * all large, while a typical chain shrinks (E log|1 − ηg| < 0 though E(1 − ηg)² > 1), so with a
 * finite number of chains the sample mean underestimates E x_T² more the longer the horizon.
 *
 * @see Wu, Ma, E, "How SGD selects the global minima in over-parameterized learning: a dynamical
 * stability perspective", NeurIPS 2018.
 *
 * @example Inside and outside the stability region of η = 0.1, B = 2, n = 50
 * ```ts
 * import { monteCarloSgdStability } from "minima";
 * import assert from "node:assert/strict";
 *
 * const sgd = { lr: 0.1, batchSize: 2, n: 50 };
 * const inside = monteCarloSgdStability({ a: 10, s: 5 }, sgd, { chains: 500 });
 * assert.ok(inside.predictedStable && !inside.diverged);
 * const outside = monteCarloSgdStability({ a: 10, s: 25 }, sgd, { chains: 500 });
 * assert.ok(!outside.predictedStable && outside.diverged);
 * ```
 *
 * @param minimum The mean curvature a and its standard deviation s (ignored, apart from the
 *   prediction, when `curvatures` are given: then a and s are taken from them).
 * @param sgd Learning rate, batch size and n.
 * @param options Chains, steps, seed, explicit curvatures.
 * @returns The measured second moment, growth, verdict and the prediction it is compared with.
 */
export function monteCarloSgdStability(
  minimum: MinimumCurvature,
  sgd: SgdSetting,
  options: MonteCarloSgdStabilityOptions = {},
): MonteCarloSgdStabilityResult {
  checkCall("monteCarloSgdStability", arguments);
  const action = "Cannot run Monte-Carlo SGD on the quadratics";
  const gamma = checkSgd(sgd, action);
  const chains = options.chains ?? 2000;
  const steps = options.steps ?? 10;
  for (const [name, v] of [["chains", chains], ["steps", steps]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${action}: ${name} must be a positive integer, current value is ${v}`);
    }
  }
  const { lr, batchSize, n } = sgd;
  const rng = new Rng(options.seed ?? 0);
  let h: Float64Array;
  let a: number, s: number;
  if (options.curvatures !== undefined) {
    h = Float64Array.from(options.curvatures);
    if (h.length !== n) {
      throw new RangeError(
        `${action}: curvatures must hold n = ${n} numbers, current length is ${h.length}`,
      );
    }
    if (!h.every(Number.isFinite)) {
      throw new RangeError(`${action}: curvatures must be finite numbers`);
    }
    a = h.reduce((t, x) => t + x, 0) / n;
    s = Math.sqrt(h.reduce((t, x) => t + (x - a) ** 2, 0) / n);
  } else {
    checkMinimum(minimum, action);
    ({ a, s } = minimum);
    h = standardizedCurvatures(rng.fork(), n, a, s);
  }
  // Partial Fisher–Yates on a persistent index array: its first B entries after B swaps are a
  // uniform B-subset whatever order the array was left in.
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const c = lr / batchSize;
  let sum = 0, sumFourth = 0, sumLog = 0;
  for (let m = 0; m < chains; m++) {
    let x = 1;
    for (let t = 0; t < steps; t++) {
      let g = 0;
      for (let i = 0; i < batchSize; i++) {
        const j = i + rng.integer(n - i);
        const k = order[j];
        order[j] = order[i];
        order[i] = k;
        g += h[k];
      }
      x *= 1 - c * g;
    }
    const x2 = x * x;
    sum += x2;
    sumFourth += x2 * x2;
    sumLog += Math.log(x2);
  }
  const meanSquare = sum / chains;
  const variance = Math.max(0, sumFourth / chains - meanSquare * meanSquare);
  const factor = (1 - lr * a) ** 2 + lr * lr * gamma * s * s;
  const predictedStable = factor <= 1;
  const diverged = meanSquare > 1;
  return {
    meanSquare,
    standardError: Math.sqrt(variance / chains),
    growth: meanSquare ** (1 / steps),
    typicalGrowth: Math.exp(sumLog / (chains * steps)),
    factor,
    predictedStable,
    diverged,
    agrees: diverged !== predictedStable,
    chains,
    steps,
  };
}

/** n normal draws moved to mean exactly a and population standard deviation exactly s. */
function standardizedCurvatures(rng: Rng, n: number, a: number, s: number): Float64Array {
  const z = rng.fillNormal(new Float64Array(n));
  let m = 0;
  for (const v of z) m += v / n;
  let v2 = 0;
  for (const v of z) v2 += (v - m) ** 2 / n;
  const scale = v2 > 0 ? s / Math.sqrt(v2) : 0;
  return z.map((v) => a + scale * (v - m));
}
