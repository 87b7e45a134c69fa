import { tf } from "../backend/mod.ts";
import type { Params, ParamSpec } from "./types.ts";
import { checkTensorList, describeValue } from "./_tensor_list.ts";
import { checkCall } from "../_checks.ts";

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
  checkCall("flattenParams", arguments);
  checkTensorList(params, "params", "Cannot flatten the parameters");
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
  checkCall("unflattenParams", arguments);
  const what = "Cannot unflatten the parameters";
  if (vector === null || typeof vector !== "object" || typeof vector.length !== "number") {
    throw new TypeError(
      `${what}: vector must be an array of numbers, current value is ${describeValue(vector)}`,
    );
  }
  if (!Array.isArray(specs as unknown)) {
    throw new TypeError(
      `${what}: specs must be an array of { shape } (e.g. model.paramSpecs), current value is ${
        describeValue(specs)
      }`,
    );
  }
  specs.forEach((spec, j) => {
    const shape = (spec as { shape?: unknown } | null)?.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new TypeError(
        `${what}: specs[${j}].shape must be an array of non-negative integers, current value is ${
          describeValue(shape)
        }`,
      );
    }
  });
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
  checkCall("disposeParams", arguments);
  if (!Array.isArray(params)) {
    throw new TypeError(
      `Cannot dispose the parameters: params must be an array of tensors (or of such arrays), current value is ${
        describeValue(params)
      }`,
    );
  }
  for (const p of params) {
    if (Array.isArray(p)) disposeParams(p);
    else if (p instanceof tf.Tensor) p.dispose();
    else {
      throw new TypeError(
        `Cannot dispose the parameters: each entry must be a tensor or an array of tensors, current value is ${
          describeValue(p)
        }`,
      );
    }
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
  checkCall("cloneParams", arguments);
  checkTensorList(params, "params", "Cannot copy the parameters");
  return params.map((p) => tf.clone(p));
}
