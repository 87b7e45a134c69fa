/**
 * The stepping core of minima's optimizer loops (`train`, `simulateOptimizer`,
 * `simulateManifoldToy`): who owns θ and the optimizer state, how one step replaces them, and
 * what is freed when. Progress and interrupts are the loop core's (`lib/_loop.ts`). Private to
 * optim; other areas use it through `_internal.ts`.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import type { Params } from "../nn/mod.ts";
import { addUpdates } from "./_add_updates.ts";
import type { Optimizer, OptimizerState, StepContext } from "./types.ts";

/** Every tensor in a nested container (an optimizer state: objects, arrays, numbers). */
export function stateTensors(state: unknown): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  const walk = (c: unknown) => {
    if (c instanceof tf.Tensor) out.push(c);
    else if (Array.isArray(c)) c.forEach(walk);
    else if (c && typeof c === "object") Object.values(c).forEach(walk);
  };
  walk(state);
  return out;
}

/** One generation of the loop's variables: θ and the optimizer state that goes with it. */
export interface Generation {
  /** The parameters. */
  params: Params;
  /** The optimizer state. */
  state: OptimizerState;
}

/** The tensors of generations, as a set. */
function tensorsOf(...gens: (Generation | undefined)[]): Set<tf.Tensor> {
  const out = new Set<tf.Tensor>();
  for (const g of gens) {
    if (!g) continue;
    for (const p of g.params) out.add(p);
    for (const t of stateTensors(g.state)) out.add(t);
  }
  return out;
}

/** Disposes the tensors of `gen` that no live generation holds. */
function retire(gen: Generation, live: Set<tf.Tensor>): void {
  const dead: tf.Tensor[] = [];
  for (const t of tensorsOf(gen)) if (!live.has(t)) dead.push(t);
  tf.dispose(dead);
}

/**
 * Owns θ and the optimizer state of a loop. `step` applies the optimizer's update, θ ← θ + u,
 * and frees what the new generation no longer needs: the gradients, the updates and the old
 * θ and state, except tensors the new state passes through. With `keepPrevious`, the
 * generation before the last step stays alive until {@linkcode OptimizerStepper.commit}, so a
 * loop that learns of a problem one step late (a loss read asynchronously) can
 * {@linkcode OptimizerStepper.rollback}.
 */
export class OptimizerStepper {
  #optimizer: Optimizer;
  #current: Generation;
  #previous: Generation | undefined;
  #keepPrevious: boolean;

  /**
   * @param optimizer The optimizer.
   * @param params The initial θ, owned from now on (pass a copy of the caller's tensors).
   * @param options `keepPrevious`: keep one generation back for `rollback`.
   */
  constructor(optimizer: Optimizer, params: Params, options: { keepPrevious?: boolean } = {}) {
    this.#optimizer = optimizer;
    this.#keepPrevious = options.keepPrevious ?? false;
    let state: OptimizerState;
    try {
      state = optimizer.init(params);
    } catch (error) {
      tf.dispose(params);
      throw error;
    }
    this.#current = { params, state };
  }

  /** The current θ (owned by the stepper). */
  get params(): Params {
    return this.#current.params;
  }

  /** The current optimizer state (owned by the stepper). */
  get state(): OptimizerState {
    return this.#current.state;
  }

  /**
   * One step: the optimizer's update from `gradients` at the current θ, then θ ← θ + updates.
   * The gradients are consumed (disposed unless the new state keeps them).
   *
   * @param gradients `optimizer.gradientsPerStep` gradients at the current θ.
   * @param context The step and the optimizer's generator.
   */
  step(gradients: readonly Params[], context: StepContext): void {
    const old = this.#current;
    let next: Generation;
    try {
      const result = this.#optimizer.update(gradients, old.state, old.params, context);
      if (!result || typeof result !== "object" || !Array.isArray(result.updates)) {
        throw new TypeError(
          `Cannot take the optimizer's step: its update must return { updates, state } with one update per parameter tensor, current value is ${
            result === null || typeof result !== "object"
              ? String(result)
              : "an object without updates"
          }`,
        );
      }
      const { updates, state } = result;
      const params = tf.tidy(() => addUpdates(old.params, updates));
      next = { params, state };
      const live = tensorsOf(next, old, this.#previous);
      tf.dispose([...gradients.flat(), ...updates].filter((t) => !live.has(t)));
    } catch (error) {
      const live = tensorsOf(old, this.#previous);
      tf.dispose(gradients.flat().filter((t) => !live.has(t)));
      throw error;
    }
    if (this.#keepPrevious) {
      if (this.#previous) retire(this.#previous, tensorsOf(old, next));
      this.#previous = old;
    } else {
      retire(old, tensorsOf(next));
    }
    this.#current = next;
  }

  /** Frees the generation kept for `rollback` (with `keepPrevious`): the last step stands. */
  commit(): void {
    if (!this.#previous) return;
    retire(this.#previous, tensorsOf(this.#current));
    this.#previous = undefined;
  }

  /**
   * Undoes the last step (with `keepPrevious`, before `commit`): the generation before it
   * becomes current again and the newer one is freed.
   */
  rollback(): void {
    if (!this.#previous) {
      throw new Error("Cannot roll back: no step is kept (keepPrevious and no commit since)");
    }
    retire(this.#current, tensorsOf(this.#previous));
    this.#current = this.#previous;
    this.#previous = undefined;
  }

  /**
   * Hands the current θ and state to the caller (who must dispose them) and frees the rest.
   * The stepper is empty afterwards.
   */
  release(): Generation {
    this.commit();
    const out = this.#current;
    this.#current = { params: [], state: {} };
    return out;
  }

  /** Frees everything the stepper owns. */
  dispose(): void {
    const all = tensorsOf(this.#current, this.#previous);
    this.#current = { params: [], state: {} };
    this.#previous = undefined;
    tf.dispose([...all]);
  }
}

/**
 * The check every optimizer loop starts with: an object with `init` and `update`, and a
 * positive integer `gradientsPerStep`.
 *
 * @param optimizer The value passed as the optimizer.
 * @param what What failed, e.g. "train" (the message reads "Cannot train: ...").
 * @param example An example for the message.
 * @returns The gradients per step.
 */
export function checkOptimizer(
  optimizer: Optimizer,
  what: string,
  example = "sgd({ lr: 0.1 })",
): number {
  if (
    !optimizer || typeof optimizer.update !== "function" || typeof optimizer.init !== "function"
  ) {
    throw new TypeError(
      `Cannot ${what}: optimizer must be an Optimizer (e.g. ${example}), current value is ${optimizer}`,
    );
  }
  const perStep = optimizer.gradientsPerStep ?? 1;
  if (!Number.isInteger(perStep) || perStep < 1) {
    throw new RangeError(
      `Cannot ${what}: optimizer.gradientsPerStep must be a positive integer, current value is ${perStep}`,
    );
  }
  return perStep;
}
