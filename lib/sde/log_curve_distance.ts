import { checkCall } from "../_checks.ts";
/** Options for {@linkcode logCurveDistance}. */
export interface LogCurveDistanceOptions {
  /**
   * Skip the points before this index (e.g. 1 to leave out a shared starting point).
   * @default {0}
   */
  from?: number;
}

/**
 * How far apart two positive curves sampled at the same points are, on a log scale: the mean of
 * |log(a_i/b_i)| over i ≥ `from`. 0.1 means about 10% apart on average, whatever the curves'
 * scale, so loss curves that fall over decades compare fairly; used to say whether a scaling
 * rule keeps loss-vs-epoch curves together.
 *
 * @example Curves 10% apart everywhere, with a shared start
 * ```ts
 * import { logCurveDistance } from "minima";
 * import assert from "node:assert/strict";
 *
 * const a = [2, 1, 0.5, 0.25], b = [2, 1.1, 0.55, 0.275];
 * assert.ok(Math.abs(logCurveDistance(a, b, { from: 1 }) - Math.log(1.1)) < 1e-12);
 * ```
 *
 * @param a One curve (positive values).
 * @param b The other, at the same points.
 * @param options The first index to compare.
 * @returns The mean absolute log-ratio.
 */
export function logCurveDistance(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: LogCurveDistanceOptions = {},
): number {
  checkCall("logCurveDistance", arguments);
  const what = "compute the log-curve distance";
  if (a?.length === undefined || b?.length === undefined || a.length !== b.length) {
    throw new RangeError(
      `Cannot ${what}: the curves must have the same length, current lengths are ${a?.length} and ${b?.length}`,
    );
  }
  const from = options.from ?? 0;
  if (!Number.isInteger(from) || from < 0 || from >= a.length) {
    throw new RangeError(
      `Cannot ${what}: from must be an integer in [0, ${a.length - 1}], current value is ${from}`,
    );
  }
  let sum = 0;
  for (let i = from; i < a.length; i++) {
    if (!(a[i] > 0 && b[i] > 0 && Number.isFinite(a[i]) && Number.isFinite(b[i]))) {
      throw new RangeError(
        `Cannot ${what}: the curves must be positive and finite, current values at index ${i} are ${
          a[i]
        } and ${b[i]}`,
      );
    }
    sum += Math.abs(Math.log(a[i] / b[i]));
  }
  return sum / (a.length - from);
}
