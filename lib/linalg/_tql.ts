/**
 * The implicit QL algorithm with Wilkinson shifts for a symmetric tridiagonal matrix (the
 * EISPACK tql2 / Numerical Recipes tqli scheme, written afresh), tracking only the rows of the
 * eigenvector matrix that the caller asks for: Lanczos needs the last row (Ritz residuals),
 * quadrature the first (weights), and only a caller that wants Ritz vectors pays for all rows.
 * Private to `lib/linalg/`.
 *
 * @module
 */

/** Eigenvalues ascending; `rows[t][j]` is component `rowIndices[t]` of eigenvector j. */
export interface TqlResult {
  values: Float64Array;
  rows: Float64Array[];
}

/** Thrown when one eigenvalue needs more than this many QL sweeps (never seen in practice). */
const MAX_SWEEPS = 60;

/**
 * Eigen-decomposes the symmetric tridiagonal matrix with diagonal `diag` (length n) and
 * off-diagonal `off` (length ≥ n−1, `off[i]` = T[i][i+1]). Inputs are not modified.
 *
 * @param diag The diagonal.
 * @param off The off-diagonal.
 * @param rowIndices Which rows of the (orthogonal) eigenvector matrix to return.
 * @returns Sorted eigenvalues and the tracked rows, permuted consistently.
 */
export function tql(
  diag: ArrayLike<number>,
  off: ArrayLike<number>,
  rowIndices: readonly number[],
): TqlResult {
  const n = diag.length;
  const d = Float64Array.from(diag);
  // e[i] couples i and i+1; e[n−1] = 0 is the sentinel the sweep relies on.
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = off[i];
  // z[t] is row rowIndices[t] of the eigenvector matrix, which starts as the identity.
  const z = rowIndices.map((k) => {
    const row = new Float64Array(n);
    row[k] = 1;
    return row;
  });

  for (let l = 0; l < n; l++) {
    let sweeps = 0;
    let m: number;
    do {
      // Find a negligible off-diagonal element: T splits there.
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (sweeps++ === MAX_SWEEPS) {
          throw new Error(
            `Cannot diagonalize the tridiagonal matrix: the QL iteration did not converge for eigenvalue ${l} after ${MAX_SWEEPS} sweeps`,
          );
        }
        // Wilkinson shift from the leading 2×2 block of the unreduced part.
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
        let s = 1, c = 1, p = 0;
        let i: number;
        // Chase the bulge from the bottom of the block up to l with Givens rotations.
        for (i = m - 1; i >= l; i--) {
          let f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            // Underflow: the matrix split; undo the partial shift and restart the block.
            d[i + 1] -= p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
          for (let t = 0; t < z.length; t++) {
            const row = z[t];
            f = row[i + 1];
            row[i + 1] = s * row[i] + c * f;
            row[i] = c * row[i] - s * f;
          }
        }
        if (r === 0 && i >= l) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }

  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => d[a] - d[b]);
  const values = Float64Array.from(order, (j) => d[j]);
  const rows = z.map((row) => Float64Array.from(order, (j) => row[j]));
  return { values, rows };
}
