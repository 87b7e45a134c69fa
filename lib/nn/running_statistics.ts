import { tf } from "../backend/mod.ts";
import type { Dataset } from "../data/mod.ts";
import type { ModelState } from "./layer.ts";
import type { Model, Params } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode runningStatistics}. */
export interface RunningStatisticsOptions {
  /**
   * Samples per batch (the batch size the statistics are meant for).
   * @default {128}
   */
  batchSize?: number;
}

/**
 * Running statistics recomputed from data at fixed parameters: the data is cut in consecutive
 * batches and each normalization layer's running mean and (unbiased) variance are the averages
 * of the batches' statistics (PyTorch's cumulative average, `momentum=None`). Use it after
 * training, or whenever the parameters changed without the state following them (as after a
 * train loop that does not update state), before `applyEval` or `evalMode`.
 *
 * A last batch of a single sample is merged into the one before it.
 *
 * @example The running mean of one channel over two batches
 * ```ts
 * import { batchNorm, createDataset, dense, disposeParams, runningStatistics, sequential } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1], [3], [5], [7]], [0, 0, 0, 0]);
 * const model = sequential([1], [batchNorm(), dense({ units: 1 })]);
 * const params = model.init(0);
 * const state = runningStatistics(model, params, data, { batchSize: 2 });
 * assert.deepEqual(Array.from(await state[0].data()), [4]); // (2 + 6)/2
 * assert.deepEqual(Array.from(await state[1].data()), [2]); // unbiased variances 2 and 2
 * disposeParams([params, state]);
 * data.dispose();
 * ```
 *
 * @param model A model with running statistics (`updateState`).
 * @param params The parameters.
 * @param data The data (inputs only are used).
 * @param options The batch size.
 * @returns New running statistics, owned by the caller.
 */
export function runningStatistics(
  model: Model,
  params: Params,
  data: Dataset,
  options: RunningStatisticsOptions = {},
): ModelState {
  checkCall("runningStatistics", arguments);
  const what = "compute running statistics";
  if (!model || typeof model.updateState !== "function" || typeof model.initState !== "function") {
    throw new TypeError(
      `Cannot ${what}: the model must keep running statistics (updateState, as models with norm: "batch" do)`,
    );
  }
  if (!data || !data.x || typeof data.n !== "number") {
    throw new TypeError(`Cannot ${what}: data must be a Dataset`);
  }
  const batchSize = options.batchSize ?? 128;
  if (!Number.isInteger(batchSize) || batchSize < 2) {
    throw new RangeError(
      `Cannot ${what}: batchSize must be an integer ≥ 2, current value is ${batchSize}`,
    );
  }
  const starts: number[] = [];
  for (let s = 0; s < data.n; s += batchSize) starts.push(s);
  if (starts.length > 1 && data.n - starts.at(-1)! === 1) starts.pop();
  let state = model.initState();
  starts.forEach((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : data.n;
    const x = tf.slice(data.x, start, end - start);
    try {
      const next = model.updateState!(params, state, x, { momentum: 1 / (k + 1) });
      tf.dispose(state);
      state = next;
    } finally {
      x.dispose();
    }
  });
  return state;
}
