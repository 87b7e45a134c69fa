/**
 * Test fixtures for `lib/linalg/`: symmetric matrices with chosen spectra, a matrix-free operator
 * with a known spectrum for large d, and an independent dense reference eigensolver (cyclic
 * Jacobi). Private to the tests; nothing here is used by the estimators themselves.
 *
 * @module
 */
import { Rng } from "../random/mod.ts";
import { denseOperator, type LinearOperator } from "./linear_operator.ts";

/** The columns of a random orthogonal d×d matrix: modified Gram–Schmidt QR of seeded normals. */
export function randomOrthogonal(d: number, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  const q: Float64Array[] = [];
  for (let j = 0; j < d; j++) {
    const v = rng.fillNormal(new Float64Array(d));
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let c = 0;
        for (let i = 0; i < d; i++) c += u[i] * v[i];
        for (let i = 0; i < d; i++) v[i] -= c * u[i];
      }
    }
    let n = 0;
    for (let i = 0; i < d; i++) n += v[i] * v[i];
    n = Math.sqrt(n);
    for (let i = 0; i < d; i++) v[i] /= n;
    q.push(v);
  }
  return q;
}

/** A = Q diag(eigenvalues) Qᵀ with a seeded random orthogonal Q. */
export interface KnownSpectrum {
  /** Row-major entries. */
  matrix: Float64Array;
  /** The operator over `matrix`. */
  op: LinearOperator;
  /** Q's columns: `eigenvectors[i]` belongs to `eigenvalues[i]`. */
  eigenvectors: Float64Array[];
  eigenvalues: Float64Array;
}

/** A dense symmetric matrix with exactly the given spectrum (up to rounding in forming it). */
export function matrixWithSpectrum(eigenvalues: ArrayLike<number>, seed: number): KnownSpectrum {
  const d = eigenvalues.length;
  const q = randomOrthogonal(d, seed);
  const a = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const lam = eigenvalues[k], u = q[k];
    for (let i = 0; i < d; i++) {
      const li = lam * u[i];
      for (let j = 0; j < d; j++) a[i * d + j] += li * u[j];
    }
  }
  // Symmetrize exactly so the dense references see a symmetric matrix.
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (a[i * d + j] + a[j * d + i]);
      a[i * d + j] = s;
      a[j * d + i] = s;
    }
  }
  return {
    matrix: a,
    op: denseOperator(a, d),
    eigenvectors: q,
    eigenvalues: Float64Array.from(eigenvalues),
  };
}

/**
 * A matrix-free A = H D H with H = H_1 H_2 H_3 a product of seeded Householder reflections
 * (H_i = I − 2u_iu_iᵀ): a matvec costs O(d), the spectrum is D exactly and eigenvector i is H e_i.
 */
export function householderOperator(
  eigenvalues: ArrayLike<number>,
  seed: number,
): { op: LinearOperator; eigenvector: (i: number) => Float64Array } {
  const d = eigenvalues.length;
  const rng = new Rng(seed);
  const us = [0, 1, 2].map(() => {
    const u = rng.fillNormal(new Float64Array(d));
    let n = 0;
    for (let i = 0; i < d; i++) n += u[i] * u[i];
    n = Math.sqrt(n);
    for (let i = 0; i < d; i++) u[i] /= n;
    return u;
  });
  const reflect = (u: Float64Array, v: Float64Array) => {
    let c = 0;
    for (let i = 0; i < d; i++) c += u[i] * v[i];
    for (let i = 0; i < d; i++) v[i] -= 2 * c * u[i];
  };
  // H = H1 H2 H3 applies H3 first; Hᵀ = H3 H2 H1 applies H1 first.
  const applyH = (v: Float64Array) => {
    for (let r = us.length - 1; r >= 0; r--) reflect(us[r], v);
  };
  const applyHt = (v: Float64Array) => {
    for (let r = 0; r < us.length; r++) reflect(us[r], v);
  };
  const lam = Float64Array.from(eigenvalues);
  return {
    op: {
      dim: d,
      matvec(v: Float64Array): Float64Array {
        const y = Float64Array.from(v);
        applyHt(y);
        for (let i = 0; i < d; i++) y[i] *= lam[i];
        applyH(y);
        return y;
      },
    },
    eigenvector(i: number): Float64Array {
      const e = new Float64Array(d);
      e[i] = 1;
      applyH(e);
      return e;
    },
  };
}

/**
 * The eigen-decomposition of a dense symmetric matrix by cyclic Jacobi rotations (Rutishauser's
 * formulation), the independent reference: values ascending, `vectors[j]` for `values[j]`.
 */
export function jacobiEigen(
  matrix: ArrayLike<number>,
  d: number,
): { values: Float64Array; vectors: Float64Array[] } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, total = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        total += a[i * d + j] ** 2;
        if (i !== j) off += a[i * d + j] ** 2;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        // A ← Jᵀ A J on rows and columns p, q.
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p], akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k], aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p], vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((x, y) => a[x * d + x] - a[y * d + y]);
  return {
    values: Float64Array.from(order, (i) => a[i * d + i]),
    vectors: order.map((j) => Float64Array.from({ length: d }, (_, k) => v[k * d + j])),
  };
}

/** Wraps an operator and counts its products. */
export function counting(op: LinearOperator): LinearOperator & { count: number } {
  const wrapped = {
    dim: op.dim,
    count: 0,
    matvec(v: Float64Array) {
      wrapped.count++;
      return op.matvec(v);
    },
  };
  return wrapped;
}

/** ‖A v − λ v‖ computed directly. */
export async function trueResidual(
  op: LinearOperator,
  lambda: number,
  v: Float64Array,
): Promise<number> {
  const y = await op.matvec(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (y[i] - lambda * v[i]) ** 2;
  return Math.sqrt(s);
}

/** |⟨x, y⟩| for unit vectors: 1 when they span the same line. */
export function alignment(x: Float64Array, y: Float64Array): number {
  let s = 0, nx = 0, ny = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i] * y[i];
    nx += x[i] * x[i];
    ny += y[i] * y[i];
  }
  return Math.abs(s) / Math.sqrt(nx * ny);
}
