import { tf } from "../backend/mod.ts";
import type { Params, ParamSpec } from "./types.ts";

/**
 * The parameters as one float64 vector θ: the tensors' entries concatenated in order, row-major.
 * This is the space Hessian-vector products and spectral estimators act on.
 *
 * @example
 * ```ts
 * import { disposeParams, flattenParams, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const params = [tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([5])];
 * assert.deepEqual(Array.from(await flattenParams(params)), [1, 2, 3, 4, 5]);
 * disposeParams(params);
 * ```
 *
 * @param params The parameter tensors (not modified).
 * @returns A new Float64Array of length Σ sizes.
 */
export async function flattenParams(params: Params): Promise<Float64Array> {
  let size = 0;
  for (const p of params) size += p.size;
  const out = new Float64Array(size);
  let offset = 0;
  for (const p of params) {
    out.set(await p.data() as Float32Array, offset);
    offset += p.size;
  }
  return out;
}

/**
 * Tensors of the given shapes from a flat vector (the inverse of {@linkcode flattenParams}).
 *
 * @example
 * ```ts
 * import { disposeParams, unflattenParams } from "minima";
 * import assert from "node:assert/strict";
 *
 * const params = unflattenParams(Float64Array.of(1, 2, 3), [{ shape: [3] }]);
 * assert.deepEqual(params[0].shape, [3]);
 * disposeParams(params);
 * ```
 *
 * @param vector The entries, length Σ sizes.
 * @param specs The shapes, in order (a model's `paramSpecs`).
 * @returns New float32 tensors owned by the caller.
 */
export function unflattenParams(
  vector: ArrayLike<number>,
  specs: readonly Pick<ParamSpec, "shape">[],
): Params {
  const total = specs.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  if (vector.length !== total) {
    throw new TypeError(
      `Cannot unflatten the parameters: the vector must have ${total} entries, current length is ${vector.length}`,
    );
  }
  const out: Params = [];
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = vector[offset + i];
    out.push(tf.tensor(values, spec.shape as number[], "float32"));
    offset += size;
  }
  return out;
}

/**
 * Disposes every tensor of a parameter list (or of several), e.g. a training result's params.
 *
 * @example
 * ```ts
 * import { disposeParams, mlp, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const before = tf.memory().numTensors;
 * disposeParams(mlp([2, 3, 1]).init(0));
 * assert.equal(tf.memory().numTensors, before);
 * ```
 *
 * @param params The tensors.
 */
export function disposeParams(params: Params | readonly Params[]): void {
  for (const p of params) {
    if (Array.isArray(p)) disposeParams(p);
    else (p as tf.Tensor).dispose();
  }
}

/**
 * Copies of the parameter tensors (new tensors sharing nothing the caller must keep alive).
 *
 * @example
 * ```ts
 * import { cloneParams, disposeParams, mlp } from "minima";
 * import assert from "node:assert/strict";
 *
 * const params = mlp([2, 3, 1]).init(0);
 * const copy = cloneParams(params);
 * disposeParams(params);
 * assert.equal(copy[0].shape[1], 3);
 * disposeParams(copy);
 * ```
 *
 * @param params The tensors.
 * @returns Clones owned by the caller.
 */
export function cloneParams(params: Params): Params {
  return params.map((p) => tf.clone(p));
}
