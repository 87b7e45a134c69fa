import type { LinearOperator } from "./linear_operator.ts";
import type { ProgressCallback } from "../_types.ts";
import type { Seed } from "../random/mod.ts";
import { apply, checkCallback, checkInteger, checkOperator, rngFrom } from "./_checks.ts";
import { dot, meanAndStandardError, orthogonalize, orthonormalBasis } from "./_vector.ts";

/** Options for {@linkcode hutchPlusPlusTrace}. */
export interface HutchPlusPlusTraceOptions {
  /**
   * The budget of matrix–vector products m, at least 6: s = ⌊m/3⌋ sketch vectors, as many for
   * the sketch's Rayleigh quotients, and the rest (at least m/3) as Hutchinson probes. A budget
   * of at least the dimension d computes the trace exactly from the d basis vectors instead.
   * @default {99}
   */
  matvecs?: number;
  /**
   * Seed of the sketch and the probes.
   * @default {0}
   */
  seed?: Seed;
  /** Called after every matrix–vector product. Silent by default. */
  onProgress?: ProgressCallback;
}

/** A trace estimate from {@linkcode hutchPlusPlusTrace}. */
export interface HutchPlusPlusTraceResult {
  /** The estimate tr(QᵀAQ) + residual part. */
  trace: number;
  /**
   * The standard error of the residual part given the sketch (the low-rank part is exact given
   * Q): sample standard deviation of the g_iᵀ(I−QQᵀ)A(I−QQᵀ)g_i over √(probes).
   */
  standardError: number;
  /** tr(QᵀAQ), the trace captured by the sketched range. */
  lowRankTrace: number;
  /** The Hutchinson estimate of tr((I−QQᵀ)A(I−QQᵀ)). */
  residualTrace: number;
  /** The rank of Q (s, less if A S was rank deficient). */
  sketchSize: number;
  /** Hutchinson probes used on the residual. */
  probes: number;
  /** Matrix–vector products used: the budget, or d when the budget is at least d. */
  matvecs: number;
}

/**
 * Hutch++ (Meyer, Musco, Musco, Woodruff 2021): tr(A) = tr(QᵀAQ) + tr((I−QQᵀ)A(I−QQᵀ)) with Q an
 * orthonormal basis of A S for a Rademacher sketch S; the first term is computed exactly, the
 * second by Hutchinson on the deflated matrix. For a fixed budget of m products its error is
 * O(1/m) for positive semi-definite A, against Hutchinson's O(1/√m), and the gain is largest when
 * A is dominated by a few large eigenvalues (Hessians are).
 *
 * @see Meyer, Musco, Musco, Woodruff, "Hutch++: Optimal stochastic trace estimation", SOSA 2021,
 * arXiv 2010.09649.
 *
 * @example A rank-two matrix is captured exactly by the sketch
 * ```ts
 * import { denseOperator, hutchPlusPlusTrace } from "minima";
 * import assert from "node:assert/strict";
 *
 * const d = 20, a = new Float64Array(d * d);
 * for (let i = 0; i < d; i++) {
 *   for (let j = 0; j < d; j++) {
 *     a[i * d + j] = 3 * Math.sin(i + 1) * Math.sin(j + 1) + 2 * Math.cos(i) * Math.cos(j);
 *   }
 * }
 * let exact = 0;
 * for (let i = 0; i < d; i++) exact += a[i * d + i];
 * const { trace, sketchSize } = await hutchPlusPlusTrace(denseOperator(a, d), { matvecs: 12 });
 * assert.equal(sketchSize, 2);
 * assert.ok(Math.abs(trace - exact) < 1e-9);
 * ```
 *
 * @param op The symmetric operator.
 * @param options Budget of products and seed.
 * @returns The estimate, its standard error and the split into sketched and residual parts.
 */
export async function hutchPlusPlusTrace(
  op: LinearOperator,
  options: HutchPlusPlusTraceOptions = {},
): Promise<HutchPlusPlusTraceResult> {
  const action = "Cannot estimate the trace with Hutch++";
  checkOperator(op, action);
  const dim = op.dim;
  const matvecs = options.matvecs ?? 99;
  checkInteger(matvecs, "matvecs", action, 6);
  checkCallback(options.onProgress, "onProgress", action);
  const rng = rngFrom(options.seed, action);
  let used = 0;
  const mv = async (v: Float64Array) => {
    const y = await apply(op, v, action);
    used++;
    options.onProgress?.({ done: used, total: matvecs, label: "Hutch++ trace" });
    return y;
  };

  // A budget that covers the dimension buys the exact trace: Σ_i e_iᵀ A e_i in d products (a
  // random sketch of d columns can be rank deficient in small d and leave a noisy residual).
  if (matvecs >= dim) {
    let trace = 0;
    for (let i = 0; i < dim; i++) {
      const e = new Float64Array(dim);
      e[i] = 1;
      trace += (await mv(e))[i];
    }
    return {
      trace,
      standardError: 0,
      lowRankTrace: trace,
      residualTrace: 0,
      sketchSize: dim,
      probes: 0,
      matvecs: used,
    };
  }

  // Sketch: Q = orth(A S), S with s = ⌊m/3⌋ Rademacher columns (never more than d).
  const s = Math.min(Math.floor(matvecs / 3), dim);
  const sketch: Float64Array[] = [];
  for (let j = 0; j < s; j++) sketch.push(await mv(rng.fillRademacher(new Float64Array(dim))));
  const q = orthonormalBasis(sketch);

  // Low-rank part: tr(QᵀAQ) = Σ_j q_jᵀ A q_j.
  let lowRankTrace = 0;
  for (const qj of q) lowRankTrace += dot(qj, await mv(qj));

  // Residual part on the remaining budget (a rank-deficient sketch leaves more for it).
  const probes = matvecs - used;
  const samples = new Float64Array(probes);
  for (let i = 0; i < probes; i++) {
    const g = orthogonalize(rng.fillRademacher(new Float64Array(dim)), q);
    samples[i] = dot(g, await mv(g));
  }
  const { mean, standardError } = meanAndStandardError(samples);
  return {
    trace: lowRankTrace + mean,
    standardError,
    lowRankTrace,
    residualTrace: mean,
    sketchSize: q.length,
    probes,
    matvecs: used,
  };
}
