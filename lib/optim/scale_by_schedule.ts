import { tf } from "../backend/mod.ts";
import type { GradientTransformation, OptimizerState } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** State of {@linkcode scaleBySchedule}: the steps taken. */
export interface ScheduleState extends OptimizerState {
  /** Steps taken. */
  count: number;
}

/**
 * Multiplies updates by a step-dependent factor (optax's `scale_by_schedule`): u ↦ s(t)·u with t
 * the steps taken so far. With s(t) = −η(t) this is a learning-rate schedule, e.g. a short phase
 * at a small rate while the loss is sharp, then a larger one.
 *
 * @example A warm-up: −0.01 for two steps, then −0.1
 * ```ts
 * import { scaleBySchedule, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const t = scaleBySchedule((k) => (k < 2 ? -0.01 : -0.1));
 * const g = [tf.tensor1d([1])];
 * let state = t.init(g);
 * const got: number[] = [];
 * for (let k = 0; k < 3; k++) {
 *   const r = t.update(g, state, g, { step: k, rng: undefined! });
 *   got.push((await r.updates[0].data())[0]);
 *   state = r.state;
 * }
 * assert.deepEqual(got.map((v) => Math.round(v * 1000) / 1000), [-0.01, -0.01, -0.1]);
 * ```
 *
 * @param schedule t ↦ the factor at step t (a finite number).
 * @returns The transformation; its state counts the steps.
 */
export function scaleBySchedule(
  schedule: (step: number) => number,
): GradientTransformation<ScheduleState> {
  checkCall("scaleBySchedule", arguments);
  if (typeof schedule !== "function") {
    throw new TypeError(
      `Cannot create scaleBySchedule: schedule must be a function of the step, current value is ${schedule}`,
    );
  }
  return {
    init: () => ({ count: 0 }),
    update: (updates, state) => {
      const c = schedule(state.count);
      if (typeof c !== "number" || !Number.isFinite(c)) {
        throw new RangeError(
          `Cannot apply scaleBySchedule: the schedule must return a finite number, at step ${state.count} it returned ${c}`,
        );
      }
      return { updates: updates.map((u) => tf.mul(u, c)), state: { count: state.count + 1 } };
    },
  };
}
