import type { LinearOperator } from "./linear_operator.ts";
import type { ProgressCallback } from "../_types.ts";
import type { Seed } from "../random/mod.ts";
import { apply, checkCallback, checkInteger, checkOperator, rngFrom } from "./_checks.ts";
import { dot, meanAndStandardError } from "./_vector.ts";

/** Options for {@linkcode hutchinsonTrace}. */
export interface HutchinsonTraceOptions {
  /**
   * The number of Rademacher probes (= matrix–vector products); at least 2 for a standard error.
   * @default {100}
   */
  probes?: number;
  /**
   * Seed of the probes.
   * @default {0}
   */
  seed?: Seed;
  /** Called after every probe. Silent by default. */
  onProgress?: ProgressCallback;
}

/** A trace estimate from {@linkcode hutchinsonTrace}. */
export interface HutchinsonTraceResult {
  /** The estimate (1/N) Σ z_iᵀ A z_i. */
  trace: number;
  /** Its standard error, the sample standard deviation of the z_iᵀAz_i over √N. */
  standardError: number;
  /** N, the number of probes. */
  probes: number;
  /** Each probe's z_iᵀ A z_i. */
  samples: Float64Array;
}

/**
 * Hutchinson's trace estimator: tr(A) ≈ (1/N) Σ_i z_iᵀ A z_i with Rademacher probes z_i ∈ {±1}^d.
 * It is unbiased, with variance 2(‖A‖_F² − Σ_i A_ii²)/N for symmetric A, so its error shrinks
 * like 1/√N.
 *
 * @see Hutchinson, "A stochastic estimator of the trace of the influence matrix for Laplacian
 * smoothing splines", Comm. Statist. Simulation Comput. 18 (1989).
 *
 * @example A diagonal matrix: every Rademacher probe gives the trace exactly
 * ```ts
 * import { denseOperator, hutchinsonTrace } from "minima";
 * import assert from "node:assert/strict";
 *
 * const { trace, standardError } = await hutchinsonTrace(
 *   denseOperator([1, 0, 0, 0, 2, 0, 0, 0, 3], 3),
 *   { probes: 10 },
 * );
 * assert.equal(trace, 6);
 * assert.equal(standardError, 0);
 * ```
 *
 * @param op The symmetric operator.
 * @param options Number of probes and seed.
 * @returns The estimate, its standard error and the per-probe samples.
 */
export async function hutchinsonTrace(
  op: LinearOperator,
  options: HutchinsonTraceOptions = {},
): Promise<HutchinsonTraceResult> {
  const action = "Cannot estimate the trace";
  checkOperator(op, action);
  const probes = options.probes ?? 100;
  checkInteger(probes, "probes", action, 2);
  checkCallback(options.onProgress, "onProgress", action);
  const rng = rngFrom(options.seed, action);
  const samples = new Float64Array(probes);
  const z = new Float64Array(op.dim);
  for (let i = 0; i < probes; i++) {
    rng.fillRademacher(z);
    samples[i] = dot(z, await apply(op, z, action));
    options.onProgress?.({ done: i + 1, total: probes, label: "Hutchinson trace" });
  }
  const { mean, standardError } = meanAndStandardError(samples);
  return { trace: mean, standardError, probes, samples };
}
