import { tf } from "../backend/mod.ts";
import type { ProgressCallback, RowCallback } from "../_types.ts";
import { startLoop } from "../_loop.ts";
import { Rng, type Seed } from "../random/mod.ts";
import type { Params } from "../nn/mod.ts";
import type { Optimizer } from "../optim/mod.ts";
import { checkOptimizer, OptimizerStepper } from "../optim/_internal.ts";
import type { GradientOracle } from "./gradient_oracle.ts";
import { checkOracle, oracleOps } from "./_oracle_ops.ts";
import { saveSteps } from "./_save_steps.ts";
import { checkBatchSize } from "./_hyper.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode simulateOptimizer}. */
export interface SimulateOptimizerOptions {
  /**
   * Independent runs (each a row of one [runs, d] parameter tensor).
   * @default {1000}
   */
  runs?: number;
  /**
   * Optimizer steps.
   * @default {the last of `saveAt`, else 100}
   */
  steps?: number;
  /**
   * Save the moments every this many steps (and at step 0 and at the end).
   * @default {steps (only the start and the end)}
   */
  saveEvery?: number;
  /** The steps at which to save, strictly increasing integers in [0, steps] (overrides `saveEvery`). */
  saveAt?: ArrayLike<number>;
  /**
   * The initial parameters θ0, the same for every run.
   * @default {zeros}
   */
  theta0?: ArrayLike<number>;
  /**
   * The batch size B: the gradient noise has covariance Σ(θ)/B.
   * @default {1}
   */
  batchSize?: number;
  /**
   * The seed of the gradient noise and of the optimizer's generator.
   * @default {0}
   */
  seed?: Seed;
  /**
   * The time one step stands for in the records' `t = step · timePerStep`: η for SGD's SDE, η²
   * for Adam's and RMSprop's (an optimizer SDE's `timePerStep`).
   * @default {1}
   */
  timePerStep?: number;
  /** Progress after every 1% of the steps; silent by default. */
  onProgress?: ProgressCallback;
  /** Receives each save step's rows (a live chart's `push`); awaited. */
  onRecord?: RowCallback;
  /**
   * The progress label.
   * @default {optimizer.name}
   */
  label?: string;
}

/**
 * One record of {@linkcode simulateOptimizer}: the moments of one coordinate at one save step,
 * over the runs whose θ_i is finite. A moment that cannot be formed (no finite run, or one
 * for the variance) is NaN, and `nonFinite` says why.
 */
export type MomentRow = {
  /** The save step. */
  step: number;
  /** step · timePerStep. */
  t: number;
  /** "θi". */
  component: string;
  /** The mean of θ_i over the finite runs. */
  mean: number;
  /** Their variance (divisor n − 1). */
  variance: number;
  /** Their standard deviation. */
  std: number;
  /** The runs whose θ_i is not finite (diverged). */
  nonFinite: number;
};

/** The result of {@linkcode simulateOptimizer}. */
export interface SimulateOptimizerResult {
  /** One row per save step and coordinate (see {@linkcode MomentRow}). */
  records: MomentRow[];
  /** The save steps. */
  steps: number[];
  /** The mean of θ over the runs at each save step (length d each). */
  mean: Float64Array[];
  /** The variance of θ over the runs at each save step (length d each). */
  variance: Float64Array[];
  /** θ of every run after the last step taken, runs × d, row-major. */
  final: Float64Array;
  /** Steps taken (fewer than asked when interrupted). */
  stepsTaken: number;
  /**
   * Whether the run stopped early on an interrupt (the notebook's stop button): the moments
   * saved before it are kept, `final` is θ where it stopped.
   */
  interrupted?: boolean;
  /** Runs. */
  runs: number;
  /** Parameters d. */
  dim: number;
  /** The optimizer's name. */
  optimizer: string;
}

/**
 * Runs a discrete optimizer many times independently on a gradient oracle and records the mean
 * and variance of θ over the runs: the discrete side of every "optimizer against its SDE"
 * comparison. Each step the oracle gives every run `optimizer.gradientsPerStep` independent
 * stochastic gradients g = ∇L(θ) + (Σ(θ)/B)^{1/2} z with z standard normal (the Gaussian noise
 * the SDEs of SGD, RMSprop and Adam assume), and the library's own optimizer (`sgd`, `adam`,
 * `svag(...)`, ...) takes its step on a [runs, d] float32 parameter tensor, one run per row.
 * The optimizer must act entry by entry (SGD, heavy ball, RMSprop, Adam and SVAG around them
 * do); one that uses norms over the whole tensor would couple the runs.
 *
 * The noise draws are reproducible: for each step and each of its gradients, one
 * `rng.fillNormal` of runs × noiseDim values from `new Rng(seed)`, run-major; the optimizer's
 * generator is that generator's `fork()`, taken first.
 *
 * @see Li, Tai, E, ICML 2017, arXiv 1511.06251; Malladi, Lyu, Panigrahi, Arora, NeurIPS 2022,
 * arXiv 2205.10287.
 *
 * @example SGD on L = ½θ² with unit noise: Var θ_k follows V ← (1 − η)²V + η²
 * ```ts
 * import { quadraticOracle, sgd, simulateOptimizer } from "minima";
 * import assert from "node:assert/strict";
 *
 * const oracle = quadraticOracle({ curvature: [1], noiseStd: 1 });
 * const r = await simulateOptimizer(sgd({ lr: 0.1 }), oracle, {
 *   runs: 4000, steps: 50, theta0: [1], seed: 1,
 * });
 * let mean = 1, v = 0;
 * for (let k = 0; k < 50; k++) mean *= 0.9, v = 0.81 * v + 0.01;
 * assert.ok(Math.abs(r.mean.at(-1)![0] - mean) < 0.02);
 * assert.ok(Math.abs(r.variance.at(-1)![0] / v - 1) < 0.1);
 * ```
 *
 * @param optimizer A `lib/optim` optimizer (not full-batch).
 * @param oracle The loss gradient and its per-sample noise.
 * @param options Runs, steps, save steps, θ0, batch size, seed, time per step and callbacks.
 * @returns Flat moment records and the moments as arrays.
 */
export async function simulateOptimizer(
  optimizer: Optimizer,
  oracle: GradientOracle,
  options: SimulateOptimizerOptions = {},
): Promise<SimulateOptimizerResult> {
  checkCall("simulateOptimizer", arguments);
  const what = "simulate the optimizer";
  const perStep = checkOptimizer(optimizer, what);
  if (optimizer.fullBatch) {
    throw new TypeError(
      `Cannot ${what}: ${optimizer.name} takes full-batch gradients, but the oracle's gradients are stochastic; use its stochastic counterpart (e.g. sgd for gd)`,
    );
  }
  checkOracle(oracle, "the optimizer simulation", `Cannot ${what}`);
  const d = oracle.dim;
  const runs = options.runs ?? 1000;
  checkInteger(runs, "runs", 1, what);
  const { steps, saves } = saveSteps(options, what);
  if (
    options.theta0 !== undefined &&
    (options.theta0 === null || typeof options.theta0 !== "object")
  ) {
    throw new TypeError(
      `Cannot ${what}: theta0 must be an array of d = ${d} numbers, current value is ${options.theta0}`,
    );
  }
  const theta0 = options.theta0 === undefined
    ? new Float64Array(d)
    : Float64Array.from(options.theta0);
  if (theta0.length !== d || !theta0.every(Number.isFinite)) {
    throw new RangeError(
      `Cannot ${what}: theta0 must hold d = ${d} finite values, current value is [${
        Array.from(theta0)
      }]`,
    );
  }
  const batchSize = options.batchSize ?? 1;
  checkBatchSize(what, batchSize);
  const timePerStep = options.timePerStep ?? 1;
  checkPositiveNumber(timePerStep, "timePerStep", what);

  const rng = new Rng(options.seed ?? 0);
  const optimizerRng = rng.fork();
  const ops = oracleOps(oracle);
  const names = Array.from({ length: d }, (_, i) => `θ${i}`);
  const n = runs * d, noiseDim = ops.noiseDim, scale = 1 / Math.sqrt(batchSize);
  const x = new Float64Array(n), g = new Float64Array(n), sq = new Float64Array(n);
  const z = new Float64Array(runs * noiseDim);
  const init = new Float32Array(n);
  for (let p = 0; p < runs; p++) for (let i = 0; i < d; i++) init[p * d + i] = theta0[i];

  const records: MomentRow[] = [], mean: Float64Array[] = [], variance: Float64Array[] = [];
  const saved: number[] = [];
  const loop = startLoop({
    what: "simulateOptimizer",
    total: steps,
    label: options.label ?? optimizer.name,
    onProgress: options.onProgress,
  });
  let stepper: OptimizerStepper | undefined;
  let taken = 0, interrupted = false;
  try {
    stepper = new OptimizerStepper(optimizer, [tf.tensor2d(init, [runs, d])]);
    let next = 0;
    for (let k = 0;; k++) {
      const values = await stepper.params[0].data();
      for (let i = 0; i < n; i++) x[i] = values[i];
      if (saves[next] === k) {
        const rows = moments(x, runs, d, names, k, k * timePerStep, mean, variance);
        saved.push(k);
        records.push(...rows);
        next++;
        if (options.onRecord) await options.onRecord(rows);
      }
      if (k === steps) break;
      if (loop.interrupted()) {
        interrupted = true;
        loop.stopped(
          k,
          `returning the moments of the ${saved.length} save steps so far and θ after step ${k}`,
        );
        break;
      }
      const grads: Params[] = [];
      try {
        for (let j = 0; j < perStep; j++) {
          await ops.gradients(x, d, g);
          rng.fillNormal(z);
          await ops.applySqrt(x, d, z, sq);
          // A fresh buffer per gradient: a tensor may keep the array it was made from.
          const g32 = new Float32Array(n);
          for (let i = 0; i < n; i++) g32[i] = g[i] + scale * sq[i];
          grads.push([tf.tensor2d(g32, [runs, d])]);
        }
      } catch (error) {
        tf.dispose(grads.flat());
        throw error;
      }
      stepper.step(grads, { step: k, rng: optimizerRng });
      taken = k + 1;
      loop.progress(taken);
    }
  } finally {
    stepper?.dispose();
    loop.exit();
  }
  return {
    records,
    steps: saved,
    mean,
    variance,
    final: x.slice(),
    stepsTaken: taken,
    interrupted,
    runs,
    dim: d,
    optimizer: optimizer.name,
  };
}

/** Mean and variance (divisor n − 1) of each coordinate over the finite runs. */
function moments(
  x: Float64Array,
  runs: number,
  d: number,
  names: string[],
  step: number,
  t: number,
  means: Float64Array[],
  variances: Float64Array[],
): MomentRow[] {
  const rows: MomentRow[] = [];
  const m = new Float64Array(d), v = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let count = 0, mu = 0, m2 = 0;
    for (let p = 0; p < runs; p++) {
      const value = x[p * d + i];
      if (!Number.isFinite(value)) continue;
      count++;
      const delta = value - mu;
      mu += delta / count;
      m2 += delta * (value - mu);
    }
    m[i] = count > 0 ? mu : NaN;
    v[i] = count > 1 ? m2 / (count - 1) : NaN;
    rows.push({
      step,
      t,
      component: names[i],
      mean: m[i],
      variance: v[i],
      std: Math.sqrt(v[i]),
      nonFinite: runs - count,
    });
  }
  means.push(m);
  variances.push(v);
  return rows;
}

function checkInteger(value: number, name: string, min: number, what: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be ${
        min === 0 ? "a non-negative" : "a positive"
      } integer, current value is ${value}`,
    );
  }
}

function checkPositiveNumber(value: number, name: string, what: string): void {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be a positive finite number, current value is ${value}`,
    );
  }
}
