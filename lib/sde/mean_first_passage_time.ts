import { checkCall } from "../_checks.ts";
/** The interval of {@linkcode meanFirstPassageTime}: start, target, and reflecting lower end. */
export interface PassageInterval {
  /** The reflecting lower end a (or a point far enough below that the potential confines). */
  lower: number;
  /** The start x₀, a ≤ x₀ < b. */
  from: number;
  /** The target b: the time to first reach it. */
  to: number;
}

/** Options for {@linkcode meanFirstPassageTime}. */
export interface MeanFirstPassageTimeOptions {
  /**
   * The noise σ in dX = −U'(X) dt + σ dW.
   * @default {1}
   */
  sigma?: number;
  /**
   * Trapezoid intervals over [a, b].
   * @default {100000}
   */
  steps?: number;
}

/**
 * The exact mean first-passage time of a 1-D gradient diffusion dX = −U'(X) dt + σ dW from x₀ to
 * b > x₀, reflected at a < x₀, by quadrature of the closed form
 * T = (2/σ²) ∫_{x₀}^{b} e^{2U(y)/σ²} ∫_{a}^{y} e^{−2U(z)/σ²} dz dy.
 * For small σ it approaches Kramers' law (π/√(U''(x_min)|U''(x_max)|))·e^{2ΔU/σ²} when b is the
 * barrier top. The reference for escape times under Gaussian noise ({@linkcode escapeTimes}).
 *
 * @see Gardiner, "Handbook of Stochastic Methods", §5.2.7 (first passage times).
 *
 * @example Brownian motion reflected at 0 reaches 1 from 0 in mean time 1/σ²
 * ```ts
 * import { meanFirstPassageTime } from "minima";
 * import assert from "node:assert/strict";
 *
 * const t = meanFirstPassageTime(() => 0, { lower: 0, from: 0, to: 1 }, { sigma: 2 });
 * assert.ok(Math.abs(t - 0.25) < 1e-8);
 * ```
 *
 * @param potential U(x).
 * @param interval The reflecting end a, the start x₀ and the target b.
 * @param options σ and the quadrature steps.
 * @returns The mean first-passage time.
 */
export function meanFirstPassageTime(
  potential: (x: number) => number,
  interval: PassageInterval,
  options: MeanFirstPassageTimeOptions = {},
): number {
  checkCall("meanFirstPassageTime", arguments);
  const what = "compute the mean first-passage time";
  if (typeof potential !== "function") {
    throw new TypeError(
      `Cannot ${what}: potential must be a function x => U(x), current value is ${potential}`,
    );
  }
  const { lower: a, from: x0, to: b } = interval ?? ({} as PassageInterval);
  if (
    ![a, x0, b].every((v) => typeof v === "number" && Number.isFinite(v)) || !(a <= x0 && x0 < b)
  ) {
    throw new RangeError(
      `Cannot ${what}: the interval must have finite lower ≤ from < to, current values are lower = ${a}, from = ${x0}, to = ${b}`,
    );
  }
  const sigma = options.sigma ?? 1, steps = options.steps ?? 100_000;
  if (!(sigma > 0) || !Number.isFinite(sigma)) {
    throw new RangeError(
      `Cannot ${what}: sigma must be a positive finite number, current value is ${sigma}`,
    );
  }
  if (!Number.isInteger(steps) || steps < 10) {
    throw new RangeError(
      `Cannot ${what}: steps must be an integer of at least 10, current value is ${steps}`,
    );
  }
  const k = 2 / (sigma * sigma), h = (b - a) / steps;
  // Shift the exponents by U at the start to keep them in range; the shift cancels.
  const u0 = potential(x0);
  let inner = 0, outer = 0, prevF = 0, prevE = Math.exp(-k * (potential(a) - u0));
  for (let i = 1; i <= steps; i++) {
    const y = a + i * h;
    const uy = potential(y) - u0;
    const e = Math.exp(-k * uy);
    inner += 0.5 * h * (prevE + e);
    prevE = e;
    const f = Math.exp(k * uy) * inner;
    const yPrev = y - h;
    if (yPrev >= x0) outer += 0.5 * h * (prevF + f);
    else if (y > x0) {
      // The start falls inside this interval: integrate from x0 by linear interpolation.
      const fx0 = prevF + (f - prevF) * (x0 - yPrev) / h;
      outer += 0.5 * (y - x0) * (fx0 + f);
    }
    prevF = f;
  }
  if (!Number.isFinite(outer)) {
    throw new RangeError(
      `Cannot ${what}: the integrals overflowed; the barrier is too high for σ = ${sigma}`,
    );
  }
  return k * outer;
}
