import type { Row } from "../_types.ts";
import type { SymbolicLoss } from "./symbolic_loss.ts";
import { valleyDrift } from "./valley_drift.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode valleyEffectiveDynamics}. */
export interface ValleyEffectiveDynamicsOptions {
  /** The learning rate η > 0. */
  lr: number;
  /** The starting position y₀ along the valley. */
  y0: number;
  /**
   * Steps of the averaged map.
   * @default {1000}
   */
  steps?: number;
  /**
   * Record a row every this many steps (and at 0 and at the end).
   * @default {1}
   */
  every?: number;
  /**
   * Steps of the map per evaluation: 1 iterates the map itself; s > 1 takes one classical
   * Runge–Kutta step of length s of its flow dy/dt = −η g(x*(y)) h'(y) (the map's limit for slowly
   * varying h, four drift evaluations per s steps). `every` must be a multiple of it.
   * @default {1}
   */
  stride?: number;
  /**
   * Which energy to average (see `valleyDrift`).
   * @default {"exact"}
   */
  energy?: "exact" | "quadratic";
}

/** The averaged path. */
export interface ValleyEffectiveDynamicsResult {
  /** Rows { step, y, drift, amplitude, floor_sharpness, edge }. */
  history: Row[];
  /** The last y. */
  final: number;
}

/**
 * The effective dynamics of gradient descent along a valley L(x, y) = g(x)·h(y): the averaged map
 * y_{t+1} = y_t − η g(x*(y_t)) h'(y_t), with x*(y) the amplitude of GD's 2-cycle across the valley
 * at the local step ηh(y) (see {@linkcode valleyDrift} for the derivation). Along it the floor's
 * sharpness h(y)g''(0) falls toward 2/η and stays there.
 *
 * @see Ma, Kunin, Wu, Ying, "Beyond the quadratic approximation: the multiscale structure of
 * neural network loss landscapes", arXiv 2204.11326.
 *
 * @example The sharpness of the floor of log cosh(x)·e^{y/20} falls from 3/η toward 2/η
 * ```ts
 * import { symbolicLoss, valleyEffectiveDynamics } from "minima";
 * import assert from "node:assert/strict";
 *
 * const g = symbolicLoss("log(cosh(x))"), h = symbolicLoss("exp(y / 20)");
 * const run = valleyEffectiveDynamics(g, h, { lr: 1, y0: 20 * Math.log(3), steps: 1000, every: 250 });
 * const s = run.history.map((r) => r.floor_sharpness as number);
 * assert.ok(s.every((v, i) => i === 0 || v < s[i - 1]) && s.at(-1)! > 2 && s.at(-1)! < 2.01);
 * ```
 *
 * @param across g, a 1-D even loss across the valley.
 * @param along h > 0 along it.
 * @param options The learning rate, start, steps and recording interval.
 * @returns The recorded path.
 */
export function valleyEffectiveDynamics(
  across: SymbolicLoss,
  along: SymbolicLoss,
  options: ValleyEffectiveDynamicsOptions,
): ValleyEffectiveDynamicsResult {
  checkCall("valleyEffectiveDynamics", arguments);
  const what = "Cannot run the valley's effective dynamics";
  const steps = options?.steps ?? 1000;
  const every = options?.every ?? 1;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(
      `${what}: steps must be a non-negative integer, current value is ${steps}`,
    );
  }
  if (!Number.isInteger(every) || every < 1) {
    throw new RangeError(`${what}: every must be a positive integer, current value is ${every}`);
  }
  const stride = options?.stride ?? 1;
  if (!Number.isInteger(stride) || stride < 1 || every % stride !== 0) {
    throw new RangeError(
      `${what}: stride must be a positive integer dividing every (${every}), current value is ${stride}`,
    );
  }
  if (typeof options?.y0 !== "number" || !Number.isFinite(options.y0)) {
    throw new RangeError(`${what}: y0 must be a finite number, current value is ${options?.y0}`);
  }
  let y = options.y0;
  let guess: number | undefined;
  const history: Row[] = [];
  const drift = (at: number) => {
    const r = valleyDrift(across, along, { lr: options.lr, y: at, energy: options.energy, guess });
    guess = r.amplitude > 0 ? r.amplitude : undefined;
    return r;
  };
  for (let t = 0; t <= steps;) {
    const r = drift(y);
    if (t % every === 0 || t === steps) {
      history.push({
        step: t,
        y,
        drift: r.drift,
        amplitude: r.amplitude,
        floor_sharpness: r.floorSharpness,
        edge: r.edge,
      });
    }
    if (t === steps) break;
    const s = Math.min(stride, steps - t);
    if (s === 1) y += r.drift;
    else {
      const k1 = r.drift;
      const k2 = drift(y + 0.5 * s * k1).drift;
      const k3 = drift(y + 0.5 * s * k2).drift;
      const k4 = drift(y + s * k3).drift;
      y += s * (k1 + 2 * k2 + 2 * k3 + k4) / 6;
    }
    t += s;
  }
  return { history, final: y };
}
