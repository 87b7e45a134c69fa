import { tf } from "../backend/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import { checkVector, DEFAULT_CHUNK_SIZE, makeChunks } from "./_autodiff.ts";
import { directionTensors, shiftedLoss } from "./_shifted_loss.ts";
import { checkPoint } from "./_point.ts";
import { checkGrid } from "./_grid.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode lossAlongDirection}. */
export interface LossAlongDirectionOptions {
  /**
   * The distances t ≥ 0 (along the unit direction); by default `points` log-spaced ones in
   * `range`.
   */
  distances?: ArrayLike<number>;
  /**
   * The range of t for the default log-spaced distances.
   * @default {[1e-3, 1]}
   */
  range?: [number, number];
  /**
   * How many default distances.
   * @default {25}
   */
  points?: number;
  /**
   * `"both"`: the increase is the mean of the two sides, ½(L(θ+td) + L(θ−td)) − L(θ), which
   * cancels the linear term left by a non-zero gradient; `"plus"`: L(θ+td) − L(θ) only.
   * @default {"both"}
   */
  side?: "both" | "plus";
  /** Fit the exponent only on distances in [lower, upper]; by default on every usable point. */
  fitRange?: [number, number];
  /** The first `subset` samples, or these indices; by default all. */
  subset?: number | ArrayLike<number>;
  /**
   * Samples per forward pass.
   * @default {1024}
   */
  chunkSize?: number;
}

/** One distance along the direction. */
export interface LossAlongDirectionRow {
  /** The distance t. */
  distance: number;
  /** The loss increase ΔL(t) (see `side`). */
  increase: number;
  /** L(θ + t d). */
  loss_plus: number;
  /** L(θ − t d) (NaN with side "plus"). */
  loss_minus: number;
  /** Lets rows go into a plot's data as plain records. */
  [key: string]: number;
}

/** The loss along a direction and its growth exponent. */
export interface LossAlongDirectionResult {
  /** Rows { distance, increase, loss_plus, loss_minus } for a log–log chart. */
  rows: LossAlongDirectionRow[];
  /** The slope p of log ΔL against log t (ΔL ≈ c tᵖ): 2 for a quadratic, below 2 sub-quadratic. */
  exponent: number;
  /** log c, the intercept of the fit. */
  intercept: number;
  /** R² of the fit. */
  rSquared: number;
  /** Points used by the fit (positive, finite increases in the fit range). */
  fitted: number;
  /** L(θ). */
  base: number;
}

/**
 * The loss along a direction from θ (e.g. the top Hessian eigenvector at a minimum), with the
 * exponent p of ΔL(t) ≈ c tᵖ fitted by least squares on log–log axes. Near minima found by GD
 * at the edge of stability the growth is sub-quadratic (p < 2), which is how GD can oscillate
 * without diverging.
 *
 * @see Ma, Kunin, Wu, Ying, "Beyond the quadratic approximation: the multiscale structure of
 * neural network loss landscapes", arXiv:2204.11326.
 *
 * @example A quadratic grows with exponent 2
 * ```ts
 * import { createDataset, lossAlongDirection, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[2]], [[0]]);
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[0]])];
 * const r = await lossAlongDirection({ model, loss: mse, data, params }, [1], { range: [0.01, 1] });
 * assert.ok(Math.abs(r.exponent - 2) < 1e-3);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param direction The direction d (normalized to unit length here).
 * @param options Distances, side, fit range, subset.
 * @returns Rows, the exponent and the fit.
 */
export async function lossAlongDirection(
  point: ObjectivePoint,
  direction: ArrayLike<number>,
  options: LossAlongDirectionOptions = {},
): Promise<LossAlongDirectionResult> {
  checkCall("lossAlongDirection", arguments);
  const what = "measure the loss along the direction";
  checkPoint(point, what);
  checkVector(direction, point.model.numParams, "direction", what);
  let norm = 0;
  for (let i = 0; i < direction.length; i++) norm += direction[i] ** 2;
  norm = Math.sqrt(norm);
  if (norm === 0) {
    throw new RangeError(`Cannot ${what}: direction must be non-zero, current norm is 0`);
  }
  const unit = Float64Array.from(direction, (v) => v / norm);
  const side = options.side ?? "both";
  if (side !== "both" && side !== "plus") {
    throw new TypeError(
      `Cannot ${what}: side must be "both" or "plus", current value is ${JSON.stringify(side)}`,
    );
  }
  let distances: number[];
  if (options.distances !== undefined) {
    distances = Array.from(options.distances);
    if (distances.length < 1 || !distances.every((t) => Number.isFinite(t) && t > 0)) {
      throw new RangeError(
        `Cannot ${what}: distances must be positive finite numbers, current value is ${
          JSON.stringify(distances)
        }`,
      );
    }
  } else {
    const points = options.points ?? 25;
    checkGrid(points, options.range, what);
    const [lo, hi] = options.range ?? [1e-3, 1];
    if (!(lo > 0)) {
      throw new RangeError(
        `Cannot ${what}: range must start above 0 for log spacing, current value is ${
          JSON.stringify(options.range)
        }`,
      );
    }
    distances = Array.from(
      { length: points },
      (_, i) => (points === 1 ? lo : lo * (hi / lo) ** (i / (points - 1))),
    );
  }
  const chunks = makeChunks(
    point.data,
    options.subset,
    options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    what,
    point.model,
  );
  const dirs = directionTensors(point, [unit]);
  try {
    const base = await shiftedLoss(point, chunks, dirs, [0]);
    const rows: LossAlongDirectionRow[] = [];
    for (const t of distances) {
      const plus = await shiftedLoss(point, chunks, dirs, [t]);
      const minus = side === "both" ? await shiftedLoss(point, chunks, dirs, [-t]) : NaN;
      const increase = side === "both" ? 0.5 * (plus + minus) - base : plus - base;
      rows.push({ distance: t, increase, loss_plus: plus, loss_minus: minus });
    }
    const [fLo, fHi] = options.fitRange ?? [0, Infinity];
    const usable = rows.filter((r) =>
      r.distance >= fLo && r.distance <= fHi && r.increase > 0 && Number.isFinite(r.increase)
    );
    const fit = leastSquares(
      usable.map((r) => Math.log(r.distance)),
      usable.map((r) => Math.log(r.increase)),
    );
    return { rows, ...fit, fitted: usable.length, base };
  } finally {
    chunks.dispose();
    tf.dispose(dirs.flat());
  }
}

function leastSquares(x: number[], y: number[]) {
  const n = x.length;
  if (n < 2) return { exponent: NaN, intercept: NaN, rSquared: NaN };
  const mx = x.reduce((s, v) => s + v, 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  const exponent = sxy / sxx;
  return {
    exponent,
    intercept: my - exponent * mx,
    rSquared: syy > 0 ? (sxy * sxy) / (sxx * syy) : 1,
  };
}
