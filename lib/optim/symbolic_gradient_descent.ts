import type { Row } from "../_types.ts";
import type { SymbolicLoss, SymbolicPoint } from "../landscape/mod.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode symbolicGradientDescent}. */
export interface SymbolicGradientDescentOptions {
  /** The learning rate η > 0. */
  lr: number;
  /**
   * Gradient steps.
   * @default {100}
   */
  steps?: number;
  /**
   * Record a row every this many steps (and at step 0 and at the end).
   * @default {1}
   */
  every?: number;
  /**
   * The run has diverged when the loss exceeds this, or a coordinate or the loss is not finite; it
   * then stops with `diverged: true` instead of throwing.
   * @default {1e6}
   */
  divergenceThreshold?: number;
}

/**
 * A row of {@linkcode symbolicGradientDescent}: the step, the loss (NaN or ±Infinity as they
 * are when the run diverged, never null), the gradient norm, whether the run diverged there, and
 * one column per variable.
 */
export type SymbolicGradientDescentRow = {
  /** Steps taken. */
  step: number;
  /** f(x_step). */
  loss: number;
  /** ‖∇f(x_step)‖. */
  gradient_norm: number;
  /** Whether the run diverged at this row (then the last row). */
  diverged: boolean;
} & Row;

/** What {@linkcode symbolicGradientDescent} returns. */
export interface SymbolicGradientDescentResult {
  /** Rows { step, loss, gradient_norm, diverged, and one column per variable }. */
  history: SymbolicGradientDescentRow[];
  /** The last iterate (the last finite one if the run diverged). */
  final: Float64Array;
  /** Whether the run diverged. */
  diverged: boolean;
  /** The step at which divergence was detected, or null. */
  divergedAt: number | null;
  /** Steps taken. */
  steps: number;
}

const RESERVED = new Set(["step", "loss", "gradient_norm", "diverged"]);

/**
 * Gradient descent on a formula, in float64 with the exact symbolic gradient:
 * x_{t+1} = x_t − η ∇f(x_t). For toy landscapes: the log cosh 2-cycle at the edge of stability,
 * double wells, ½h(y)x². Divergence is data, as in `train`.
 *
 * @see Ma, Kunin, Wu, Ying, "Beyond the quadratic approximation: the multiscale structure of
 * neural network loss landscapes", arXiv:2204.11326.
 *
 * @example GD on log cosh with η = 3 > 2/f''(0) settles into a 2-cycle ±1.29
 * ```ts
 * import { symbolicGradientDescent, symbolicLoss } from "minima";
 * import assert from "node:assert/strict";
 *
 * const run = symbolicGradientDescent(symbolicLoss("log(cosh(x))"), [0.1], { lr: 3, steps: 60 });
 * const [a, b] = run.history.slice(-2).map((r) => r.x as number);
 * assert.ok(Math.abs(a + b) < 1e-9 && Math.abs(Math.abs(a) - 1.2878) < 1e-3);
 * ```
 *
 * @param loss The loss (from `symbolicLoss`).
 * @param x0 The starting point, an array in the order of `loss.variables` or an object.
 * @param options The learning rate, steps, recording interval and divergence threshold.
 * @returns The history, the final iterate and whether the run diverged.
 */
export function symbolicGradientDescent(
  loss: SymbolicLoss,
  x0: SymbolicPoint,
  options: SymbolicGradientDescentOptions,
): SymbolicGradientDescentResult {
  checkCall("symbolicGradientDescent", arguments);
  const what = "Cannot run gradient descent on the symbolic loss";
  if (
    !loss || typeof loss !== "object" || typeof loss.gradient !== "function" ||
    !Array.isArray(loss.variables)
  ) {
    throw new TypeError(
      `${what}: loss must be a SymbolicLoss (e.g. symbolicLoss("log(cosh(x))")), current value is ${loss}`,
    );
  }
  const clash = loss.variables.find((v) => RESERVED.has(v));
  if (clash !== undefined) {
    throw new TypeError(
      `${what}: the variable ${clash} would clash with a history column (step, loss, gradient_norm, diverged); rename it`,
    );
  }
  const lr = options?.lr;
  if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) {
    throw new RangeError(`${what}: lr must be a positive number, current value is ${lr}`);
  }
  const steps = options.steps ?? 100;
  const every = options.every ?? 1;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(
      `${what}: steps must be a non-negative integer, current value is ${steps}`,
    );
  }
  if (!Number.isInteger(every) || every < 1) {
    throw new RangeError(`${what}: every must be a positive integer, current value is ${every}`);
  }
  const threshold = options.divergenceThreshold ?? 1e6;
  if (!(threshold > 0)) {
    throw new RangeError(
      `${what}: divergenceThreshold must be a positive number, current value is ${threshold}`,
    );
  }
  // The loss checks the point (type, length, names, finiteness) with its own messages.
  loss.value(x0);
  let x = Float64Array.from(loss.variables, (_, i) => pointEntry(x0, loss.variables, i));
  const history: SymbolicGradientDescentRow[] = [];
  const record = (step: number, value: number, gradient: Float64Array, diverged: boolean) => {
    const row: SymbolicGradientDescentRow = {
      step,
      loss: value,
      gradient_norm: Math.hypot(...gradient),
      diverged,
    };
    loss.variables.forEach((v, i) => (row[v] = x[i]));
    history.push(row);
  };
  let diverged = false, divergedAt: number | null = null, taken = 0;
  let value = loss.value(x), gradient = loss.gradient(x);
  record(0, value, gradient, false);
  for (let step = 0; step < steps; step++) {
    const next = x.map((xi, i) => xi - lr * gradient[i]);
    if (!next.every(Number.isFinite)) {
      diverged = true;
      divergedAt = step + 1;
      record(step + 1, NaN, gradient, true);
      break;
    }
    x = next;
    taken = step + 1;
    value = loss.value(x);
    gradient = loss.gradient(x);
    if (!(value <= threshold) || !gradient.every(Number.isFinite)) {
      diverged = true;
      divergedAt = taken;
      record(taken, value, gradient, true);
      break;
    }
    if (taken % every === 0 || taken === steps) record(taken, value, gradient, false);
  }
  return { history, final: x, diverged, divergedAt, steps: taken };
}

/** Entry i of a point given as an array or an object (already validated by the loss). */
function pointEntry(x0: SymbolicPoint, variables: readonly string[], i: number): number {
  const arr = x0 as ArrayLike<number>;
  return typeof arr.length === "number" ? arr[i] : (x0 as Record<string, number>)[variables[i]];
}
