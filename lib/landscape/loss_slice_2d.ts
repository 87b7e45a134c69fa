import { tf } from "../backend/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import { checkVector, DEFAULT_CHUNK_SIZE, makeChunks } from "./_autodiff.ts";
import { directionTensors, shiftedLoss } from "./_shifted_loss.ts";
import { checkPoint } from "./_point.ts";
import { filterNormalizedDirection } from "./filter_normalized_direction.ts";
import { checkGrid } from "./_grid.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode lossSlice2d}. */
export interface LossSlice2dOptions {
  /** The directions (d₁, d₂); by default two filter-normalized random ones (seeds s, s + 1). */
  directions?: [ArrayLike<number>, ArrayLike<number>];
  /**
   * The range of both α and β.
   * @default {[-1, 1]}
   */
  range?: [number, number];
  /**
   * Points per axis (the grid has points² cells).
   * @default {21}
   */
  points?: number;
  /**
   * Seed of the random directions.
   * @default {0}
   */
  seed?: number;
  /** The first `subset` samples, or these indices; by default all. */
  subset?: number | ArrayLike<number>;
  /**
   * Samples per forward pass.
   * @default {1024}
   */
  chunkSize?: number;
}

/** A 2-D slice. */
export interface LossSlice2dResult {
  /** Rows { alpha, beta, loss } for a heatmap or contour plot. */
  rows: { alpha: number; beta: number; loss: number }[];
  /** The two directions used. */
  directions: [Float64Array, Float64Array];
}

/**
 * The loss on a plane through θ, (α, β) ↦ L(θ + α d₁ + β d₂), on an even grid.
 *
 * @see Li et al., "Visualizing the loss landscape of neural nets", arXiv:1712.09913.
 *
 * @example
 * ```ts
 * import { createDataset, lossSlice2d, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * // ½(w₁ + 2w₂)² at w = 0 along the axes: ½(α + 2β)².
 * const data = createDataset([[1, 2]], [[0]]);
 * const model = mlp([2, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[0], [0]])];
 * const { rows } = await lossSlice2d({ model, loss: mse, data, params }, {
 *   directions: [[1, 0], [0, 1]],
 *   points: 3,
 * });
 * assert.equal(rows.length, 9);
 * assert.deepEqual(rows.find((r) => r.alpha === 1 && r.beta === 1), { alpha: 1, beta: 1, loss: 4.5 });
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Directions, range, grid, seed, subset.
 * @returns The rows and the directions.
 */
export async function lossSlice2d(
  point: ObjectivePoint,
  options: LossSlice2dOptions = {},
): Promise<LossSlice2dResult> {
  checkCall("lossSlice2d", arguments);
  const what = "slice the loss";
  checkPoint(point, what);
  const points = options.points ?? 21;
  checkGrid(points, options.range, what);
  const [lo, hi] = options.range ?? [-1, 1];
  const seed = options.seed ?? 0;
  const given = options.directions;
  if (
    given !== undefined &&
    (!Array.isArray(given) || given.length !== 2 ||
      given.some((d) => d === null || typeof d !== "object" || typeof d.length !== "number"))
  ) {
    throw new TypeError(
      `Cannot ${what}: directions must be two vectors [d1, d2] of length ${point.model.numParams}, current value is ${
        Array.isArray(given) ? `an array of length ${given.length}` : String(given)
      }`,
    );
  }
  const directions: [Float64Array, Float64Array] = options.directions
    ? [Float64Array.from(options.directions[0]), Float64Array.from(options.directions[1])]
    : [
      await filterNormalizedDirection(point, { seed }),
      await filterNormalizedDirection(point, { seed: seed + 1 }),
    ];
  directions.forEach((d, i) => checkVector(d, point.model.numParams, `directions[${i}]`, what));
  const chunks = makeChunks(
    point.data,
    options.subset,
    options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    what,
    point.model,
  );
  const dirs = directionTensors(point, directions);
  try {
    const grid = Array.from(
      { length: points },
      (_, i) => (points === 1 ? lo : lo + ((hi - lo) * i) / (points - 1)),
    );
    const rows: LossSlice2dResult["rows"] = [];
    for (const beta of grid) {
      for (const alpha of grid) {
        rows.push({ alpha, beta, loss: await shiftedLoss(point, chunks, dirs, [alpha, beta]) });
      }
    }
    return { rows, directions };
  } finally {
    chunks.dispose();
    tf.dispose(dirs.flat());
  }
}
