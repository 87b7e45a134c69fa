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

/**
 * ‖x‖₂ in one pass; when the sum of squares overflows or is too small to keep its precision, a
 * second, scaled pass, so that huge or tiny entries neither overflow nor underflow.
 */
export function norm2(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  // A finite sum above 1e-250 neither overflowed nor lost anything but squares below ~1e-308.
  if (s < Infinity && s > 1e-250) return Math.sqrt(s);
  return scaledNorm2(x);
}

function scaledNorm2(x: Float64Array): number {
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
 * errors of order ε·κ, the second brings the result orthogonal to working precision. Each pass is
 * c = Qᵀv then v ← v − Qc, both over four basis vectors per sweep of v (see {@linkcode dotEach}).
 *
 * @returns v.
 */
export function orthogonalize(v: Float64Array, basis: readonly Float64Array[]): Float64Array {
  if (basis.length === 0) return v;
  const c = new Float64Array(basis.length);
  for (let pass = 0; pass < 2; pass++) {
    dotEach(basis, v, c);
    for (let j = 0; j < c.length; j++) c[j] = -c[j];
    addCombination(basis, c, v);
  }
  return v;
}

/**
 * out_j = b_jᵀ v for every vector of `basis` (each sum in index order, as {@linkcode dot}).
 *
 * Four basis vectors share one sweep of v: the vectors are far larger than the caches for a
 * network's Hessian, so memory traffic sets the cost, and one dot per vector would read v (and
 * stall on one accumulator) once per basis vector. One kernel for all vectors also keeps V8's
 * optimized code stable: Lanczos calling `dot` and `axpy` per basis vector ran 4× slower after
 * V8 re-optimized them a few runs in (width-256 MLP Hessian: 0.2 s → 0.9 s of reorthogonalization
 * per 20 steps, not seen with Maglev off).
 *
 * @returns out.
 */
export function dotEach(
  basis: readonly Float64Array[],
  v: Float64Array,
  out: Float64Array,
): Float64Array {
  const m = basis.length, n = v.length;
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const b0 = basis[j], b1 = basis[j + 1], b2 = basis[j + 2], b3 = basis[j + 3];
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i];
      s0 += b0[i] * x;
      s1 += b1[i] * x;
      s2 += b2[i] * x;
      s3 += b3[i] * x;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < m; j++) {
    const b0 = basis[j];
    let s0 = 0;
    for (let i = 0; i < n; i++) s0 += b0[i] * v[i];
    out[j] = s0;
  }
  return out;
}

/**
 * v ← v + Σ_j c_j b_j, in place, four basis vectors per sweep of v (see {@linkcode dotEach});
 * vectors with c_j = 0 are skipped.
 *
 * @returns v.
 */
export function addCombination(
  basis: readonly Float64Array[],
  c: ArrayLike<number>,
  v: Float64Array,
): Float64Array {
  const n = v.length;
  const used: Float64Array[] = [];
  const weights: number[] = [];
  for (let j = 0; j < basis.length; j++) {
    if (c[j] !== 0) {
      used.push(basis[j]);
      weights.push(c[j]);
    }
  }
  const m = used.length;
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const b0 = used[j], b1 = used[j + 1], b2 = used[j + 2], b3 = used[j + 3];
    const c0 = weights[j], c1 = weights[j + 1], c2 = weights[j + 2], c3 = weights[j + 3];
    for (let i = 0; i < n; i++) v[i] += c0 * b0[i] + c1 * b1[i] + c2 * b2[i] + c3 * b3[i];
  }
  for (; j < m; j++) {
    const b0 = used[j], c0 = weights[j];
    for (let i = 0; i < n; i++) v[i] += c0 * b0[i];
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
  return addCombination(basis, c, new Float64Array(dim));
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
