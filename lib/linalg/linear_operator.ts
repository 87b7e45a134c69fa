/**
 * A symmetric linear map given only through its action, the one interface every spectral
 * estimator consumes: a Hessian through Hessian-vector products, a noise covariance through
 * per-sample gradients, or an explicit matrix in tests.
 *
 * `matvec` may be asynchronous (tensor backends download results with `await t.data()`); the
 * estimators always await it. It must not keep or modify its argument.
 */
export interface LinearOperator {
  /** The dimension d of the space the operator acts on. */
  readonly dim: number;
  /** y = A v for v of length `dim`. */
  matvec(v: Float64Array): Float64Array | Promise<Float64Array>;
}

/**
 * Wraps a dense symmetric matrix, stored row-major, as a {@linkcode LinearOperator}.
 *
 * @example
 * ```ts
 * import { denseOperator } from "minima";
 * import assert from "node:assert/strict";
 *
 * const op = denseOperator(Float64Array.of(2, 1, 1, 3), 2);
 * assert.deepEqual(Array.from(await op.matvec(Float64Array.of(1, 0))), [2, 1]);
 * ```
 *
 * @param matrix The d×d entries, row-major.
 * @param dim The dimension d.
 * @returns The operator v ↦ A v.
 */
export function denseOperator(matrix: ArrayLike<number>, dim: number): LinearOperator {
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(
      `Cannot wrap the matrix: dim must be a positive integer, current value is ${dim}`,
    );
  }
  if (matrix.length !== dim * dim) {
    throw new TypeError(
      `Cannot wrap the matrix: it must have dim² = ${
        dim * dim
      } entries, current length is ${matrix.length}`,
    );
  }
  const a = Float64Array.from(matrix);
  return {
    dim,
    matvec(v: Float64Array): Float64Array {
      if (v.length !== dim) {
        throw new TypeError(
          `Cannot apply the operator: v must have length ${dim}, current length is ${v.length}`,
        );
      }
      const y = new Float64Array(dim);
      for (let i = 0; i < dim; i++) {
        let s = 0;
        const row = i * dim;
        for (let j = 0; j < dim; j++) s += a[row + j] * v[j];
        y[i] = s;
      }
      return y;
    },
  };
}
