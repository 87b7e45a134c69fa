/**
 * The eigen-decomposition of a small dense symmetric matrix: Householder reduction to tridiagonal
 * form, then the implicit QL algorithm ({@linkcode tql}) with every row tracked, and the
 * reflections applied back. Block Lanczos needs it for its banded projected matrix. O(n³); meant
 * for the n ≤ a few hundred of a Krylov space. Private to `lib/linalg/`.
 *
 * @module
 */
import { tql } from "./_tql.ts";

/** Eigenvalues ascending; `vectors[j]` (length n) is the unit eigenvector of `values[j]`. */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array[];
}

/**
 * Eigenpairs of the symmetric n×n matrix `a` (row-major; only its lower triangle is read).
 *
 * @param a The matrix, not modified.
 * @param n Its order.
 * @returns Ascending eigenvalues and their unit eigenvectors.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (n === 0) return { values: new Float64Array(0), vectors: [] };
  // Work on a full symmetric copy taken from the lower triangle.
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) m[i * n + j] = m[j * n + i] = a[i * n + j];
  }
  // Householder: for column k, reflect rows/columns k+1.. so that m[k+2.., k] = 0.
  const reflectors: Float64Array[] = [];
  for (let k = 0; k < n - 2; k++) {
    const len = n - k - 1;
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale = Math.max(scale, Math.abs(m[i * n + k]));
    if (scale === 0) {
      reflectors.push(new Float64Array(0));
      continue;
    }
    const v = new Float64Array(len);
    let sq = 0;
    for (let i = 0; i < len; i++) {
      v[i] = m[(k + 1 + i) * n + k] / scale;
      sq += v[i] * v[i];
    }
    const alpha = v[0] >= 0 ? -Math.sqrt(sq) : Math.sqrt(sq);
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < len; i++) vv += v[i] * v[i];
    if (vv === 0) {
      reflectors.push(new Float64Array(0));
      continue;
    }
    const beta = 2 / vv;
    // The trailing block S (rows/cols k+1..): S ← P S P with P = I − β v vᵀ, as
    // S − v wᵀ − w vᵀ with p = β S v, w = p − (β/2)(vᵀp) v.
    const p = new Float64Array(len);
    for (let i = 0; i < len; i++) {
      let s = 0;
      const row = (k + 1 + i) * n + k + 1;
      for (let j = 0; j < len; j++) s += m[row + j] * v[j];
      p[i] = beta * s;
    }
    let vp = 0;
    for (let i = 0; i < len; i++) vp += v[i] * p[i];
    const w = new Float64Array(len);
    for (let i = 0; i < len; i++) w[i] = p[i] - 0.5 * beta * vp * v[i];
    for (let i = 0; i < len; i++) {
      const row = (k + 1 + i) * n + k + 1;
      for (let j = 0; j < len; j++) m[row + j] -= v[i] * w[j] + w[i] * v[j];
    }
    // Column k below the subdiagonal becomes (alpha·scale, 0, …).
    m[(k + 1) * n + k] = m[k * n + k + 1] = alpha * scale;
    for (let i = k + 2; i < n; i++) m[i * n + k] = m[k * n + i] = 0;
    v.forEach((x, i) => (v[i] = x * Math.sqrt(beta)));
    reflectors.push(v); // unit-scaled: P = I − v vᵀ
  }
  const diag = Float64Array.from({ length: n }, (_, i) => m[i * n + i]);
  const off = Float64Array.from({ length: Math.max(0, n - 1) }, (_, i) => m[(i + 1) * n + i]);
  const all = Array.from({ length: n }, (_, i) => i);
  const { values, rows } = tql(diag, off, all);
  // Eigenvectors of T are the columns of Z (rows[r][j] = Z[r][j]); of A: P_0 … P_{n−3} Z.
  const vectors = Array.from({ length: n }, (_, j) => Float64Array.from(rows, (row) => row[j]));
  for (const z of vectors) {
    for (let k = reflectors.length - 1; k >= 0; k--) {
      const v = reflectors[k];
      if (v.length === 0) continue;
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i] * z[k + 1 + i];
      for (let i = 0; i < v.length; i++) z[k + 1 + i] -= s * v[i];
    }
  }
  return { values, vectors };
}
