import { tf } from "../backend/mod.ts";
import { checkGradientCount, checkLr } from "./_checks.ts";
import { globalNorm } from "./_norms.ts";
import type { Optimizer, OptimizerState } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode prgd}. */
export interface PrgdOptions {
  /** The normalized step length η > 0. */
  lr: number;
  /**
   * The radius R₀ of the first stage.
   * @default {1}
   */
  radius?: number;
  /**
   * The factor by which the radius grows from one stage to the next, R_k = R₀ γ^k, γ ≥ 1.
   * @default {1.3}
   */
  growth?: number;
  /**
   * Steps per stage.
   * @default {20}
   */
  stageSteps?: number;
}

/** State of {@linkcode prgd}: the steps taken. */
export interface PrgdState extends OptimizerState {
  /** Steps taken. */
  count: number;
}

/**
 * Progressive rescaling gradient descent (PRGD): normalized gradient steps projected onto a sphere
 * whose radius grows geometrically by stage. At step t, in stage k = ⌊t/stageSteps⌋ with radius
 * R_k = R₀γ^k: θ' = θ − η∇L/‖∇L‖, then θ ← R_k θ'/‖θ'‖ (entering a stage rescales θ to the new
 * radius). On a sphere of radius R the exponential loss is minimized near the max-margin
 * direction, within a margin gap that shrinks as R grows, and the normalized steps keep a useful
 * velocity toward it; the paper reports that this alternation of norm rescaling and projected
 * normalized steps maximizes the margin exponentially fast, against GD's and NGD's polynomial
 * rates. (This is the algorithm as described there; the exact schedule of the paper may differ.)
 * Use it with `marginShiftedExponentialLoss` at large radii, where e^{−q} underflows in float32.
 *
 * @see Wang, Min, Wu, "Achieving margin maximization exponentially fast via progressive norm
 * rescaling", ICML 2024, arXiv 2311.14387.
 *
 * @example
 * ```ts
 * import { prgd } from "minima";
 * import assert from "node:assert/strict";
 *
 * const opt = prgd({ lr: 0.5, radius: 1, growth: 1.3, stageSteps: 20 });
 * assert.equal(opt.fullBatch, true);
 * assert.deepEqual(opt.hyperparameters, { lr: 0.5, radius: 1, growth: 1.3, stageSteps: 20 });
 * ```
 *
 * @param options Step length and the radius schedule.
 * @returns The optimizer; its state counts the steps.
 */
export function prgd(options: PrgdOptions): Optimizer<PrgdState> {
  checkCall("prgd", arguments);
  const name = "prgd";
  const lr = checkLr(options?.lr, name);
  const radius = options.radius ?? 1;
  const growth = options.growth ?? 1.3;
  const stageSteps = options.stageSteps ?? 20;
  if (!(Number.isFinite(radius) && radius > 0)) {
    throw new RangeError(
      `Cannot create prgd: radius must be a positive number, current value is ${radius}`,
    );
  }
  if (!(Number.isFinite(growth) && growth >= 1)) {
    throw new RangeError(
      `Cannot create prgd: growth must be a number ≥ 1 (the radius never shrinks), current value is ${growth}`,
    );
  }
  if (!Number.isInteger(stageSteps) || stageSteps < 1) {
    throw new RangeError(
      `Cannot create prgd: stageSteps must be a positive integer, current value is ${stageSteps}`,
    );
  }
  const optimizer: Optimizer<PrgdState> = {
    name,
    hyperparameters: Object.freeze({ lr, radius, growth, stageSteps }),
    gradientsPerStep: 1,
    fullBatch: true,
    init: () => ({ count: 0 }),
    update(gradients, state, params) {
      checkGradientCount(gradients, 1, name);
      const r = radius * growth ** Math.floor(state.count / stageSteps);
      return tf.tidy(() => {
        const g = gradients[0];
        const gn = tf.maximum(globalNorm(g), 1e-30);
        const moved = params.map((p, j) => tf.sub(p, tf.mul(tf.div(g[j], gn), lr)));
        // Project onto the sphere of radius r (a zero vector stays where it is).
        const factor = tf.div(r, tf.maximum(globalNorm(moved), 1e-30));
        const updates = moved.map((m, j) => tf.sub(tf.mul(m, factor), params[j]));
        return { updates, state: { count: state.count + 1 } };
      });
    },
  };
  return Object.freeze(optimizer);
}
