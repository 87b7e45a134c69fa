import type { VectorLocation, VectorStore } from "./vector_store.ts";
import { checkCall } from "../_checks.ts";

/**
 * A symmetric linear map given only through its action, the one interface every spectral
 * estimator consumes: a Hessian through Hessian-vector products, a noise covariance through
 * per-sample gradients, or an explicit matrix in tests.
 *
 * `matvec` may be asynchronous (tensor backends download results with `await t.data()`); the
 * estimators always await it. It must not keep or modify its argument. The optional members let
 * an operator do better than one float64 product at a time: several products in one pass, vectors
 * that stay on a device, and a statement of its own rounding error.
 */
export interface LinearOperator {
  /** The dimension d of the space the operator acts on. */
  readonly dim: number;
  /** y = A v for v of length `dim`. */
  matvec(v: Float64Array): Float64Array | Promise<Float64Array>;
  /**
   * Optional: A v for several vectors at once (e.g. one batched double-backprop pass); same
   * contract as `matvec` for each.
   */
  matmat?(vs: readonly Float64Array[]): Float64Array[] | Promise<Float64Array[]>;
  /**
   * Optional: a store whose vectors stay where the products are computed (tensors on the
   * operator's backend), for estimators run with `vectors: "device"`.
   */
  vectorStore?(): VectorStore<unknown>;
  /**
   * Optional: where estimators keep their vectors when their `vectors` option is not given
   * (`"device"` only together with `vectorStore`). A Hessian operator on WebGPU says `"device"`,
   * so that no d-vector crosses to the host per iteration; absent, `"host"`.
   */
  readonly preferredVectors?: VectorLocation;
  /**
   * Optional: the relative error ε of one product, ‖Ã v − A v‖ ≲ ε·‖A‖·‖v‖ (float32 products:
   * a small multiple of 2⁻²³ ≈ 1.2e-7). The eigensolvers add it to their residuals and clamp
   * tolerances below it; absent, products count as exact to float64 rounding.
   */
  readonly relativeError?: number;
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
  checkCall("denseOperator", arguments);
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(
      `Cannot wrap the matrix: dim must be a positive integer, current value is ${dim}`,
    );
  }
  if (matrix === null || typeof matrix !== "object" || typeof matrix.length !== "number") {
    throw new TypeError(
      `Cannot wrap the matrix: matrix must be an array of dim² = ${
        dim * dim
      } numbers, current value is ${matrix}`,
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
