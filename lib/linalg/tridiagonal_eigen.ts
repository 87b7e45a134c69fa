import { tql } from "./_tql.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode tridiagonalEigen}. */
export interface TridiagonalEigenOptions {
  /**
   * Whether to return the full eigenvectors (O(n³) work); without them only their first and last
   * components are tracked (O(n²)), which is all Lanczos and quadrature need.
   * @default {true}
   */
  vectors?: boolean;
}

/** The eigen-decomposition of a symmetric tridiagonal matrix T = Z diag(values) Zᵀ. */
export interface TridiagonalEigenResult {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Unit eigenvectors, `vectors[j]` for `values[j]`; empty when `vectors: false`. */
  vectors: Float64Array[];
  /** Z[0][j], the first component of each eigenvector (Gauss quadrature weights are its squares). */
  firstComponents: Float64Array;
  /** Z[n−1][j], the last component of each eigenvector (Lanczos residuals are β·|Z[n−1][j]|). */
  lastComponents: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by the implicit QL algorithm
 * with Wilkinson shifts: T = Z diag(λ) Zᵀ. Each sweep is one shifted QL step, T − σI = QL,
 * T ← QᵀTQ, done implicitly by Givens rotations that chase a bulge; the shift σ is the eigenvalue of
 * the leading 2×2 block nearer its corner, which makes convergence cubic. Backward stable.
 *
 * @see Golub and Van Loan, "Matrix Computations", 4th ed., section 8.3 (symmetric QR/QL).
 *
 * @example The 3×3 second-difference matrix, eigenvalues 2 − √2, 2, 2 + √2
 * ```ts
 * import { tridiagonalEigen } from "minima";
 * import assert from "node:assert/strict";
 *
 * const { values, vectors } = tridiagonalEigen([2, 2, 2], [-1, -1]);
 * assert.ok(Math.abs(values[0] - (2 - Math.SQRT2)) < 1e-12);
 * assert.ok(Math.abs(values[2] - (2 + Math.SQRT2)) < 1e-12);
 * assert.ok(Math.abs(Math.abs(vectors[1][0]) - Math.SQRT1_2) < 1e-12); // (1, 0, −1)/√2
 * ```
 *
 * @param diagonal The n diagonal entries T[i][i].
 * @param offDiagonal The n − 1 entries T[i][i+1] = T[i+1][i].
 * @param options Whether to form the full eigenvectors.
 * @returns Ascending eigenvalues, unit eigenvectors, and their first and last components.
 */
export function tridiagonalEigen(
  diagonal: ArrayLike<number>,
  offDiagonal: ArrayLike<number>,
  options: TridiagonalEigenOptions = {},
): TridiagonalEigenResult {
  checkCall("tridiagonalEigen", arguments);
  const action = "Cannot diagonalize the tridiagonal matrix";
  checkArray(diagonal, "diagonal", action);
  checkArray(offDiagonal, "offDiagonal", action);
  const n = diagonal.length;
  if (n < 1) {
    throw new RangeError(`${action}: diagonal must have at least one entry, current length is 0`);
  }
  if (offDiagonal.length !== n - 1) {
    throw new TypeError(
      `${action}: offDiagonal must have length diagonal.length − 1 = ${
        n - 1
      }, current length is ${offDiagonal.length}`,
    );
  }
  const wantVectors = options.vectors ?? true;
  if (typeof wantVectors !== "boolean") {
    throw new TypeError(`${action}: vectors must be a boolean, current value is ${wantVectors}`);
  }
  const rowIndices = wantVectors ? Array.from({ length: n }, (_, k) => k) : [0, n - 1];
  const { values, rows } = tql(diagonal, offDiagonal, rowIndices);
  const vectors = wantVectors
    ? Array.from({ length: n }, (_, j) => Float64Array.from(rows, (row) => row[j]))
    : [];
  return {
    values,
    vectors,
    firstComponents: rows[0],
    lastComponents: rows[rows.length - 1],
  };
}

function checkArray(value: ArrayLike<number>, name: string, action: string): void {
  if (value === null || typeof value !== "object" || typeof value.length !== "number") {
    throw new TypeError(
      `${action}: ${name} must be an array of numbers, current value is ${value}`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== "number" || !Number.isFinite(value[i])) {
      throw new RangeError(`${action}: ${name} must be finite, entry ${i} is ${value[i]}`);
    }
  }
}
