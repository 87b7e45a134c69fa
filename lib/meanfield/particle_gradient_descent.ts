import type { Seed } from "../random/mod.ts";
import type { ProgressCallback, Scalar } from "../_types.ts";
import { checkData, checkParams } from "./_checks.ts";
import type { ParticleData, ParticleModel } from "./particle_model.ts";
import { checkCall } from "../_checks.ts";

/** One recorded row of {@linkcode particleGradientDescent}. */
export interface ParticleRow {
  /** Steps taken. */
  step: number;
  /** The time step·lr (mean-field time when each particle moves by −lr·N·∇L). */
  time: number;
  /** The loss (NaN or the value that crossed the threshold where the run diverged). */
  loss: number;
  /** Whether the run diverged at this row (then it is the last). */
  diverged: boolean;
  /** The tracker's columns and the tags. */
  [column: string]: Scalar;
}

/** Options for {@linkcode particleGradientDescent}. */
export interface ParticleGradientDescentOptions {
  /** The step: each particle moves by −lr·stepScale·∇_θⱼL. */
  lr: number;
  /**
   * Steps.
   * @default {100}
   */
  steps?: number;
  /**
   * The factor on the gradient. The default, the number of particles N, is the mean-field
   * scaling: each particle then moves O(1) per unit of time lr·step whatever N, and as N grows the
   * particles follow the gradient flow of their distribution. 1 is plain gradient descent.
   * @default {model.particles}
   */
  stepScale?: number;
  /**
   * Record a row every this many steps (and at step 0 and at the end).
   * @default {10}
   */
  every?: number;
  /** Initial parameters (copied); otherwise `model.init(seed)`. */
  params?: Float64Array;
  /**
   * The seed of the initial parameters.
   * @default {0}
   */
  seed?: Seed;
  /**
   * The run has diverged when the loss exceeds this or is not finite: it stops there with a
   * `diverged: true` row.
   * @default {1e6}
   */
  divergenceThreshold?: number;
  /** More columns per record, from the current parameters (not to be modified). */
  track?: (params: Float64Array, step: number) => Record<string, Scalar>;
  /** Constant columns on every row. */
  tags?: Record<string, Scalar>;
  /** Called with each recorded row (awaited, e.g. a live chart's `push`). */
  onRecord?: (row: ParticleRow) => void | Promise<void>;
  /** Called as steps complete (silent by default). */
  onProgress?: ProgressCallback;
  /** A label for progress reports. */
  label?: string;
}

/** What {@linkcode particleGradientDescent} returns. */
export interface ParticleGradientDescentResult {
  /** The final parameters (the last finite ones if the run diverged). */
  params: Float64Array;
  /** The recorded rows. */
  history: ParticleRow[];
  /** Whether the run diverged. */
  diverged: boolean;
  /** The last row. */
  final: ParticleRow;
}

/**
 * Gradient descent on a particle model in the mean-field scaling: every step
 * θⱼ ← θⱼ − η·N·∇_{θⱼ}L for each of the N particles (the factor N by default, see `stepScale`),
 * so that time t = η·step is the time of the limiting gradient flow. Full batch, float64,
 * recording the loss every `every` steps.
 *
 * @example A two-layer net with BN fits four points
 * ```ts
 * import { meanFieldTwoLayerNet, particleGradientDescent } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = { x: [[1, 0], [0, 1], [-1, 0], [0, -1]], y: [1, 0, 0, 1] };
 * const run = await particleGradientDescent(meanFieldTwoLayerNet(2, 32), data, { lr: 0.5, steps: 200 });
 * assert.ok(run.final.loss < 0.2 * run.history[0].loss);
 * assert.equal(run.final.time, 100);
 * ```
 *
 * @param model The particle model.
 * @param data The data (full batch).
 * @param options Step, steps, scale, records, initial parameters and trackers.
 * @returns The final parameters and the recorded rows.
 */
export async function particleGradientDescent(
  model: ParticleModel,
  data: ParticleData,
  options: ParticleGradientDescentOptions,
): Promise<ParticleGradientDescentResult> {
  checkCall("particleGradientDescent", arguments);
  const what = "run particle gradient descent";
  if (!model || typeof model.lossAndGradient !== "function") {
    throw new TypeError(`Cannot ${what}: model must be a particle model`);
  }
  checkData(what, data, model.inputDim);
  const lr = options?.lr;
  if (!(typeof lr === "number" && Number.isFinite(lr) && lr > 0)) {
    throw new RangeError(`Cannot ${what}: lr must be a positive number, current value is ${lr}`);
  }
  const steps = options.steps ?? 100;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(
      `Cannot ${what}: steps must be a non-negative integer, current value is ${steps}`,
    );
  }
  const every = options.every ?? 10;
  if (!Number.isInteger(every) || every < 1) {
    throw new RangeError(
      `Cannot ${what}: every must be a positive integer, current value is ${every}`,
    );
  }
  const scale = options.stepScale ?? model.particles;
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new RangeError(
      `Cannot ${what}: stepScale must be a positive number, current value is ${scale}`,
    );
  }
  const threshold = options.divergenceThreshold ?? 1e6;
  let params = options.params
    ? new Float64Array(checkParams(what, model, options.params))
    : model.init(options.seed ?? 0);
  const history: ParticleRow[] = [];
  const record = async (step: number, loss: number, diverged: boolean, at: Float64Array) => {
    const row: ParticleRow = {
      step,
      time: step * lr,
      loss,
      diverged,
      ...(diverged ? {} : options.track?.(at, step)),
      ...options.tags,
    };
    history.push(row);
    await options.onRecord?.(row);
  };
  let diverged = false;
  for (let step = 0;; step++) {
    const { loss, gradient } = model.lossAndGradient(params, data);
    if (!(Number.isFinite(loss) && loss <= threshold)) {
      diverged = true;
      await record(step, loss, true, params);
      break;
    }
    if (step % every === 0 || step === steps) await record(step, loss, false, params);
    if (step === steps) break;
    const next = new Float64Array(params.length);
    const factor = lr * scale;
    for (let k = 0; k < params.length; k++) next[k] = params[k] - factor * gradient[k];
    if (!next.every(Number.isFinite)) {
      diverged = true;
      await record(step + 1, NaN, true, params);
      break;
    }
    params = next;
    if (options.onProgress && ((step + 1) % every === 0 || step + 1 === steps)) {
      await options.onProgress({ done: step + 1, total: steps, label: options.label });
    }
  }
  return { params, history, diverged, final: history.at(-1)! };
}
