import type { LinearOperator } from "./linear_operator.ts";
import type { ProgressCallback } from "../_types.ts";
import type { Rng, Seed } from "../random/mod.ts";
import {
  checkCallback,
  checkInteger,
  checkOperator,
  checkPositive,
  checkStartVector,
  rngFrom,
  short,
} from "./_checks.ts";
import type { VectorLocation, VectorStore } from "./vector_store.ts";
import { storeFor } from "./_store_choice.ts";
import { productRelativeError, TOLERANCE_FLOOR_FACTOR, toleranceWarning } from "./_tolerance.ts";
import { checkCall } from "../_checks.ts";

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
   * (λ_1 the first value found), the residual including the products' own error when the operator
   * states one (`op.relativeError`); a tolerance below 4·op.relativeError is raised to it, with a
   * warning.
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
  /**
   * Where the iterates live: `"host"` (float64 arrays) or `"device"` (the operator's
   * `vectorStore()`, only scalars read back per product).
   * @default {the operator's `preferredVectors`: "device" for a Hessian operator on WebGPU, else "host"}
   */
  vectors?: VectorLocation;
  /** Called after every matrix–vector product (done = products so far). Silent by default. */
  onProgress?: ProgressCallback;
}

/** Eigenpairs from {@linkcode powerIteration}, in the order found (decreasing |λ|). */
export interface PowerIterationResult {
  /** Rayleigh quotients λ_i = v_iᵀAv_i. */
  values: Float64Array;
  /** Unit eigenvector estimates, `vectors[i]` for `values[i]`, mutually orthogonal. */
  vectors: Float64Array[];
  /**
   * Residual norms ‖A v_i − λ_i v_i‖ (of the deflated operator, which A matches on v_i's space),
   * plus the products' error ε·max(|λ_i|, |λ_1|) when the operator states one.
   */
  residuals: Float64Array;
  /** Matrix–vector products spent on each pair. */
  iterationsEach: number[];
  /** Matrix–vector products in all. */
  iterations: number;
  /** Whether each pair met the tolerance. */
  convergedEach: boolean[];
  /** Whether all k pairs met the tolerance. */
  converged: boolean;
  /**
   * Converged, with nothing that suggests a skipped eigenvalue. Power iteration converges to the
   * dominant eigenvector only if the start vector has a component along it; a random start has
   * one, but a warm start may not, so a result from a `startVector` is not trusted (rerun without
   * it, or use {@linkcode lanczos}, whose block of random vectors guards against this).
   */
  trusted: boolean;
  /** Why the result is not trusted, or what was changed (a raised tolerance). */
  warnings: string[];
  /** The tolerance used. */
  tol: number;
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
  checkCall("powerIteration", arguments);
  const action = "Cannot run power iteration";
  checkOperator(op, action);
  const dim = op.dim;
  const k = options.k ?? 1;
  checkInteger(k, "k", action, 1, dim);
  const maxIterations = options.maxIterations ?? 1000;
  checkInteger(maxIterations, "maxIterations", action, 1);
  const requestedTol = options.tol ?? 1e-6;
  checkPositive(requestedTol, "tol", action);
  checkCallback(options.onProgress, "onProgress", action);
  const eps = productRelativeError(op, action);
  const store = storeFor(op, options.vectors, action);
  const rng = rngFrom(options.seed, action);
  const first = options.startVector === undefined
    ? undefined
    : checkStartVector(options.startVector, dim, action);
  return await iterate(store, {
    k,
    maxIterations,
    requestedTol,
    eps,
    rng,
    first,
    onProgress: options.onProgress,
  });
}

interface PowerSettings {
  k: number;
  maxIterations: number;
  requestedTol: number;
  eps: number;
  rng: Rng;
  first: Float64Array | undefined;
  onProgress: ProgressCallback | undefined;
}

async function iterate<V>(store: VectorStore<V>, s: PowerSettings): Promise<PowerIterationResult> {
  const { k, maxIterations, eps } = s;
  const dim = store.dim;
  const warnings: string[] = [];
  const floorTol = TOLERANCE_FLOOR_FACTOR * eps;
  const tol = Math.max(s.requestedTol, floorTol);
  if (tol > s.requestedTol) {
    warnings.push(toleranceWarning(s.requestedTol, eps, floorTol));
  }
  const values: number[] = [];
  const vectors: V[] = [];
  const residuals: number[] = [];
  const iterationsEach: number[] = [];
  const convergedEach: boolean[] = [];
  let total = 0;
  const deflate = async (w: V[]): Promise<V[]> =>
    vectors.length === 0 ? w : store.subtract(w, vectors, await store.inner(vectors, w));
  const norm = async (v: V) => Math.sqrt(Math.max(0, (await store.inner([v], [v]))[0]));

  try {
    for (let i = 0; i < k; i++) {
      const host = i === 0 && s.first ? s.first : s.rng.fillNormal(new Float64Array(dim));
      let [v] = await deflate([store.fromHost(host)]);
      let n = await norm(v);
      if (n === 0) {
        // A start vector inside the span already found: fall back to a random one.
        store.dispose([v]);
        [v] = await deflate([store.fromHost(s.rng.fillNormal(new Float64Array(dim)))]);
        n = await norm(v);
      }
      v = store.scale(v, 1 / n);
      let lambda = 0, residual = Infinity, used = 0, converged = false;
      while (used < maxIterations) {
        let [w] = await store.apply([v]);
        used++;
        total++;
        s.onProgress?.({ done: total, total: k * maxIterations, label: "power iteration" });
        [w] = await deflate([w]);
        // λ = vᵀw and ‖w‖² in one read; the residual w − λv is formed (‖w‖² − λ² cancels).
        const g = await store.inner([v, w], [w]);
        lambda = g[0];
        const wNorm = Math.sqrt(Math.max(0, g[1]));
        const [r] = store.combine([w, v], Float64Array.of(1, -lambda), 1);
        const scaleRef = Math.max(Math.abs(lambda), values.length > 0 ? Math.abs(values[0]) : 0);
        residual = (await norm(r)) + eps * scaleRef;
        store.dispose([r]);
        if (residual <= tol * scaleRef || wNorm === 0) {
          converged = true;
          store.dispose([w]);
          break;
        }
        store.dispose([v]);
        v = store.scale(w, 1 / wNorm);
      }
      values.push(lambda);
      vectors.push(v);
      residuals.push(residual);
      iterationsEach.push(used);
      convergedEach.push(converged);
    }
    const converged = convergedEach.every(Boolean);
    if (!converged) {
      const missing = convergedEach.flatMap((c, i) => c ? [] : [i]);
      warnings.push(
        `pairs ${missing.join(", ")} did not reach tol ${
          short(tol)
        } within ${maxIterations} products each; raise maxIterations or tol, or use lanczos`,
      );
    } else if (s.first !== undefined) {
      warnings.push(
        "power iteration from a start vector finds the dominant eigenvector only if the start vector has a component along it; a skipped eigenvalue cannot be ruled out",
      );
    }
    const hostVectors: Float64Array[] = [];
    for (const v of vectors) hostVectors.push(await store.toHost(v));
    return {
      values: Float64Array.from(values),
      vectors: hostVectors,
      residuals: Float64Array.from(residuals),
      iterationsEach,
      iterations: total,
      convergedEach,
      converged,
      trusted: converged && s.first === undefined,
      warnings,
      tol,
    };
  } finally {
    store.dispose(vectors);
  }
}
