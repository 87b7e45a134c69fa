import type { Row } from "../_types.ts";
import type { QuadraticOracleOptions } from "./quadratic_oracle.ts";
import { checkBatchSize, checkPositive } from "./_hyper.ts";
import { saveSteps } from "./_save_steps.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode sgdQuadraticMoments}. */
export interface SgdQuadraticMomentsOptions {
  /** The learning rate η > 0. */
  lr: number;
  /**
   * The SVAG factor ℓ ≥ 1 (step η/ℓ, gradient noise ℓ times one batch's); 1 is plain SGD.
   * @default {1}
   */
  l?: number;
  /**
   * The batch size B.
   * @default {1}
   */
  batchSize?: number;
  /**
   * The initial parameters θ0.
   * @default {zeros}
   */
  theta0?: ArrayLike<number>;
  /**
   * Optimizer steps.
   * @default {the last of `saveAt`, else 100}
   */
  steps?: number;
  /**
   * A record every this many steps (and at 0 and at the end).
   * @default {steps}
   */
  saveEvery?: number;
  /** The steps to record, strictly increasing integers in [0, steps] (overrides `saveEvery`). */
  saveAt?: ArrayLike<number>;
}

/** The result of {@linkcode sgdQuadraticMoments}. */
export interface SgdQuadraticMomentsResult {
  /**
   * Per recorded step and coordinate, two rows `{ step, t, component: "θi", source, mean,
   * variance }`: `source: "discrete"` for the optimizer, `"sde"` for its SDE at the same time
   * t = step·η/ℓ.
   */
  records: Row[];
  /**
   * The stationary variance of each coordinate: the optimizer's ηs²/(Bh(2 − ηh/ℓ)) (Infinity
   * when |1 − ηh/ℓ| ≥ 1, where it diverges) and the SDE's ηs²/(2Bh).
   */
  stationaryVariance: { discrete: number[]; sde: number[] };
}

/**
 * The exact mean and variance of SGD (or SVAG with factor ℓ) on the noisy quadratic
 * L = ½Σh_i(θ_i − θ*_i)² with gradient noise s ⊙ z/√B, and of the SGD SDE that approximates it.
 * The discrete recursion **[derived]**, with a = 1 − ηh/ℓ: E θ_k − θ* = a^k(θ0 − θ*),
 * V_{k+1} = a²V_k + η²s²/(ℓB), so V_k = η²s²(1 − a^{2k})/(ℓB(1 − a²)); the SDE
 * dX = −h(X − θ*)dt + (ηs²/B)^{1/2}dW at t = kη/ℓ is Ornstein–Uhlenbeck:
 * mean decays like e^{−ht}, Var = ηs²(1 − e^{−2ht})/(2hB). Their stationary ratio
 * 2/(2 − ηh/ℓ) is 1 for small ηh, grows without bound as ηh/ℓ → 2, and goes back to 1 as ℓ grows:
 * why the SDE breaks at large η and SVAG repairs it.
 *
 * @see Li, Malladi, Arora, "On the validity of modeling SGD with stochastic differential
 * equations (SDEs)", NeurIPS 2021, arXiv 2102.12470.
 *
 * @example At ηh = 1.5 SGD's stationary variance is 4 times the SDE's; SVAG with ℓ = 8 is close
 * ```ts
 * import { sgdQuadraticMoments } from "minima";
 * import assert from "node:assert/strict";
 *
 * const sgd = sgdQuadraticMoments({ curvature: [1] }, { lr: 1.5 }).stationaryVariance;
 * assert.ok(Math.abs(sgd.discrete[0] / sgd.sde[0] - 4) < 1e-12);
 * const svag = sgdQuadraticMoments({ curvature: [1] }, { lr: 1.5, l: 8 }).stationaryVariance;
 * assert.ok(Math.abs(svag.discrete[0] / svag.sde[0] - 2 / (2 - 1.5 / 8)) < 1e-12);
 * ```
 *
 * @param quadratic The curvatures h, the minimizer θ* and the per-sample noise s (as for
 * {@linkcode quadraticOracle}).
 * @param options η, ℓ, B, θ0 and the steps to record.
 * @returns The records of both processes and their stationary variances.
 */
export function sgdQuadraticMoments(
  quadratic: QuadraticOracleOptions,
  options: SgdQuadraticMomentsOptions,
): SgdQuadraticMomentsResult {
  checkCall("sgdQuadraticMoments", arguments);
  const what = "compute the SGD moments on the quadratic";
  const h = Array.from(quadratic?.curvature ?? []);
  const d = h.length;
  if (d === 0 || !h.every((v) => typeof v === "number" && Number.isFinite(v) && v > 0)) {
    throw new RangeError(
      `Cannot ${what}: curvature must hold one positive finite number per parameter, current value is [${h}]`,
    );
  }
  const center = quadratic.center === undefined
    ? new Array(d).fill(0)
    : Array.from(quadratic.center);
  const s0 = quadratic.noiseStd ?? 1;
  const s = typeof s0 === "number" ? new Array(d).fill(s0) : Array.from(s0);
  if (center.length !== d || s.length !== d) {
    throw new RangeError(
      `Cannot ${what}: center and noiseStd must hold d = ${d} values, current lengths are ${center.length} and ${s.length}`,
    );
  }
  if (!center.every(Number.isFinite) || !s.every((v) => v >= 0 && Number.isFinite(v))) {
    throw new RangeError(
      `Cannot ${what}: center must be finite and noiseStd non-negative and finite`,
    );
  }
  const lr = options?.lr;
  checkPositive(what, "lr", lr);
  const l = options.l ?? 1;
  if (typeof l !== "number" || !(l >= 1) || !Number.isFinite(l)) {
    throw new RangeError(
      `Cannot ${what}: l must be a finite number of at least 1 (l = 1 is SGD), current value is ${l}`,
    );
  }
  const batchSize = options.batchSize ?? 1;
  checkBatchSize(what, batchSize);
  const theta0 = options.theta0 === undefined ? new Array(d).fill(0) : Array.from(options.theta0);
  if (theta0.length !== d || !theta0.every(Number.isFinite)) {
    throw new RangeError(
      `Cannot ${what}: theta0 must hold d = ${d} finite values, current value is [${theta0}]`,
    );
  }
  const { saves } = saveSteps(options, what);

  const records: Row[] = [];
  const discrete: number[] = [], sde: number[] = [];
  for (let i = 0; i < d; i++) {
    const a = 1 - lr * h[i] / l;
    const q = lr * lr * s[i] ** 2 / (l * batchSize);
    discrete.push(Math.abs(a) < 1 ? q / (1 - a * a) : Infinity);
    sde.push(lr * s[i] ** 2 / (2 * h[i] * batchSize));
  }
  for (const k of saves) {
    const t = k * lr / l;
    for (let i = 0; i < d; i++) {
      const a = 1 - lr * h[i] / l;
      const q = lr * lr * s[i] ** 2 / (l * batchSize);
      const a2 = a * a;
      // Σ_{j<k} a^{2j}, exactly k when a² = 1.
      const sum = a2 === 1 ? k : (1 - a2 ** k) / (1 - a2);
      const component = `θ${i}`;
      records.push({
        step: k,
        t,
        component,
        source: "discrete",
        mean: center[i] + a ** k * (theta0[i] - center[i]),
        variance: q * sum,
      });
      records.push({
        step: k,
        t,
        component,
        source: "sde",
        mean: center[i] + Math.exp(-h[i] * t) * (theta0[i] - center[i]),
        variance: sde[i] * -Math.expm1(-2 * h[i] * t),
      });
    }
  }
  return { records, stationaryVariance: { discrete, sde } };
}
