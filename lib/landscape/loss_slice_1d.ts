import { tf } from "../backend/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import type { Seed } from "../random/mod.ts";
import { checkVector, DEFAULT_CHUNK_SIZE, makeChunks } from "./_autodiff.ts";
import { directionTensors, shiftedLoss } from "./_shifted_loss.ts";
import { checkPoint } from "./_point.ts";
import { filterNormalizedDirection } from "./filter_normalized_direction.ts";
import { checkGrid } from "./_grid.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode lossSlice1d}. */
export interface LossSlice1dOptions {
  /** The direction d (e.g. a Hessian eigenvector); by default a filter-normalized random one. */
  direction?: ArrayLike<number>;
  /**
   * The range of α.
   * @default {[-1, 1]}
   */
  range?: [number, number];
  /**
   * Points on the range, evenly spaced.
   * @default {25}
   */
  points?: number;
  /**
   * Seed of the random direction.
   * @default {0}
   */
  seed?: Seed;
  /** The first `subset` samples, or these indices; by default all. */
  subset?: number | ArrayLike<number>;
  /**
   * Samples per forward pass.
   * @default {1024}
   */
  chunkSize?: number;
}

/** A 1-D slice. */
export interface LossSlice1dResult {
  /** Rows { alpha, loss } for a line chart. */
  rows: { alpha: number; loss: number }[];
  /** The direction used. */
  direction: Float64Array;
}

/**
 * The loss along a line through θ, α ↦ L(θ + α d), on an even grid of α.
 *
 * @see Li et al., arXiv:1712.09913; Goodfellow, Vinyals, Saxe, arXiv:1412.6544.
 *
 * @example The slice of ½(wx)² with x = 2 along d = 1 is 2(w + α)²
 * ```ts
 * import { createDataset, lossSlice1d, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[2]], [[0]]);
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[0.5]])];
 * const { rows } = await lossSlice1d({ model, loss: mse, data, params }, {
 *   direction: [1],
 *   points: 3,
 * });
 * assert.deepEqual(rows, [{ alpha: -1, loss: 0.5 }, { alpha: 0, loss: 0.5 }, { alpha: 1, loss: 4.5 }]);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Direction, range, grid, seed, subset.
 * @returns The rows and the direction.
 */
export async function lossSlice1d(
  point: ObjectivePoint,
  options: LossSlice1dOptions = {},
): Promise<LossSlice1dResult> {
  checkCall("lossSlice1d", arguments);
  const what = "slice the loss";
  checkPoint(point, what);
  const points = options.points ?? 25;
  checkGrid(points, options.range, what);
  const [lo, hi] = options.range ?? [-1, 1];
  const direction = options.direction
    ? Float64Array.from(options.direction)
    : await filterNormalizedDirection(point, { seed: options.seed });
  checkVector(direction, point.model.numParams, "direction", what);
  const chunks = makeChunks(
    point.data,
    options.subset,
    options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    what,
    point.model,
  );
  const dirs = directionTensors(point, [direction]);
  try {
    const rows: { alpha: number; loss: number }[] = [];
    for (let i = 0; i < points; i++) {
      const alpha = points === 1 ? lo : lo + ((hi - lo) * i) / (points - 1);
      rows.push({ alpha, loss: await shiftedLoss(point, chunks, dirs, [alpha]) });
    }
    return { rows, direction };
  } finally {
    chunks.dispose();
    tf.dispose(dirs.flat());
  }
}
