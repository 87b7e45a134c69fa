import type { LinearOperator } from "./linear_operator.ts";
import type { ProgressCallback } from "../_types.ts";
import type { Seed } from "../random/mod.ts";
import {
  checkCallback,
  checkInteger,
  checkOperator,
  checkPositive,
  checkStartVector,
  rngFrom,
} from "./_checks.ts";
import { LanczosProcess } from "./_lanczos_process.ts";
import { tql } from "./_tql.ts";
import { combine, norm2, scale } from "./_vector.ts";

/** Which end of the spectrum {@linkcode lanczos} returns. */
export type LanczosWhich = "largest" | "smallest" | "magnitude";

/** Options for {@linkcode lanczos}. */
export interface LanczosOptions {
  /**
   * How many eigenpairs to return.
   * @default {1}
   */
  k?: number;
  /**
   * "largest" (algebraic: the sharpness and top spectrum of a Hessian), "smallest" (algebraic:
   * the most negative curvature) or "magnitude" (largest |λ|).
   * @default {"largest"}
   */
  which?: LanczosWhich;
  /**
   * The largest Krylov dimension (= matrix–vector products) of one Lanczos run. Memory is this
   * many vectors of length `op.dim`.
   * @default {Math.min(op.dim, Math.max(50, 3 * k + 20))}
   */
  maxIterations?: number;
  /**
   * Convergence: every wanted Ritz pair has residual ‖Ay − θy‖ ≤ tol·‖T‖ (‖T‖ the largest |Ritz
   * value|, an estimate of ‖A‖). For float32 operators (tensor HVPs) about 1e-4 is reachable.
   * @default {1e-6}
   */
  tol?: number;
  /**
   * Seed of the random start vector (and of restarts after an invariant subspace).
   * @default {0}
   */
  seed?: Seed;
  /** A start vector of length `op.dim`, instead of a random one (copied, not modified). */
  startVector?: ArrayLike<number>;
  /**
   * In exact arithmetic a single Krylov space holds one direction of each eigenspace, so a
   * repeated eigenvalue is returned once; rounding errors seed the other directions, which may
   * grow into further copies late in a run, so one run does not reliably count multiplicities.
   * With this option, after convergence the found vectors are locked and Lanczos is rerun in their
   * orthogonal complement until a run finds nothing that enters the top k: repeated eigenvalues
   * then appear with their multiplicity, at the cost of at least one more run.
   * @default {false}
   */
  detectMultiplicity?: boolean;
  /** Called after every matrix–vector product (done = products so far). Silent by default. */
  onProgress?: ProgressCallback;
}

/** Eigenpairs from {@linkcode lanczos}, ordered from the wanted end inwards. */
export interface LanczosResult {
  /** Ritz values: descending for "largest", ascending for "smallest", by |λ| for "magnitude". */
  values: Float64Array;
  /** Unit Ritz vectors y_i = Q s_i, `vectors[i]` for `values[i]`. */
  vectors: Float64Array[];
  /** Ritz residual estimates β_m·|s_{m,i}| = ‖A y_i − θ_i y_i‖ (exact up to rounding). */
  residuals: Float64Array;
  /** Whether each pair met the tolerance. */
  convergedEach: boolean[];
  /** Whether all k pairs met the tolerance. */
  converged: boolean;
  /** Matrix–vector products used, over all runs. */
  iterations: number;
  /** Lanczos runs (1, or more with `detectMultiplicity`). */
  runs: number;
}

interface Pair {
  value: number;
  vector: Float64Array;
  residual: number;
}

/**
 * The k extreme eigenpairs of a symmetric operator by the Lanczos method with full
 * re-orthogonalization: build an orthonormal Krylov basis Q_m of span{v, Av, …, A^{m−1}v} with
 * Q_mᵀAQ_m = T_m tridiagonal, and return the extreme eigenpairs (θ, Q_m s) of T_m (Ritz pairs),
 * whose residual is β_m·|s_m|. Extreme eigenvalues converge at a rate set by the gaps relative to
 * the spectral range (Kaniel–Paige), much faster than power iteration.
 *
 * @see Lanczos, J. Res. Nat. Bur. Standards 45 (1950); Golub and Van Loan, "Matrix
 * Computations", 4th ed., section 10.1.
 *
 * @example The top two eigenvalues of diag(1, …, 30)
 * ```ts
 * import { denseOperator, lanczos } from "minima";
 * import assert from "node:assert/strict";
 *
 * const d = 30, a = new Float64Array(d * d);
 * for (let i = 0; i < d; i++) a[i * d + i] = i + 1;
 * const { values, converged } = await lanczos(denseOperator(a, d), { k: 2, tol: 1e-10 });
 * assert.ok(converged);
 * assert.ok(Math.abs(values[0] - 30) < 1e-9 && Math.abs(values[1] - 29) < 1e-9);
 * ```
 *
 * @param op The symmetric operator.
 * @param options k, which end, iteration limit, tolerance, seed.
 * @returns Ritz values and vectors with residuals and convergence flags.
 */
export async function lanczos(
  op: LinearOperator,
  options: LanczosOptions = {},
): Promise<LanczosResult> {
  const action = "Cannot run Lanczos";
  checkOperator(op, action);
  const dim = op.dim;
  const k = options.k ?? 1;
  checkInteger(k, "k", action, 1, dim);
  const which = options.which ?? "largest";
  if (which !== "largest" && which !== "smallest" && which !== "magnitude") {
    throw new RangeError(
      `${action}: which must be "largest", "smallest" or "magnitude", current value is ${which}`,
    );
  }
  const maxIterations = options.maxIterations ?? Math.min(dim, Math.max(50, 3 * k + 20));
  checkInteger(maxIterations, "maxIterations", action, 1);
  if (maxIterations < k) {
    throw new RangeError(
      `${action}: maxIterations must be at least k = ${k}, current value is ${maxIterations}`,
    );
  }
  const tol = options.tol ?? 1e-6;
  checkPositive(tol, "tol", action);
  const detect = options.detectMultiplicity ?? false;
  if (typeof detect !== "boolean") {
    throw new TypeError(
      `${action}: detectMultiplicity must be a boolean, current value is ${detect}`,
    );
  }
  checkCallback(options.onProgress, "onProgress", action);
  const rng = rngFrom(options.seed, action);
  const start = options.startVector === undefined
    ? rng.fillNormal(new Float64Array(dim))
    : checkStartVector(options.startVector, dim, action);

  let iterations = 0;
  // Locking reruns take at most k more runs.
  const total = detect ? maxIterations * (k + 1) : maxIterations;
  const onStep = () => {
    iterations++;
    options.onProgress?.({ done: iterations, total, label: "Lanczos" });
  };
  const rank = ranker(which);

  let found = await run(op, start, rng, action, [], k, maxIterations, tol, rank, onStep);
  let tolScale = found.scale;
  let pairs = found.pairs;
  let runs = 1;

  if (detect) {
    // Lock everything found and search the complement until nothing new enters the top k.
    const locked = pairs.map((p) => p.vector);
    const all = [...pairs];
    while (runs <= k && locked.length < dim) {
      found = await run(
        op,
        rng.fillNormal(new Float64Array(dim)),
        rng,
        action,
        locked,
        k,
        Math.min(maxIterations, dim - locked.length),
        tol,
        rank,
        onStep,
      );
      runs++;
      tolScale = Math.max(tolScale, found.scale);
      if (found.pairs.length === 0) break;
      // A new value enters only if it beats the current k-th by more than the tolerance (a second
      // copy of the k-th value itself changes nothing).
      const kth = rank(pairs[pairs.length - 1].value);
      const entering = found.pairs.filter((p) =>
        pairs.length < k || rank(p.value) > kth + tol * tolScale
      );
      for (const p of found.pairs) {
        locked.push(p.vector);
        all.push(p);
      }
      all.sort((x, y) => rank(y.value) - rank(x.value));
      pairs = all.slice(0, k);
      if (entering.length === 0) break;
    }
  }

  const convergedEach = pairs.map((p) => p.residual <= tol * tolScale);
  return {
    values: Float64Array.from(pairs, (p) => p.value),
    vectors: pairs.map((p) => p.vector),
    residuals: Float64Array.from(pairs, (p) => p.residual),
    convergedEach,
    converged: pairs.length === k && convergedEach.every(Boolean),
    iterations,
    runs,
  };
}

/** Larger is more wanted. */
function ranker(which: LanczosWhich): (value: number) => number {
  if (which === "largest") return (v) => v;
  if (which === "smallest") return (v) => -v;
  return (v) => Math.abs(v);
}

/**
 * One Lanczos run: steps until the k most wanted Ritz pairs meet the tolerance, the Krylov
 * dimension reaches `maxIterations`, or the space is exhausted; then forms those Ritz vectors.
 */
async function run(
  op: LinearOperator,
  start: Float64Array,
  rng: ReturnType<typeof rngFrom>,
  action: string,
  locked: readonly Float64Array[],
  k: number,
  maxIterations: number,
  tol: number,
  rank: (v: number) => number,
  onStep: () => void,
): Promise<{ pairs: Pair[]; scale: number }> {
  const process = new LanczosProcess(op, start, rng, action, locked, "restart");
  let scaleEstimate = 0;
  while (process.steps < maxIterations && await process.step()) {
    onStep();
    const m = process.steps;
    // The small eigenproblem costs O(m²) with only the last row tracked; thin it out for large m.
    const stride = Math.max(1, Math.floor(m / 50));
    if (m < Math.min(k, maxIterations) || (m % stride !== 0 && m !== maxIterations)) continue;
    const { values, rows } = tql(process.alpha, process.beta, [m - 1]);
    scaleEstimate = Math.max(Math.abs(values[0]), Math.abs(values[m - 1]));
    const wanted = wantedIndices(values, k, rank);
    const beta = process.lastBeta;
    if (wanted.every((j) => Math.abs(beta * rows[0][j]) <= tol * scaleEstimate)) break;
  }
  const m = process.steps;
  if (m === 0) return { pairs: [], scale: 0 };
  const rowsAll = Array.from({ length: m }, (_, r) => r);
  const { values, rows } = tql(process.alpha, process.beta, rowsAll);
  scaleEstimate = Math.max(Math.abs(values[0]), Math.abs(values[m - 1]));
  const beta = process.lastBeta;
  const pairs = wantedIndices(values, Math.min(k, m), rank).map((j) => {
    const s = Float64Array.from(rows, (row) => row[j]);
    const y = combine(process.basis, s, op.dim);
    // ‖Q s‖ = 1 up to rounding; renormalize so callers get unit vectors.
    scale(1 / norm2(y), y);
    return { value: values[j], vector: y, residual: Math.abs(beta * rows[m - 1][j]) };
  });
  return { pairs, scale: scaleEstimate };
}

/** Indices of the k most wanted values (values ascending), most wanted first. */
function wantedIndices(values: Float64Array, k: number, rank: (v: number) => number): number[] {
  const idx = Array.from({ length: values.length }, (_, j) => j);
  idx.sort((a, b) => rank(values[b]) - rank(values[a]));
  return idx.slice(0, Math.min(k, values.length));
}
