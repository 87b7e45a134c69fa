/**
 * Which `apply` a model's `applyReplicas` computes, so that a copy of a model with its own
 * `apply` (`{ ...mlp(sizes), apply: custom }`, e.g. one written on tf.tanh) does not silently
 * keep the original's replicated pass, whose second derivatives may differ. Private to `lib/nn/`
 * and `lib/landscape/`.
 *
 * @module
 */
import type { Model } from "./types.ts";

// deno-lint-ignore ban-types
const pairs = new WeakMap<Function, Function>();

/** Records that `applyReplicas` computes `apply` on stacked parameter sets; returns it. */
export function pairReplicas<R extends NonNullable<Model["applyReplicas"]>>(
  apply: Model["apply"],
  applyReplicas: R,
): R {
  pairs.set(applyReplicas, apply);
  return applyReplicas;
}

/**
 * The model's `applyReplicas` when it computes the model's own `apply`: a pair recorded by a
 * minima model must match; one defined by a user model is taken at its word.
 */
export function consistentReplicas(model: Model): Model["applyReplicas"] {
  const replicas = model.applyReplicas;
  if (replicas === undefined) return undefined;
  const paired = pairs.get(replicas);
  return paired === undefined || paired === model.apply ? replicas : undefined;
}
