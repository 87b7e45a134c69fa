import type { Row } from "../_types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode transitionTime}. */
export interface TransitionTimeOptions {
  /**
   * The time column.
   * @default {"step"}
   */
  x?: string;
  /**
   * The column that moves from an early plateau to a late one (e.g. `"test_accuracy"`).
   * @default {"test_accuracy"}
   */
  y?: string;
  /**
   * The time at which the early plateau is read (the first record at or after it).
   * @default {the second record's time}
   */
  earlyAt?: number;
  /**
   * Where between the early and the late value the crossing is taken (0.5: halfway).
   * @default {0.5}
   */
  level?: number;
}

/** What {@linkcode transitionTime} found. */
export interface TransitionTimeResult {
  /** The first time the column crosses the threshold (linearly interpolated), or null. */
  time: number | null;
  /** The early plateau's value. */
  early: number;
  /** The late value: the largest (or, for a decreasing column, smallest) after the early time. */
  late: number;
  /** early + level·(late − early). */
  threshold: number;
}

/**
 * The time of a transition in a training history: the first time a column (test accuracy, say)
 * crosses a level between its early plateau and its late extreme, interpolating linearly between
 * records. With large initialization and small weight decay a network fits its training data
 * early, with a kernel predictor, and its test accuracy jumps much later (grokking); Lyu et al.
 * prove for homogeneous models that the jump comes at t ≈ (log α)/λ.
 *
 * @see Lyu, Jin, Li, Du, Lee, Hu, "Dichotomy of early and late phase implicit biases can provably
 * induce grokking", ICLR 2024, arXiv 2311.18817.
 *
 * @example
 * ```ts
 * import { transitionTime } from "minima";
 * import assert from "node:assert/strict";
 *
 * const rows = [0, 1, 2, 3, 4, 5].map((t) => ({ t, acc: t < 3 ? 0.6 : t === 3 ? 0.7 : 0.9 }));
 * const r = transitionTime(rows, { x: "t", y: "acc" });
 * assert.equal(r.threshold, 0.75);
 * assert.ok(Math.abs(r.time! - 3.25) < 1e-12);
 * ```
 *
 * @param rows The history (flat rows, in time order).
 * @param options The columns, the early time and the level.
 * @returns The crossing time and the plateaus.
 */
export function transitionTime(
  rows: readonly Row[],
  options: TransitionTimeOptions = {},
): TransitionTimeResult {
  checkCall("transitionTime", arguments);
  const what = "find the transition time";
  const xKey = options.x ?? "step", yKey = options.y ?? "test_accuracy";
  for (const [name, key] of [["x", xKey], ["y", yKey]] as const) {
    if (typeof key !== "string") {
      throw new TypeError(
        `Cannot ${what}: options.${name} must be a field name, current value is ${
          typeof key === "function" ? "a function" : JSON.stringify(key) ?? String(key)
        }`,
      );
    }
  }
  const level = options.level ?? 0.5;
  if (!Array.isArray(rows) || rows.length < 2) {
    throw new TypeError(`Cannot ${what}: rows must hold at least two records`);
  }
  const points = rows.map((r) => ({
    x: Object.hasOwn(r, xKey) ? r[xKey] : undefined,
    y: Object.hasOwn(r, yKey) ? r[yKey] : undefined,
  }));
  if (!points.every((p) => typeof p.x === "number" && typeof p.y === "number")) {
    throw new TypeError(
      `Cannot ${what}: every row must have numbers in "${xKey}" (options.x) and "${yKey}" (options.y)`,
    );
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`Cannot ${what}: level must be in (0, 1), current value is ${level}`);
  }
  const pts = points as { x: number; y: number }[];
  const earlyAt = options.earlyAt ?? pts[1].x;
  const start = pts.findIndex((p) => p.x >= earlyAt);
  if (start < 0) {
    throw new RangeError(
      `Cannot ${what}: earlyAt (${earlyAt}) is after the last record (${pts.at(-1)!.x})`,
    );
  }
  const early = pts[start].y;
  const after = pts.slice(start).map((p) => p.y);
  const up = Math.max(...after), down = Math.min(...after);
  const late = up - early >= early - down ? up : down;
  const threshold = early + level * (late - early);
  const sign = Math.sign(late - early);
  let time: number | null = null;
  for (let i = start + 1; i < pts.length && sign !== 0; i++) {
    if (sign * (pts[i].y - threshold) >= 0) {
      const a = pts[i - 1], b = pts[i];
      time = b.y === a.y ? b.x : a.x + ((threshold - a.y) / (b.y - a.y)) * (b.x - a.x);
      break;
    }
  }
  return { time, early, late, threshold };
}
