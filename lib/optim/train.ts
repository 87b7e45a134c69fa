import { ready, tf } from "../backend/mod.ts";
import type { ProgressCallback, Row, RowCallback, Scalar } from "../_types.ts";
import { startLoop } from "../_loop.ts";
import { Rng, type Seed } from "../random/mod.ts";
import { sampleIndices } from "../random/_internal.ts";
import { cloneParams, type Objective, type ObjectivePoint, type Params } from "../nn/mod.ts";
import { evaluateAccuracy, evaluateLoss } from "../landscape/mod.ts";
import {
  checkObjective,
  checkParams,
  type Chunk,
  chunkGradient,
  type Chunks,
  DEFAULT_CHUNK_SIZE,
  makeChunks,
} from "../landscape/_internal.ts";
import { checkOptimizer, OptimizerStepper, stateTensors } from "./_stepping.ts";
import type { Batch, Optimizer, OptimizerState, StepContext } from "./types.ts";
import { checkCall } from "../_checks.ts";

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
  | Record<string, Scalar>;

/**
 * A measurement taken every `every` steps: `sharpness`, `evaluateLoss`, or any function of the
 * current point. A number becomes the column named after the tracker; a result with a numeric
 * `value` (like `sharpness`'s) too; another record has its scalar fields merged into the row.
 * Numbers go into the row as they are: NaN and ±Infinity stay, they never become null.
 */
export type Tracker = (context: TrackerContext) => TrackerValue | Promise<TrackerValue>;

/** What a tracker function resolves to. */
export type TrackerOutput<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

/** The columns a record-returning tracker's result adds: its scalar fields (numbers as number). */
export type RecordColumns<V> = V extends number | { value: number } ? Record<never, never>
  : { [P in keyof V as V[P] extends Scalar ? P : never]: V[P] extends number ? number : V[P] };

/**
 * The columns that trackers add to a row, typed from the `track` option: a tracker returning a
 * number or `{ value: number }` (like `sharpness`) gives a number column under its own name; one
 * returning a record gives that record's scalar fields.
 */
export type TrackedColumns<T> =
  & {
    [K in keyof T as [TrackerOutput<T[K]>] extends [number | { value: number }] ? K : never]:
      number;
  }
  & {
    [P in { [K in keyof T]: keyof RecordColumns<TrackerOutput<T[K]>> }[keyof T]]: {
      [K in keyof T]: P extends keyof RecordColumns<TrackerOutput<T[K]>>
        ? RecordColumns<TrackerOutput<T[K]>>[P]
        : never;
    }[keyof T];
  };

/**
 * One recorded row of {@linkcode train}: the step, the epoch, the default trackers' columns,
 * one column per tracker of `track` (typed from it: `run.history[i].sharpness` is a number),
 * the tags, and whether the run diverged there. Any other key reads as a {@linkcode Scalar}.
 *
 * A number that a measurement could not produce is NaN, never null: the row where divergence
 * was detected from a minibatch loss has NaN in every numeric column the trackers fill
 * (they are not evaluated there) and the loss that crossed the threshold in `batch_loss`.
 *
 * @typeParam Tracked The `track` option's type.
 * @typeParam Tags The `tags` option's type.
 */
export type TrainRow<
  Tracked = Record<never, never>,
  Tags extends Row = Record<never, never>,
> =
  & {
    /** Steps taken when the row was recorded. */
    step: number;
    /** Samples seen over the data set size. */
    epoch: number;
    /** Whether the run diverged at this row (then the last row). */
    diverged: boolean;
    /** The training loss (a default tracker, on by default). */
    loss: number;
    /** The training accuracy (default trackers, classification data). */
    accuracy?: number;
    /** The test loss (default trackers, data with a test set). */
    test_loss?: number;
    /** The test accuracy (default trackers, classification data with a test set). */
    test_accuracy?: number;
    /** The minibatch loss that crossed the divergence threshold (the diverged row only). */
    batch_loss?: number;
  }
  & TrackedColumns<Tracked>
  & Tags
  & Row;

/** How minibatches are drawn. */
export type Sampling = "without-replacement" | "with-replacement" | "shuffle";

/**
 * Options for {@linkcode train}.
 *
 * @typeParam Tracked The trackers (`track`), which type the rows' columns.
 * @typeParam Tags The constant columns (`tags`).
 */
export interface TrainOptions<
  Tracked extends Record<string, Tracker> = Record<string, Tracker>,
  Tags extends Row = Row,
> {
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
  track?: Tracked;
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
   * `diverged: true` instead of throwing. The minibatch loss of every step is checked, read
   * from the device one step late so that no step waits for it (see {@linkcode train}); the
   * training and test losses of the default trackers at every record.
   * @default {1e6}
   */
  divergenceThreshold?: number;
  /** Stop early when this returns true for a recorded row (e.g. `(r) => r.loss < 1e-3`). */
  stopWhen?: (row: TrainRow<Tracked, Tags>) => boolean;
  /** Constant columns added to every row, e.g. `{ lr: 0.1, batch: 32 }` for grids. */
  tags?: Tags;
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

/**
 * What {@linkcode train} returns.
 *
 * @typeParam Tracked The `track` option's type, which types the rows.
 * @typeParam Tags The `tags` option's type.
 */
export interface TrainResult<
  Tracked = Record<never, never>,
  Tags extends Row = Record<never, never>,
> {
  /** The final parameters (the last finite ones if the run diverged); owned by the caller. */
  params: Params;
  /** The optimizer's final state; owned by the caller. */
  state: OptimizerState;
  /** The recorded rows: step, epoch, the trackers' columns, diverged, and the tags. */
  history: TrainRow<Tracked, Tags>[];
  /** The last recorded row. */
  final: TrainRow<Tracked, Tags>;
  /** Whether the run diverged. */
  diverged: boolean;
  /** The step at which divergence was detected, or null. */
  divergedAt: number | null;
  /**
   * Whether the run stopped early on an interrupt (the notebook's stop button): then `params`
   * and `state` are those after `steps` steps, and `history` ends at the last record before
   * the interrupt (no row is added for the stop, so no tracker runs after it).
   */
  interrupted: boolean;
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
 * No step waits for the device: the minibatch loss of step k, which divergence detection
 * needs, is read while step k + 1's gradient is already queued, and checked then. When it
 * crossed the threshold, step k's update is undone (θ_k and its optimizer state are kept
 * until the check), so the result is the same as checking at once: `divergedAt` is k, and
 * `params` are θ_k. Records read the pending loss first, so a record costs at most that one
 * read besides its trackers'. The price is one more copy of θ and the optimizer state alive
 * during a step.
 *
 * The loop checks for an interrupt (the notebook's stop button) between steps, and then stops
 * with `interrupted: true`, the rows so far, and a one-line message.
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
 * assert.ok(run.final.loss < run.history[0].loss);
 * assert.ok(run.final.sharpness < 2 / 0.2); // a number column, typed from `track`
 * run.dispose();
 * data.dispose();
 * ```
 *
 * @param objective The model, loss and data.
 * @param optimizer The optimizer.
 * @param options Steps, batches, seed, trackers, hooks.
 * @returns The final parameters and state, the history, and whether the run diverged.
 */
export async function train<
  Tracked extends Record<string, Tracker>,
  Tags extends Row = Record<never, never>,
>(
  objective: Objective,
  optimizer: Optimizer,
  options: TrainOptions<Tracked, Tags> = {},
): Promise<TrainResult<Tracked, Tags>> {
  checkCall("train", arguments);
  const what = "train";
  checkObjective(objective, what);
  checkOptimizer(optimizer, what);
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
  await ready(); // nothing chose a backend yet but a first tensor: run the full auto choice
  const perStep = optimizer.gradientsPerStep ?? 1;
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

  const fullChunks: Chunks | undefined = optimizer.fullBatch
    ? makeChunks(data, undefined, chunkSize, what, model)
    : undefined;
  const draw = sampler(sampling, n, batchSize, batchRng);
  const effectiveBatch = optimizer.fullBatch ? n : batchSize;
  const trackers = trackerList(objective, options);
  const history: Row[] = [];
  let diverged = false;
  let divergedAt: number | null = null;
  let interrupted = false;
  let taken = 0;
  let stop = false;
  let metrics: Record<string, number> = {};
  const loop = startLoop({
    what,
    total: steps,
    label: options.label ?? optimizer.name,
    onProgress: options.onProgress,
    reports: 200,
  });
  let stepper: OptimizerStepper | undefined;
  /** The minibatch loss of a step taken but not checked yet, and its read in flight. */
  let pending: { step: number; loss: tf.Scalar; read: Promise<ArrayLike<number>> } | undefined;

  const record = async (step: number, extra: Row = {}): Promise<void> => {
    const row: Row = {
      step,
      epoch: (step * effectiveBatch * perStep) / n,
      ...(options.tags ?? {}),
    };
    if (extra.diverged) {
      // Not measured here: the trackers' numeric columns are NaN, so every row has them.
      for (const [k, v] of Object.entries(history.at(-1) ?? {})) {
        if (typeof v === "number" && !(k in row)) row[k] = NaN;
      }
    } else {
      const context: TrackerContext = {
        ...objective,
        params: stepper!.params,
        step,
        optimizer,
        state: stepper!.state,
      };
      for (const [name, tracker] of trackers) {
        mergeTracked(row, name, await tracker(context));
      }
      for (const key of ["loss", "test_loss"]) {
        const v = row[key];
        if (typeof v === "number" && !(v <= threshold)) {
          extra = { diverged: true };
          diverged = true;
          divergedAt = step;
        }
      }
    }
    Object.assign(row, { diverged: false }, extra);
    history.push(row);
    if (options.onRecord) await options.onRecord(row);
    metrics = {};
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === "number" && k !== "step" && k !== "epoch") metrics[k] = v;
    }
    loop.progress(step, metrics, true);
    if (!row.diverged && options.stopWhen?.(row as TrainRow<Tracked, Tags>)) stop = true;
  };

  /**
   * Checks the pending minibatch loss (the step before the stepper's current θ). Past the
   * threshold, the step is undone and the divergence recorded; returns whether it diverged.
   */
  const settle = async (): Promise<boolean> => {
    if (!pending) return false;
    const { step, loss, read } = pending;
    pending = undefined;
    let value: number;
    try {
      value = (await read)[0];
    } finally {
      loss.dispose();
    }
    if (value <= threshold) {
      stepper!.commit();
      return false;
    }
    // The loss at θ_step (before that step's update) is past the threshold.
    stepper!.rollback();
    taken = step;
    diverged = true;
    divergedAt = step;
    await record(step, { diverged: true, batch_loss: value });
    return true;
  };

  try {
    stepper = new OptimizerStepper(
      optimizer,
      options.params ? cloneParams(options.params) : model.init(seed),
      { keepPrevious: true },
    );
    await record(0);
    for (let step = 0; step < steps && !diverged && !stop; step++) {
      if (loop.interrupted()) {
        interrupted = true;
        break;
      }
      const context: StepContext = { step, rng: optimizerRng };
      const grads: Params[] = [];
      let loss: tf.Scalar | undefined;
      try {
        for (let j = 0; j < perStep; j++) {
          const g = optimizer.fullBatch
            ? fullGradient(objective, stepper.params, fullChunks!)
            : batchGradient(objective, optimizer, stepper.params, draw(), context);
          grads.push(g.grads);
          if (j === 0) loss = g.value;
          else g.value.dispose();
        }
      } catch (error) {
        tf.dispose([...grads.flat(), ...(loss ? [loss] : [])]);
        throw error;
      }
      // Ask for this step's loss now, check the previous step's while this one is queued.
      const read = loss!.data();
      let stopHere = true;
      try {
        stopHere = await settle();
      } finally {
        if (stopHere) {
          tf.dispose(grads.flat());
          await Promise.resolve(read).catch(() => {});
          loss!.dispose();
        }
      }
      if (stopHere) break;
      // The step's loss becomes pending only once the step is taken: an optimizer whose update
      // throws must not leave it behind (it leaked one scalar per failed train).
      pending = { step, loss: loss!, read };
      stepper.step(grads, context);
      taken = step + 1;
      if (taken % every === 0 || taken === steps) {
        if (await settle()) break;
        await record(taken);
      } else {
        loop.progress(taken, metrics);
      }
    }
    await settle();
    if (stop && history.at(-1)?.step !== taken) await record(taken);
    if (interrupted) {
      const last = history.at(-1)!;
      loop.stopped(
        taken,
        `returning the parameters after step ${taken} and the ${history.length} rows recorded so far (the last at step ${last.step})`,
      );
    }
  } catch (error) {
    if (pending) {
      await Promise.resolve(pending.read).catch(() => {});
      pending.loss.dispose();
    }
    stepper?.dispose();
    throw error;
  } finally {
    fullChunks?.dispose();
    loop.exit();
  }
  const { params: finalParams, state: finalState } = stepper.release();
  return {
    params: finalParams,
    state: finalState,
    history: history as TrainRow<Tracked, Tags>[],
    final: history.at(-1)! as TrainRow<Tracked, Tags>,
    diverged,
    divergedAt,
    interrupted,
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
function trackerList<T extends Record<string, Tracker>, G extends Row>(
  objective: Objective,
  options: TrainOptions<T, G>,
): [string, Tracker][] {
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

/** Puts a tracker's result into the row (numbers as they are: NaN stays NaN). */
function mergeTracked(row: Row, name: string, value: TrackerValue): void {
  if (typeof value === "number") {
    row[name] = value;
  } else if (
    value && typeof value === "object" && typeof (value as { value: unknown }).value === "number"
  ) {
    row[name] = (value as { value: number }).value;
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (v === null || ["number", "string", "boolean"].includes(typeof v)) row[k] = v as Scalar;
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
  if (kind === "without-replacement") return () => sampleIndices(rng, n, b);
  if (kind === "with-replacement") {
    return () => Int32Array.from({ length: b }, () => rng.integer(n));
  }
  let order: Int32Array = new Int32Array(0);
  let pos = 0;
  return () => {
    const out = new Int32Array(b);
    for (let i = 0; i < b; i++) {
      if (pos >= order.length) {
        order = sampleIndices(rng, n, n);
        pos = 0;
      }
      out[i] = order[pos++];
    }
    return out;
  };
}
