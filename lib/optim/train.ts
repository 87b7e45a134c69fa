import { tf } from "../backend/mod.ts";
import type { ProgressCallback, Row, RowCallback } from "../_types.ts";
import { Rng, sampleWithoutReplacement, type Seed } from "../random/mod.ts";
import { cloneParams, type Objective, type ObjectivePoint, type Params } from "../nn/mod.ts";
import { evaluateAccuracy, evaluateLoss } from "../landscape/mod.ts";
import {
  type Chunk,
  chunkGradient,
  type Chunks,
  DEFAULT_CHUNK_SIZE,
  makeChunks,
} from "../landscape/_autodiff.ts";
import { checkObjective, checkParams } from "../landscape/_point.ts";
import { applyUpdates } from "./apply_updates.ts";
import type { Batch, Optimizer, OptimizerState, StepContext } from "./types.ts";

/** Where training stands, handed to every tracker. */
export interface TrackerContext extends ObjectivePoint {
  /** Steps taken so far (0 before the first). */
  step: number;
  /** The optimizer. */
  optimizer: Optimizer;
  /** Its current state (do not dispose it). */
  state: OptimizerState;
}

/** What a tracker may return: a number, an object with a numeric `value`, or a record of scalars. */
export type TrackerValue =
  | number
  | { value: number }
  | Record<string, number | string | boolean | null>;

/**
 * A measurement taken every `every` steps: `sharpness`, `evaluateLoss`, or any function of the
 * current point. A number becomes the column named after the tracker; a result with a numeric
 * `value` (like `sharpness`'s) too; another record has its scalar fields merged into the row.
 */
export type Tracker = (context: TrackerContext) => TrackerValue | Promise<TrackerValue>;

/** How minibatches are drawn. */
export type Sampling = "without-replacement" | "with-replacement" | "shuffle";

/** Options for {@linkcode train}. */
export interface TrainOptions {
  /**
   * Optimizer steps.
   * @default {100}
   */
  steps?: number;
  /**
   * Samples per minibatch B (ignored by full-batch optimizers such as `gd`).
   * @default {the whole data set}
   */
  batchSize?: number;
  /**
   * `"without-replacement"`: every step an independent batch of B distinct samples (the sampling
   * of Wu, Ma, E's stability analysis); `"with-replacement"`: B independent uniform indices;
   * `"shuffle"`: consecutive batches of a fresh random permutation each epoch.
   * @default {"without-replacement"}
   */
  sampling?: Sampling;
  /** Initial parameters (copied; the caller's tensors are never modified or disposed). */
  params?: Params;
  /**
   * The seed of the initial parameters (when `params` is not given), the batches and the
   * optimizer's generator.
   * @default {0}
   */
  seed?: Seed;
  /**
   * Record a row every this many steps (and at step 0 and at the end).
   * @default {10}
   */
  every?: number;
  /** Extra trackers, by column name, e.g. `{ sharpness }`. */
  track?: Record<string, Tracker>;
  /**
   * Record the training loss (`loss`), the accuracy (`accuracy`, classification only) and, when
   * the data has a test set, `test_loss` and `test_accuracy`.
   * @default {true}
   */
  defaultTrackers?: boolean;
  /** The samples the default trackers evaluate on: a count (the first ones) or indices. */
  evalSubset?: number | ArrayLike<number>;
  /**
   * A run has diverged when a loss exceeds this (or is NaN or infinite); it then stops with
   * `diverged: true` instead of throwing.
   * @default {1e6}
   */
  divergenceThreshold?: number;
  /** Stop early when this returns true for a recorded row (e.g. `(r) => r.loss < 1e-3`). */
  stopWhen?: (row: Row) => boolean;
  /** Constant columns added to every row, e.g. `{ lr: 0.1, batch: 32 }` for grids. */
  tags?: Row;
  /**
   * Samples per chunk for full-batch gradients and evaluations.
   * @default {1024}
   */
  chunkSize?: number;
  /** A label for progress reports. */
  label?: string;
  /** Called as steps complete (silent by default). */
  onProgress?: ProgressCallback;
  /** Called with each recorded row, awaited (a live chart's `push`). */
  onRecord?: RowCallback;
}

/** What {@linkcode train} returns. */
export interface TrainResult {
  /** The final parameters (the last finite ones if the run diverged); owned by the caller. */
  params: Params;
  /** The optimizer's final state; owned by the caller. */
  state: OptimizerState;
  /** The recorded rows: step, epoch, the trackers' columns, diverged, and the tags. */
  history: Row[];
  /** The last recorded row. */
  final: Row;
  /** Whether the run diverged. */
  diverged: boolean;
  /** The step at which divergence was detected, or null. */
  divergedAt: number | null;
  /** Steps taken. */
  steps: number;
  /** Wall time in seconds. */
  seconds: number;
  /** Disposes `params` and `state`. */
  dispose(): void;
}

/**
 * Trains a model: the optimizer's steps on minibatches (or the full batch), with trackers
 * evaluated every `every` steps into flat rows. Divergence is data, not an error: the run stops
 * and the result says `diverged: true` and the step.
 *
 * Each step draws `optimizer.gradientsPerStep` independent minibatches, lets
 * `optimizer.prepareBatch` rewrite them, takes one gradient per batch, and adds the optimizer's
 * update to the parameters; see {@linkcode Optimizer}.
 *
 * @example Gradient descent on a linear regression, with the sharpness tracked
 * ```ts
 * import { createDataset, gd, mlp, mse, sharpness, train } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1, 0], [0, 2], [1, 1]], [[1], [2], [0]]);
 * const model = mlp([2, 1], { activation: "identity" });
 * const run = await train({ model, loss: mse, data }, gd({ lr: 0.2 }), {
 *   steps: 50,
 *   every: 25,
 *   track: { sharpness },
 * });
 * assert.deepEqual(run.history.map((r) => r.step), [0, 25, 50]);
 * assert.ok((run.final.loss as number) < (run.history[0].loss as number));
 * assert.ok((run.final.sharpness as number) < 2 / 0.2);
 * run.dispose();
 * data.dispose();
 * ```
 *
 * @param objective The model, loss and data.
 * @param optimizer The optimizer.
 * @param options Steps, batches, seed, trackers, hooks.
 * @returns The final parameters and state, the history, and whether the run diverged.
 */
export async function train(
  objective: Objective,
  optimizer: Optimizer,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const what = "train";
  checkObjective(objective, what);
  if (
    !optimizer || typeof optimizer.update !== "function" || typeof optimizer.init !== "function"
  ) {
    throw new TypeError(
      `Cannot train: optimizer must be an Optimizer (e.g. sgd({ lr: 0.1 })), current value is ${optimizer}`,
    );
  }
  const { model, data } = objective;
  const n = data.n;
  const steps = options.steps ?? 100;
  checkInteger(steps, "steps", 0);
  const batchSize = options.batchSize ?? n;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > n) {
    throw new RangeError(
      `Cannot train: batchSize must be an integer in [1, ${n}] (the samples in the data), current value is ${batchSize}`,
    );
  }
  const every = options.every ?? 10;
  checkInteger(every, "every", 1);
  const sampling = options.sampling ?? "without-replacement";
  if (!["without-replacement", "with-replacement", "shuffle"].includes(sampling)) {
    throw new TypeError(
      `Cannot train: sampling must be "without-replacement", "with-replacement" or "shuffle", current value is ${
        JSON.stringify(sampling)
      }`,
    );
  }
  const threshold = options.divergenceThreshold ?? 1e6;
  if (!(threshold > 0)) {
    throw new RangeError(
      `Cannot train: divergenceThreshold must be a positive number, current value is ${threshold}`,
    );
  }
  const perStep = optimizer.gradientsPerStep ?? 1;
  checkInteger(perStep, "optimizer.gradientsPerStep", 1);
  if (options.params !== undefined) checkParams(objective, options.params, what, "options.params");
  for (const [name, t] of Object.entries(options.track ?? {})) {
    if (typeof t !== "function") {
      throw new TypeError(`Cannot train: track.${name} must be a function, current value is ${t}`);
    }
  }
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const seed = options.seed ?? 0;
  const rng = new Rng(seed);
  const batchRng = rng.fork();
  const optimizerRng = rng.fork();
  const started = performance.now();

  let params = options.params ? cloneParams(options.params) : model.init(seed);
  let state = optimizer.init(params);
  const fullChunks: Chunks | undefined = optimizer.fullBatch
    ? makeChunks(data, undefined, chunkSize, what, model)
    : undefined;
  const draw = sampler(sampling, n, batchSize, batchRng);
  const effectiveBatch = optimizer.fullBatch ? n : batchSize;
  const trackers = trackerList(objective, options);
  const history: Row[] = [];
  let diverged = false;
  let divergedAt: number | null = null;
  let taken = 0;
  let stop = false;
  const progressEvery = Math.max(1, Math.floor(steps / 200));
  const report = (done: number, row?: Row) => {
    if (!options.onProgress) return;
    const last = row ?? history.at(-1);
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(last ?? {})) {
      if (typeof v === "number" && k !== "step" && k !== "epoch") metrics[k] = v;
    }
    options.onProgress({ done, total: steps, label: options.label ?? optimizer.name, metrics });
  };

  const record = async (step: number, extra: Row = {}): Promise<Row> => {
    const row: Row = {
      step,
      epoch: (step * effectiveBatch * perStep) / n,
      ...(options.tags ?? {}),
    };
    if (!extra.diverged) {
      const context: TrackerContext = { ...objective, params, step, optimizer, state };
      for (const [name, tracker] of trackers) {
        mergeTracked(row, name, await tracker(context));
      }
      for (const key of ["loss", "test_loss"]) {
        const v = row[key];
        if (v === null || (typeof v === "number" && !(v <= threshold))) {
          extra = { diverged: true };
          diverged = true;
          divergedAt = step;
        }
      }
    }
    Object.assign(row, { diverged: false }, extra);
    history.push(row);
    if (options.onRecord) await options.onRecord(row);
    report(step, row);
    if (!row.diverged && options.stopWhen?.(row)) stop = true;
    return row;
  };

  try {
    await record(0);
    for (let step = 0; step < steps && !diverged && !stop; step++) {
      const context: StepContext = { step, rng: optimizerRng };
      const grads: Params[] = [];
      let lossTensor: tf.Scalar | undefined;
      for (let j = 0; j < perStep; j++) {
        const g = optimizer.fullBatch
          ? fullGradient(objective, params, fullChunks!)
          : batchGradient(objective, optimizer, params, draw(), context);
        grads.push(g.grads);
        if (j === 0) lossTensor = g.value;
        else g.value.dispose();
      }
      const batchLoss = (await lossTensor!.data())[0];
      lossTensor!.dispose();
      if (!(batchLoss <= threshold)) {
        // The loss at θ_step (before this step's update) is past the threshold.
        tf.dispose(grads.flat());
        diverged = true;
        divergedAt = step;
        await record(step, {
          diverged: true,
          batch_loss: Number.isFinite(batchLoss) ? batchLoss : null,
        });
        break;
      }
      const { updates, state: next } = optimizer.update(grads, state, params, context);
      const nextParams = tf.tidy(() => applyUpdates(params, updates));
      const keep = new Set(stateTensors(next));
      tf.dispose([
        ...grads.flat(),
        ...updates.filter((u) => !keep.has(u)),
        ...params,
        ...stateTensors(state).filter((t) => !keep.has(t)),
      ]);
      params = nextParams;
      state = next;
      taken = step + 1;
      if (taken % every === 0 || taken === steps) await record(taken);
      else if (taken % progressEvery === 0) report(taken);
    }
    if (stop && history.at(-1)?.step !== taken) await record(taken);
  } catch (error) {
    tf.dispose([...params, ...stateTensors(state)]);
    throw error;
  } finally {
    fullChunks?.dispose();
  }
  const finalParams = params, finalState = state;
  return {
    params: finalParams,
    state: finalState,
    history,
    final: history.at(-1)!,
    diverged,
    divergedAt,
    steps: taken,
    seconds: (performance.now() - started) / 1000,
    dispose() {
      tf.dispose([...finalParams, ...stateTensors(finalState)]);
    },
  };
}

function checkInteger(value: number, name: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot train: ${name} must be ${
        min === 0 ? "a non-negative" : "a positive"
      } integer, current value is ${value}`,
    );
  }
}

/** The default trackers followed by the user's, as [name, function] pairs. */
function trackerList(objective: Objective, options: TrainOptions): [string, Tracker][] {
  const list: [string, Tracker][] = [];
  const subset = options.evalSubset;
  const chunkSize = options.chunkSize;
  if (options.defaultTrackers ?? true) {
    list.push(["loss", (p) => evaluateLoss(p, { subset, chunkSize })]);
    const classification = objective.data.task === "classification";
    if (classification) list.push(["accuracy", (p) => evaluateAccuracy(p, { subset, chunkSize })]);
    const test = objective.data.test;
    if (test) {
      list.push(["test_loss", (p) => evaluateLoss({ ...p, data: test }, { chunkSize })]);
      if (classification) {
        list.push(["test_accuracy", (p) => evaluateAccuracy({ ...p, data: test }, { chunkSize })]);
      }
    }
  }
  for (const [name, t] of Object.entries(options.track ?? {})) list.push([name, t]);
  return list;
}

/** Puts a tracker's result into the row (non-finite numbers become null). */
function mergeTracked(row: Row, name: string, value: TrackerValue): void {
  const clean = (v: unknown) =>
    typeof v === "number" ? (Number.isFinite(v) ? v : null) : (v as string | boolean | null);
  if (typeof value === "number") {
    row[name] = clean(value);
  } else if (
    value && typeof value === "object" && typeof (value as { value: unknown }).value === "number"
  ) {
    row[name] = clean((value as { value: number }).value);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (v === null || ["number", "string", "boolean"].includes(typeof v)) row[k] = clean(v);
    }
  } else {
    throw new TypeError(
      `Cannot train: the tracker ${name} must return a number, { value } or a record of scalars, current value is ${value}`,
    );
  }
}

/** The full-data gradient (mean over all samples), summed over chunks. */
function fullGradient(objective: Objective, params: Params, chunks: Chunks) {
  if (chunks.chunks.length === 1) {
    return chunkGradient(objective.model, objective.loss, params, chunks.chunks[0], 1 / chunks.n);
  }
  return tf.tidy(() => {
    let value: tf.Scalar | undefined;
    let grads: Params | undefined;
    for (const chunk of chunks.chunks) {
      const g = chunkGradient(objective.model, objective.loss, params, chunk, 1 / chunks.n);
      value = value ? tf.add(value, g.value) : g.value;
      grads = grads ? grads.map((a, j) => tf.add(a, g.grads[j])) : g.grads;
    }
    return { value: value!, grads: grads! };
  });
}

/** The gradient of the mean loss over one minibatch (after the optimizer's prepareBatch). */
function batchGradient(
  objective: Objective,
  optimizer: Optimizer,
  params: Params,
  indices: Int32Array,
  context: StepContext,
) {
  return tf.tidy(() => {
    const idx = tf.tensor1d(indices, "int32");
    let batch: Batch = {
      x: tf.gather(objective.data.x, idx),
      y: tf.gather(objective.data.y, idx),
      indices,
    };
    if (optimizer.prepareBatch) batch = optimizer.prepareBatch(batch, context, objective.data);
    const chunk: Chunk = { x: batch.x, y: batch.y, n: indices.length, owned: false };
    return chunkGradient(objective.model, objective.loss, params, chunk, 1 / indices.length);
  });
}

/** Draws minibatch indices. */
function sampler(kind: Sampling, n: number, b: number, rng: Rng): () => Int32Array {
  if (kind === "without-replacement") return () => sampleWithoutReplacement(rng, n, b);
  if (kind === "with-replacement") {
    return () => Int32Array.from({ length: b }, () => rng.integer(n));
  }
  let order: Int32Array = new Int32Array(0);
  let pos = 0;
  return () => {
    const out = new Int32Array(b);
    for (let i = 0; i < b; i++) {
      if (pos >= order.length) {
        order = sampleWithoutReplacement(rng, n, n);
        pos = 0;
      }
      out[i] = order[pos++];
    }
    return out;
  };
}

/** Every tensor in an optimizer state. */
function stateTensors(state: OptimizerState): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  const walk = (c: unknown) => {
    if (c instanceof tf.Tensor) out.push(c);
    else if (Array.isArray(c)) c.forEach(walk);
    else if (c && typeof c === "object") Object.values(c).forEach(walk);
  };
  walk(state);
  return out;
}
