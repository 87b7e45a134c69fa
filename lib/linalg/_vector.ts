/**
 * Float64 vector kernels shared by the estimators: dot, axpy, norms, Gram–Schmidt. Private to
 * `lib/linalg/`; every loop is over Float64Array only, so V8 keeps it monomorphic.
 *
 * @module
 */

/** xᵀy. */
export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** y ← y + αx, in place; returns y. */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): Float64Array {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
  return y;
}

/** x ← αx, in place; returns x. */
export function scale(alpha: number, x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] *= alpha;
  return x;
}

/** ‖x‖₂, scaled so that huge or tiny entries neither overflow nor underflow. */
export function norm2(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > m) m = a;
  }
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const r = x[i] / m;
    s += r * r;
  }
  return m * Math.sqrt(s);
}

/**
 * Removes from v its components along the orthonormal vectors in `basis`, in place, by classical
 * Gram–Schmidt applied twice ("twice is enough", Giraud, Langou, Rozložník 2005): one pass leaves
 * errors of order ε·κ, the second brings the result orthogonal to working precision.
 *
 * @returns v.
 */
export function orthogonalize(v: Float64Array, basis: readonly Float64Array[]): Float64Array {
  if (basis.length === 0) return v;
  const c = new Float64Array(basis.length);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < basis.length; j++) c[j] = dot(basis[j], v);
    for (let j = 0; j < basis.length; j++) axpy(-c[j], basis[j], v);
  }
  return v;
}

/**
 * Orthonormalizes the columns (given as vectors) by Gram–Schmidt with re-orthogonalization, dropping
 * those whose remaining norm is below `dropTol` times their original norm (numerically in the span
 * of the previous ones). Does not modify its input.
 *
 * @returns An orthonormal basis of the span, at most `columns.length` vectors.
 */
export function orthonormalBasis(
  columns: readonly Float64Array[],
  dropTol = 1e-10,
): Float64Array[] {
  const basis: Float64Array[] = [];
  for (const column of columns) {
    const original = norm2(column);
    if (original === 0) continue;
    const v = orthogonalize(Float64Array.from(column), basis);
    const n = norm2(v);
    if (n > dropTol * original) basis.push(scale(1 / n, v));
  }
  return basis;
}

/** Σ_j c_j b_j, a new vector of length `dim`. */
export function combine(
  basis: readonly Float64Array[],
  c: ArrayLike<number>,
  dim: number,
): Float64Array {
  const out = new Float64Array(dim);
  for (let j = 0; j < basis.length; j++) if (c[j] !== 0) axpy(c[j], basis[j], out);
  return out;
}

/** The mean and the standard error s/√N of a sample (s with the N − 1 denominator). */
export function meanAndStandardError(
  samples: Float64Array,
): { mean: number; standardError: number } {
  const n = samples.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += samples[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (samples[i] - mean) ** 2;
  return { mean, standardError: n > 1 ? Math.sqrt(ss / (n - 1) / n) : NaN };
}
