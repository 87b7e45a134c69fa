import type { SymbolicLoss } from "./symbolic_loss.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode gradientDescentTwoCycle}. */
export interface GradientDescentTwoCycleOptions {
  /** The learning rate η > 0. */
  lr: number;
  /**
   * An interval [lower, upper] of x > 0 where ηf'(x) − 2x changes sign once; it is searched by
   * bisection.
   * @default {[1e-6, 100]}
   */
  bracket?: [number, number];
}

/** The symmetric 2-cycle of {@linkcode gradientDescentTwoCycle}. */
export interface GradientDescentTwoCycleResult {
  /** x* > 0: gradient descent alternates between x* and −x*. */
  x: number;
  /** The loss there, f(x*). */
  loss: number;
  /** The curvature there, f''(x*). */
  curvature: number;
  /** The curvature at the minimum, f''(0). */
  minimumCurvature: number;
  /**
   * The derivative of the two-step map at the cycle, (1 − ηf''(x*))(1 − ηf''(−x*)) =
   * (1 − ηf''(x*))²: the cycle attracts when it is below 1.
   */
  multiplier: number;
  /** multiplier < 1. */
  stable: boolean;
  /** Bisection steps used. */
  iterations: number;
  /** Lets the result go into a table as a plain record. */
  [key: string]: number | boolean;
}

/**
 * The symmetric period-2 orbit ±x* of gradient descent x ← x − ηf'(x) on an even 1-D loss: −x* =
 * x* − ηf'(x*), i.e. 2x* = ηf'(x*), solved by bisection. For f = log cosh x (f''(0) = 1) and
 * η > 2 this is tanh(x*) = (2/η)·x* (η = 3: x* ≈ 1.2878): GD cannot converge to the minimum, whose
 * curvature exceeds 2/η, and oscillates where the curvature sech²(x*) is below 2/η instead. The
 * cycle's stability is the two-step multiplier (1 − ηf''(x*))² < 1.
 *
 * @see Ma, Kunin, Wu, Ying, "Beyond the quadratic approximation: the multiscale structure of
 * neural network loss landscapes", arXiv:2204.11326.
 *
 * @example The log cosh cycle at η = 3
 * ```ts
 * import { gradientDescentTwoCycle, symbolicLoss } from "minima";
 * import assert from "node:assert/strict";
 *
 * const c = gradientDescentTwoCycle(symbolicLoss("log(cosh(x))"), { lr: 3 });
 * assert.ok(Math.abs(Math.tanh(c.x) - 2 * c.x / 3) < 1e-12);
 * assert.ok(c.curvature < 2 / 3 && c.minimumCurvature > 2 / 3 && c.stable);
 * ```
 *
 * @param loss A 1-D even loss (f(−x) = f(x)) from `symbolicLoss`.
 * @param options The learning rate and the search interval.
 * @returns x*, the curvatures, the cycle's multiplier and whether it attracts.
 */
export function gradientDescentTwoCycle(
  loss: SymbolicLoss,
  options: GradientDescentTwoCycleOptions,
): GradientDescentTwoCycleResult {
  checkCall("gradientDescentTwoCycle", arguments);
  const what = "Cannot find the gradient descent 2-cycle";
  if (!loss || typeof loss !== "object" || typeof loss.gradient !== "function") {
    throw new TypeError(
      `${what}: loss must be a SymbolicLoss (e.g. symbolicLoss("log(cosh(x))")), current value is ${loss}`,
    );
  }
  if (loss.dim !== 1) {
    throw new TypeError(
      `${what}: the loss must have one variable, current variables are [${
        loss.variables.join(", ")
      }]`,
    );
  }
  const lr = options?.lr;
  if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) {
    throw new RangeError(`${what}: lr must be a positive number, current value is ${lr}`);
  }
  const bracket = options.bracket ?? [1e-6, 100];
  if (
    !Array.isArray(bracket) || bracket.length !== 2 || !(bracket[0] > 0) ||
    !(bracket[1] > bracket[0]) || !Number.isFinite(bracket[1])
  ) {
    throw new RangeError(
      `${what}: bracket must be [lower, upper] with 0 < lower < upper, current value is ${
        JSON.stringify(bracket)
      }`,
    );
  }
  const g = (x: number) => lr * loss.gradient([x])[0] - 2 * x;
  let [lo, hi] = bracket;
  let gLo = g(lo);
  const gHi = g(hi);
  if (!(Math.sign(gLo) * Math.sign(gHi) < 0)) {
    throw new RangeError(
      `${what}: ηf'(x) − 2x has the same sign at both ends of the bracket ${
        JSON.stringify(bracket)
      } (${gLo.toPrecision(4)} and ${
        gHi.toPrecision(4)
      }); there is no symmetric 2-cycle there (a softening loss such as log cosh has one when ηf''(0) > 2): widen the bracket or raise η`,
    );
  }
  let iterations = 0;
  while (iterations < 200 && hi - lo > 4 * Number.EPSILON * hi) {
    const mid = 0.5 * (lo + hi);
    const gMid = g(mid);
    iterations++;
    if (gMid === 0) {
      lo = hi = mid;
      break;
    }
    if (Math.sign(gMid) === Math.sign(gLo)) {
      lo = mid;
      gLo = gMid;
    } else {
      hi = mid;
    }
  }
  const x = 0.5 * (lo + hi);
  const slope = loss.gradient([x])[0], mirrored = loss.gradient([-x])[0];
  if (Math.abs(slope + mirrored) > 1e-8 * (Math.abs(slope) + 1)) {
    throw new TypeError(
      `${what}: the loss is not even (f'(${x}) = ${slope} but f'(${-x}) = ${mirrored}); the symmetric cycle needs f(−x) = f(x)`,
    );
  }
  const curvature = loss.hessian([x])[0];
  const multiplier = (1 - lr * curvature) ** 2;
  return {
    x,
    loss: loss.value([x]),
    curvature,
    minimumCurvature: loss.hessian([0])[0],
    multiplier,
    stable: multiplier < 1,
    iterations,
  };
}
