import { gradientDescentTwoCycle } from "./gradient_descent_two_cycle.ts";
import type { SymbolicLoss } from "./symbolic_loss.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode valleyDrift}. */
export interface ValleyDriftOptions {
  /** The learning rate η > 0. */
  lr: number;
  /** The position y along the valley. */
  y: number;
  /**
   * `"exact"`: the averaged drift −η g(x*) h'(y); `"quadratic"`: the drift a quadratic valley
   * ½g''(0)x²·h(y) would give at the same amplitude, −η·½g''(0)x*²·h'(y) (a negative control).
   * @default {"exact"}
   */
  energy?: "exact" | "quadratic";
  /** A previous amplitude to start Newton's method from (a speed-up along a path). */
  guess?: number;
}

/** The averaged motion of gradient descent at one point of the valley. */
export interface ValleyDriftResult {
  /** The predicted change of y per step, −η g(x*) h'(y) (0 below the edge, where x* = 0). */
  drift: number;
  /** The amplitude x* ≥ 0 of the 2-cycle ±x* across the valley: 2x* = η h(y) g'(x*). */
  amplitude: number;
  /** The sharpness of the valley floor, h(y)·g''(0). */
  floorSharpness: number;
  /** η·h(y)·g''(0): above 2 GD cannot settle on the floor and oscillates across it. */
  edge: number;
  /** h(y). */
  height: number;
  /** h'(y). */
  slope: number;
  /** Lets the result go into a table. */
  [key: string]: number;
}

/**
 * The averaged drift of gradient descent along a valley L(x, y) = g(x)·h(y), with g even and
 * sub-quadratic across the valley (g = log cosh) and h > 0 slowly varying along it.
 *
 * **Derivation.** GD takes x' = x − η h(y) g'(x) and y' = y − η g(x) h'(y). With y frozen, x is
 * GD on g at step ηh(y): when ηh(y)g''(0) > 2 the floor x = 0 is unstable and x settles into the
 * 2-cycle ±x*, 2x* = ηh(y) g'(x*) (`gradientDescentTwoCycle`). On the cycle g(±x*) is the same, so
 * every step moves y by −η g(x*) h'(y): that is the averaged drift, valid while h changes little
 * per step (the error vanishes as h'/h → 0). It moves y toward smaller h, i.e. lowers the floor's
 * sharpness h(y)g''(0), and stops as ηh(y)g''(0) → 2 where x* → 0: the sharpness settles at 2/η.
 * Below the edge x* = 0 and the drift is 0.
 *
 * @see Ma, Kunin, Wu, Ying, "Beyond the quadratic approximation: the multiscale structure of
 * neural network loss landscapes", arXiv 2204.11326.
 *
 * @example g(x) = √(1 + x²) − 1 has a closed-form cycle: x*² = (ηh/2)² − 1, g(x*) = ηh/2 − 1
 * ```ts
 * import { symbolicLoss, valleyDrift } from "minima";
 * import assert from "node:assert/strict";
 *
 * const g = symbolicLoss("sqrt(1 + x^2) - 1"), h = symbolicLoss("exp(y)");
 * const r = valleyDrift(g, h, { lr: 3, y: 0 }); // ηh = 3
 * assert.ok(Math.abs(r.amplitude - Math.sqrt(1.5 ** 2 - 1)) < 1e-9);
 * assert.ok(Math.abs(r.drift - -3 * (1.5 - 1) * 1) < 1e-9);
 * ```
 *
 * @param across g, a 1-D even loss across the valley (from `symbolicLoss`).
 * @param along h > 0, a 1-D function along it.
 * @param options The learning rate, the position, and which energy to average.
 * @returns The drift per step, the cycle's amplitude and the floor's sharpness.
 */
export function valleyDrift(
  across: SymbolicLoss,
  along: SymbolicLoss,
  options: ValleyDriftOptions,
): ValleyDriftResult {
  checkCall("valleyDrift", arguments);
  const what = "Cannot compute the valley drift";
  for (const [name, f] of [["across", across], ["along", along]] as const) {
    if (!f || typeof f !== "object" || typeof f.gradient !== "function" || f.dim !== 1) {
      throw new TypeError(
        `${what}: ${name} must be a one-variable SymbolicLoss (e.g. symbolicLoss("log(cosh(x))")), current value is ${
          f && typeof f === "object" ? `a loss of ${f.dim} variables` : f
        }`,
      );
    }
  }
  const { lr, y } = options ?? {};
  if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) {
    throw new RangeError(`${what}: lr must be a positive number, current value is ${lr}`);
  }
  if (typeof y !== "number" || !Number.isFinite(y)) {
    throw new RangeError(`${what}: y must be a finite number, current value is ${y}`);
  }
  const energy = options.energy ?? "exact";
  if (energy !== "exact" && energy !== "quadratic") {
    throw new TypeError(
      `${what}: energy must be "exact" or "quadratic", current value is ${JSON.stringify(energy)}`,
    );
  }
  const height = along.value([y]);
  if (!(height > 0)) {
    throw new RangeError(`${what}: h(y) must be positive, h(${y}) = ${height}`);
  }
  const slope = along.gradient([y])[0];
  const curvature = across.hessian([0])[0];
  const edge = lr * height * curvature;
  let amplitude = 0;
  if (edge > 2) {
    const step = lr * height;
    // From a guess, Newton on ηh·g'(x) − 2x = 0 (a few steps along a path); else bisection.
    let x = NaN;
    if (options.guess !== undefined && options.guess > 0) {
      x = options.guess;
      for (let it = 0; it < 30; it++) {
        const f = step * across.gradient([x])[0] - 2 * x;
        const df = step * across.hessian([x])[0] - 2;
        const next = x - f / df;
        if (!(next > 0) || !Number.isFinite(next)) {
          x = NaN;
          break;
        }
        const done = Math.abs(next - x) <= 1e-14 * next;
        x = next;
        if (done) break;
      }
      if (!(Math.abs(step * across.gradient([x])[0] - 2 * x) <= 1e-12 * (1 + x))) x = NaN;
    }
    amplitude = Number.isFinite(x) ? x : gradientDescentTwoCycle(across, { lr: step }).x;
  }
  const level = energy === "exact" ? across.value([amplitude]) : 0.5 * curvature * amplitude ** 2;
  return {
    drift: -lr * level * slope,
    amplitude,
    floorSharpness: height * curvature,
    edge,
    height,
    slope,
  };
}
