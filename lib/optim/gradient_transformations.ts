import { tf } from "../backend/mod.ts";
import type { Params } from "../nn/mod.ts";
import type { GradientTransformation, OptimizerState } from "./types.ts";
import { checkCall } from "../_checks.ts";

// optax's building blocks. Each `update` maps incoming updates u to outgoing ones and returns a
// new state; none mutates or disposes its arguments. Named optimizers chain them.

const zerosLike = (params: Params): Params => params.map((p) => tf.zerosLike(p));

/**
 * Multiplies updates by a constant: u ↦ c·u (with c = −η this turns a direction into a step).
 *
 * @example
 * ```ts
 * import { scale, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const t = scale(-0.1);
 * const g = [tf.tensor1d([1, 2])];
 * const { updates } = t.update(g, t.init(g), g, { step: 0, rng: undefined! });
 * assert.ok(Math.abs((await updates[0].data())[1] + 0.2) < 1e-7);
 * ```
 *
 * @param c The factor.
 * @returns The transformation (stateless).
 */
export function scale(c: number): GradientTransformation<Record<string, never>> {
  checkCall("scale", arguments);
  return {
    init: () => ({}),
    update: (updates, state) => ({ updates: updates.map((u) => tf.mul(u, c)), state }),
  };
}

/** State of {@linkcode traceMomentum}. */
export interface TraceState extends OptimizerState {
  /** The trace (velocity) v, shaped like the parameters. */
  trace: Params;
}

/**
 * Heavy-ball momentum: v ← μv + u; outputs v, or u + μv with Nesterov's look-ahead (the
 * formulation of optax and PyTorch, with the learning rate applied after).
 *
 * @example
 * ```ts
 * import { tf, traceMomentum } from "minima";
 * import assert from "node:assert/strict";
 *
 * const t = traceMomentum(0.9);
 * const g = [tf.tensor1d([1])];
 * const s1 = t.update(g, t.init(g), g, { step: 0, rng: undefined! });
 * const s2 = t.update(g, s1.state, g, { step: 1, rng: undefined! });
 * assert.ok(Math.abs((await s2.updates[0].data())[0] - 1.9) < 1e-6);
 * ```
 *
 * @param momentum μ in [0, 1).
 * @param nesterov Whether to output u + μv.
 * @returns The transformation.
 */
export function traceMomentum(
  momentum: number,
  nesterov = false,
): GradientTransformation<TraceState> {
  checkCall("traceMomentum", arguments);
  return {
    init: (params) => ({ trace: zerosLike(params) }),
    update: (updates, state) => {
      const trace = updates.map((u, j) => tf.add(tf.mul(state.trace[j], momentum), u));
      const out = nesterov
        ? updates.map((u, j) => tf.add(u, tf.mul(trace[j], momentum)))
        : trace.map((t) => tf.clone(t));
      return { updates: out, state: { trace } };
    },
  };
}

/** State of {@linkcode scaleByAdam}. */
export interface AdamState extends OptimizerState {
  /** Steps taken. */
  count: number;
  /** First moment m. */
  mu: Params;
  /** Second moment v. */
  nu: Params;
}

/**
 * Adam's rescaling: m ← β₁m + (1−β₁)u, v ← β₂v + (1−β₂)u², output m̂/(√v̂ + ε) with the bias
 * corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
 *
 * @see Kingma, Ba, "Adam: a method for stochastic optimization", arXiv:1412.6980.
 *
 * @example The first step is sign-like: u/(|u| + ε)
 * ```ts
 * import { scaleByAdam, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const t = scaleByAdam(0.9, 0.999, 1e-8);
 * const g = [tf.tensor1d([3, -0.5])];
 * const { updates } = t.update(g, t.init(g), g, { step: 0, rng: undefined! });
 * const u = await updates[0].data();
 * assert.ok(Math.abs(u[0] - 1) < 1e-6 && Math.abs(u[1] + 1) < 1e-6);
 * ```
 *
 * @param beta1 β₁ in [0, 1).
 * @param beta2 β₂ in [0, 1).
 * @param eps ε > 0, added to √v̂.
 * @returns The transformation.
 */
export function scaleByAdam(
  beta1: number,
  beta2: number,
  eps: number,
): GradientTransformation<AdamState> {
  checkCall("scaleByAdam", arguments);
  return {
    init: (params) => ({ count: 0, mu: zerosLike(params), nu: zerosLike(params) }),
    update: (updates, state) => {
      const count = state.count + 1;
      const mu = updates.map((u, j) => tf.add(tf.mul(state.mu[j], beta1), tf.mul(u, 1 - beta1)));
      const nu = updates.map((u, j) =>
        tf.add(tf.mul(state.nu[j], beta2), tf.mul(tf.square(u), 1 - beta2))
      );
      const c1 = 1 - beta1 ** count, c2 = 1 - beta2 ** count;
      const out = mu.map((m, j) =>
        tf.tidy(() => tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(nu[j], c2)), eps)))
      );
      return { updates: out, state: { count, mu, nu } };
    },
  };
}

/** State of {@linkcode scaleByRms}. */
export interface RmsState extends OptimizerState {
  /** The running mean of squares v. */
  nu: Params;
}

/**
 * RMSprop's rescaling: v ← ρv + (1−ρ)u², output u/(√v + ε) (no bias correction, v starts at 0,
 * as in PyTorch's `RMSprop`).
 *
 * @see Tieleman, Hinton, Lecture 6.5 of "Neural networks for machine learning", 2012.
 *
 * @example
 * ```ts
 * import { scaleByRms, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const t = scaleByRms(0.99, 1e-8);
 * const g = [tf.tensor1d([2])];
 * const { updates } = t.update(g, t.init(g), g, { step: 0, rng: undefined! });
 * // v = 0.01·4, output 2/√0.04 = 10.
 * assert.ok(Math.abs((await updates[0].data())[0] - 10) < 1e-4);
 * ```
 *
 * @param decay ρ in [0, 1).
 * @param eps ε > 0, added to √v.
 * @returns The transformation.
 */
export function scaleByRms(decay: number, eps: number): GradientTransformation<RmsState> {
  checkCall("scaleByRms", arguments);
  return {
    init: (params) => ({ nu: zerosLike(params) }),
    update: (updates, state) => {
      const nu = updates.map((u, j) =>
        tf.add(tf.mul(state.nu[j], decay), tf.mul(tf.square(u), 1 - decay))
      );
      const out = updates.map((u, j) => tf.tidy(() => tf.div(u, tf.add(tf.sqrt(nu[j]), eps))));
      return { updates: out, state: { nu } };
    },
  };
}

/** State of {@linkcode chain}: the states of the chained transformations, in order. */
export interface ChainState extends OptimizerState {
  /** One state per transformation. */
  inner: OptimizerState[];
}

/**
 * Transformations applied one after the other (optax's `chain`): adam = chain(scaleByAdam(...),
 * scale(−η)).
 *
 * @example
 * ```ts
 * import { chain, scale, tf, traceMomentum } from "minima";
 * import assert from "node:assert/strict";
 *
 * const t = chain(traceMomentum(0.5), scale(-0.1));
 * const g = [tf.tensor1d([1])];
 * const s1 = t.update(g, t.init(g), g, { step: 0, rng: undefined! });
 * const s2 = t.update(g, s1.state, g, { step: 1, rng: undefined! });
 * assert.ok(Math.abs((await s2.updates[0].data())[0] + 0.15) < 1e-7);
 * ```
 *
 * @param transforms The transformations, first applied first.
 * @returns The composed transformation.
 */
export function chain(...transforms: GradientTransformation[]): GradientTransformation<ChainState> {
  checkCall("chain", arguments);
  return {
    init: (params) => ({ inner: transforms.map((t) => t.init(params)) }),
    update: (updates, state, params, context) => {
      // The updates passed between transformations are temporaries: call inside tf.tidy (the
      // named optimizers and the train loop do).
      const inner: OptimizerState[] = [];
      let current = updates;
      transforms.forEach((t, i) => {
        const r = t.update(current, state.inner[i], params, context);
        inner.push(r.state);
        current = r.updates;
      });
      return { updates: current, state: { inner } };
    },
  };
}
