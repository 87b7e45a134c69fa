import { checkCall } from "../_checks.ts";
/** Options for {@linkcode curveDistance}. */
export interface CurveDistanceOptions {
  /**
   * `"max"`: the largest |aᵢ − bᵢ| (the sup distance between the curves); `"mean"`: the mean of
   * |aᵢ − bᵢ|; `"rms"`: the root mean square.
   * @default {"max"}
   */
  norm?: "max" | "mean" | "rms";
  /**
   * Skip the points before this index.
   * @default {0}
   */
  from?: number;
}

/**
 * How far apart two curves sampled at the same points are, on their own scale:
 * maxᵢ |aᵢ − bᵢ| (or the mean or root mean square of |aᵢ − bᵢ|) over i ≥ `from`. Used to say
 * whether loss curves of networks of width m and 2m (or depth L and 2L) approach each other, and
 * at what rate. For curves that fall over decades, compare on a log scale instead
 * (`logCurveDistance`).
 *
 * @example
 * ```ts
 * import { curveDistance } from "minima";
 * import assert from "node:assert/strict";
 *
 * const a = [1, 0.5, 0.25], b = [1, 0.6, 0.2];
 * assert.ok(Math.abs(curveDistance(a, b) - 0.1) < 1e-12);
 * assert.ok(Math.abs(curveDistance(a, b, { norm: "mean" }) - 0.05) < 1e-12);
 * ```
 *
 * @param a One curve.
 * @param b The other, at the same points.
 * @param options The norm and the first index.
 * @returns The distance.
 */
export function curveDistance(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: CurveDistanceOptions = {},
): number {
  checkCall("curveDistance", arguments);
  const what = "compute the curve distance";
  if (a?.length === undefined || b?.length === undefined || a.length !== b.length) {
    throw new RangeError(
      `Cannot ${what}: the curves must have the same length, current lengths are ${a?.length} and ${b?.length}`,
    );
  }
  const norm = options.norm ?? "max";
  if (norm !== "max" && norm !== "mean" && norm !== "rms") {
    throw new TypeError(
      `Cannot ${what}: norm must be "max", "mean" or "rms", current value is ${
        JSON.stringify(norm)
      }`,
    );
  }
  const from = options.from ?? 0;
  if (!Number.isInteger(from) || from < 0 || from >= a.length) {
    throw new RangeError(
      `Cannot ${what}: from must be an integer in [0, ${a.length - 1}], current value is ${from}`,
    );
  }
  let max = 0, sum = 0, squares = 0;
  for (let i = from; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (!Number.isFinite(e)) {
      throw new RangeError(
        `Cannot ${what}: the curves must be finite, current values at index ${i} are ${a[i]} and ${
          b[i]
        }`,
      );
    }
    max = Math.max(max, e);
    sum += e;
    squares += e * e;
  }
  const count = a.length - from;
  return norm === "max" ? max : norm === "mean" ? sum / count : Math.sqrt(squares / count);
}
