import type { LinearOperator } from "./linear_operator.ts";
import { apply } from "./_checks.ts";
import { addCombination, dotEach } from "./_vector.ts";
import { checkCall } from "../_checks.ts";

/** Where an estimator keeps its vectors: float64 arrays on the host, or the operator's device. */
export type VectorLocation = "host" | "device";

/**
 * Where the Krylov estimators keep their vectors, and the few operations they do on them: the
 * operator's product on a block of vectors, inner products read back as a small matrix of
 * scalars, and linear combinations. minima's estimators are written against this interface, so
 * the same Lanczos runs on float64 arrays on the host ({@linkcode hostVectorStore}, the default)
 * or on tensors that never leave an accelerator (a Hessian operator's `vectorStore`), where only
 * the small coefficient matrices are read back.
 *
 * Vectors are opaque values of type V. `subtract` and `scale` consume their vector arguments
 * (the host store updates in place, a device store disposes the old tensors); every other
 * operation leaves its arguments alone.
 */
export interface VectorStore<V> {
  /** The dimension d of the vectors. */
  readonly dim: number;
  /** `"host"` (Float64Array) or `"device"` (tensors). */
  readonly location: VectorLocation;
  /**
   * The operator applied to each vector, as one batched pass where the operator offers one.
   *
   * @param vs The vectors (not modified).
   * @returns New vectors A v.
   */
  apply(vs: readonly V[]): Promise<V[]>;
  /**
   * A vector from host values (copied).
   *
   * @param v d values.
   * @returns The new vector.
   */
  fromHost(v: Float64Array): V;
  /**
   * The vector's values on the host.
   *
   * @param v The vector (not modified).
   * @returns A new Float64Array.
   */
  toHost(v: V): Promise<Float64Array>;
  /**
   * The inner products C[i][j] = x_iᵀ y_j, read back as one small matrix.
   *
   * @param xs Vectors x_0 … x_{m−1}.
   * @param ys Vectors y_0 … y_{b−1}.
   * @returns The m×b matrix, row-major.
   */
  inner(xs: readonly V[], ys: readonly V[]): Promise<Float64Array>;
  /**
   * y_j ← y_j − Σ_i C[i][j] x_i for every j (consumes ys).
   *
   * @param ys The vectors to update (consumed).
   * @param xs The vectors x_i.
   * @param c The m×b coefficients, row-major (as `inner` returns them).
   * @returns The updated vectors, in the order of ys.
   */
  subtract(ys: V[], xs: readonly V[], c: Float64Array): V[];
  /**
   * The combinations z_j = Σ_i C[i][j] x_i for j < cols.
   *
   * @param xs The vectors x_i.
   * @param c The (xs.length)×cols coefficients, row-major.
   * @param cols The number of combinations.
   * @returns New vectors.
   */
  combine(xs: readonly V[], c: Float64Array, cols: number): V[];
  /**
   * s·y (consumes y).
   *
   * @param y The vector (consumed).
   * @param s The factor.
   * @returns The scaled vector.
   */
  scale(y: V, s: number): V;
  /**
   * Frees device memory; a no-op on the host.
   *
   * @param vs The vectors to free.
   */
  dispose(vs: readonly V[]): void;
}

/** An operator that can also hand the estimators a store of its own (e.g. on a device). */
export interface WithVectorStore {
  /**
   * A store whose vectors stay where the operator computes (tensors on its backend).
   *
   * @returns The store; the caller disposes the vectors it creates.
   */
  vectorStore?(): VectorStore<unknown>;
}

/**
 * The float64 host store over any operator: vectors are Float64Arrays, inner products and
 * updates are the cache-friendly kernels of four vectors per sweep, and a block is applied one
 * product at a time (or through `op.matmat` when the operator has it).
 *
 * @example
 * ```ts
 * import { denseOperator, hostVectorStore } from "minima";
 * import assert from "node:assert/strict";
 *
 * const store = hostVectorStore(denseOperator([2, 1, 1, 3], 2));
 * const [y] = await store.apply([Float64Array.of(1, 0)]);
 * assert.deepEqual(Array.from(await store.inner([y], [y])), [5]);
 * ```
 *
 * @param op The operator.
 * @param action What failed, for the messages of a bad product.
 * @returns The store.
 */
export function hostVectorStore(
  op: LinearOperator,
  action = "Cannot apply the operator",
): VectorStore<Float64Array> {
  checkCall("hostVectorStore", arguments);
  if (op === null || typeof op !== "object" || !Number.isInteger(op.dim)) {
    throw new TypeError(
      `${action}: op must be a LinearOperator (e.g. denseOperator or hessianOperator), current value is ${op}`,
    );
  }
  const dim = op.dim;
  return {
    dim,
    location: "host",
    async apply(vs) {
      if (op.matmat !== undefined && vs.length > 1) {
        const ys = await op.matmat(vs);
        if (!Array.isArray(ys) || ys.length !== vs.length) {
          throw new TypeError(
            `${action}: op.matmat must return one vector per input (${vs.length}), it returned ${
              Array.isArray(ys) ? ys.length : typeof ys
            }`,
          );
        }
        return await Promise.all(ys.map((y, i) => apply({ dim, matvec: () => y }, vs[i], action)));
      }
      const out: Float64Array[] = [];
      for (const v of vs) out.push(await apply(op, v, action));
      return out;
    },
    fromHost: (v) => Float64Array.from(v),
    toHost: (v) => Promise.resolve(Float64Array.from(v)),
    inner(xs, ys) {
      const m = xs.length, b = ys.length;
      const c = new Float64Array(m * b);
      const col = new Float64Array(m);
      for (let j = 0; j < b; j++) {
        dotEach(xs, ys[j], col);
        for (let i = 0; i < m; i++) c[i * b + j] = col[i];
      }
      return Promise.resolve(c);
    },
    subtract(ys, xs, c) {
      const m = xs.length, b = ys.length;
      const w = new Float64Array(m);
      for (let j = 0; j < b; j++) {
        for (let i = 0; i < m; i++) w[i] = -c[i * b + j];
        addCombination(xs, w, ys[j]);
      }
      return ys;
    },
    combine(xs, c, cols) {
      const m = xs.length;
      const out: Float64Array[] = [];
      const w = new Float64Array(m);
      for (let j = 0; j < cols; j++) {
        for (let i = 0; i < m; i++) w[i] = c[i * cols + j];
        out.push(addCombination(xs, w, new Float64Array(dim)));
      }
      return out;
    },
    scale(y, s) {
      for (let i = 0; i < y.length; i++) y[i] *= s;
      return y;
    },
    dispose() {},
  };
}
