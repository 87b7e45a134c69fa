import type { LinearOperator } from "./linear_operator.ts";
import type { ProgressCallback } from "../_types.ts";
import type { Seed } from "../random/mod.ts";
import {
  apply,
  checkCallback,
  checkInteger,
  checkOperator,
  checkPositive,
  checkStartVector,
  rngFrom,
} from "./_checks.ts";
import { axpy, dot, norm2, orthogonalize, scale } from "./_vector.ts";

/** Options for {@linkcode powerIteration}. */
export interface PowerIterationOptions {
  /**
   * How many eigenpairs to find, one after another, each in the orthogonal complement of those
   * already found.
   * @default {1}
   */
  k?: number;
  /**
   * The most matrix–vector products spent on each eigenpair.
   * @default {1000}
   */
  maxIterations?: number;
  /**
   * Convergence: ‖Av − λv‖ ≤ tol·max(|λ|, |λ_1|) for the unit iterate v and its Rayleigh quotient λ
   * (λ_1 the first value found). For float32 operators (tensor HVPs) about 1e-4 is reachable.
   * @default {1e-6}
   */
  tol?: number;
  /**
   * Seed of the random start vectors.
   * @default {0}
   */
  seed?: Seed;
  /** A start vector for the first eigenpair, instead of a random one (copied, not modified). */
  startVector?: ArrayLike<number>;
  /** Called after every matrix–vector product (done = products so far). Silent by default. */
  onProgress?: ProgressCallback;
}

/** Eigenpairs from {@linkcode powerIteration}, in the order found (decreasing |λ|). */
export interface PowerIterationResult {
  /** Rayleigh quotients λ_i = v_iᵀAv_i. */
  values: Float64Array;
  /** Unit eigenvector estimates, `vectors[i]` for `values[i]`, mutually orthogonal. */
  vectors: Float64Array[];
  /** Residual norms ‖A v_i − λ_i v_i‖ (of the deflated operator, which A matches on v_i's space). */
  residuals: Float64Array;
  /** Matrix–vector products spent on each pair. */
  iterationsEach: number[];
  /** Matrix–vector products in all. */
  iterations: number;
  /** Whether each pair met the tolerance. */
  convergedEach: boolean[];
  /** Whether all k pairs met the tolerance. */
  converged: boolean;
}

/**
 * The k eigenpairs of largest magnitude by power iteration with projection deflation:
 * v ← PAv/‖PAv‖ with P = I − Σ_j v_j v_jᵀ over the pairs already found, λ = vᵀAv. Each pair
 * converges like (|λ_{i+1}|/|λ_i|)^t, so slowly for clustered values, and not at all when λ and −λ
 * are both dominant (then `converged` is false); {@linkcode lanczos} is faster and handles both.
 * Repeated eigenvalues are found with their multiplicity, since deflation leaves the rest of
 * their eigenspace in play.
 *
 * @see Wu, Ma, E, "How SGD selects the global minima in over-parameterized learning", NeurIPS
 * 2018 (sharpness a = λ_max(H) by power iteration on Hessian-vector products).
 *
 * @example The dominant eigenvalue of [[2, 1], [1, 2]] is 3
 * ```ts
 * import { denseOperator, powerIteration } from "minima";
 * import assert from "node:assert/strict";
 *
 * const { values, vectors, converged } = await powerIteration(
 *   denseOperator([2, 1, 1, 2], 2),
 *   { tol: 1e-10 },
 * );
 * assert.ok(converged && Math.abs(values[0] - 3) < 1e-12);
 * assert.ok(Math.abs(Math.abs(vectors[0][0]) - Math.SQRT1_2) < 1e-9);
 * ```
 *
 * @param op The symmetric operator.
 * @param options k, iteration limit, tolerance, seed.
 * @returns Eigenvalues, vectors, residuals, iteration counts and convergence flags.
 */
export async function powerIteration(
  op: LinearOperator,
  options: PowerIterationOptions = {},
): Promise<PowerIterationResult> {
  const action = "Cannot run power iteration";
  checkOperator(op, action);
  const dim = op.dim;
  const k = options.k ?? 1;
  checkInteger(k, "k", action, 1, dim);
  const maxIterations = options.maxIterations ?? 1000;
  checkInteger(maxIterations, "maxIterations", action, 1);
  const tol = options.tol ?? 1e-6;
  checkPositive(tol, "tol", action);
  checkCallback(options.onProgress, "onProgress", action);
  const rng = rngFrom(options.seed, action);
  const first = options.startVector === undefined
    ? undefined
    : checkStartVector(options.startVector, dim, action);

  const values: number[] = [];
  const vectors: Float64Array[] = [];
  const residuals: number[] = [];
  const iterationsEach: number[] = [];
  const convergedEach: boolean[] = [];
  let total = 0;

  for (let i = 0; i < k; i++) {
    let v = i === 0 && first ? first : rng.fillNormal(new Float64Array(dim));
    orthogonalize(v, vectors);
    let n = norm2(v);
    if (n === 0) {
      // A start vector inside the span already found: fall back to a random one.
      v = orthogonalize(rng.fillNormal(new Float64Array(dim)), vectors);
      n = norm2(v);
    }
    scale(1 / n, v);
    let lambda = 0, residual = Infinity, used = 0, converged = false;
    while (used < maxIterations) {
      const w = await apply(op, v, action);
      used++;
      total++;
      options.onProgress?.({ done: total, total: k * maxIterations, label: "power iteration" });
      orthogonalize(w, vectors);
      lambda = dot(v, w);
      const wNorm = norm2(w);
      // ‖w − λv‖² = ‖w‖² − λ² for unit v; computed directly to avoid cancellation.
      residual = norm2(axpy(-lambda, v, Float64Array.from(w)));
      const scaleRef = Math.max(Math.abs(lambda), values.length > 0 ? Math.abs(values[0]) : 0);
      if (residual <= tol * scaleRef || wNorm === 0) {
        converged = true;
        break;
      }
      v = scale(1 / wNorm, w);
    }
    values.push(lambda);
    vectors.push(v);
    residuals.push(residual);
    iterationsEach.push(used);
    convergedEach.push(converged);
  }

  return {
    values: Float64Array.from(values),
    vectors,
    residuals: Float64Array.from(residuals),
    iterationsEach,
    iterations: total,
    convergedEach,
    converged: convergedEach.every(Boolean),
  };
}
