import type { LinearOperator } from "./linear_operator.ts";
import type { ProgressCallback } from "../_types.ts";
import type { Seed } from "../random/mod.ts";
import { checkCallback, checkInteger, checkOperator, rngFrom } from "./_checks.ts";
import { meanAndStandardError } from "./_vector.ts";
import { storeFor } from "./_store_choice.ts";
import type { VectorLocation } from "./vector_store.ts";
import { checkCall } from "../_checks.ts";

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
  /**
   * Probes per batch: their products are one block (one batched pass when the operator has
   * `matmat` or a device store). The estimate is the same for any batch size, up to the
   * products' rounding.
   * @default {8}
   */
  batchSize?: number;
  /**
   * Where the probes live: `"host"` (float64 arrays) or `"device"` (the operator's
   * `vectorStore()`; only the b×b matrix of zᵀAz per batch is read back).
   * @default {the operator's `preferredVectors`: "device" for a Hessian operator on WebGPU, else "host"}
   */
  vectors?: VectorLocation;
  /** Called after every batch of probes. Silent by default. */
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
  checkCall("hutchinsonTrace", arguments);
  const action = "Cannot estimate the trace";
  checkOperator(op, action);
  const probes = options.probes ?? 100;
  checkInteger(probes, "probes", action, 2);
  const batchSize = options.batchSize ?? 8;
  checkInteger(batchSize, "batchSize", action, 1);
  checkCallback(options.onProgress, "onProgress", action);
  const store = storeFor(op, options.vectors, action);
  const rng = rngFrom(options.seed, action);
  const samples = new Float64Array(probes);
  for (let start = 0; start < probes; start += batchSize) {
    const b = Math.min(batchSize, probes - start);
    const zs = Array.from(
      { length: b },
      () => store.fromHost(rng.fillRademacher(new Float64Array(op.dim))),
    );
    const ws = await store.apply(zs);
    const c = await store.inner(zs, ws);
    for (let i = 0; i < b; i++) samples[start + i] = c[i * b + i];
    store.dispose([...zs, ...ws]);
    options.onProgress?.({ done: start + b, total: probes, label: "Hutchinson trace" });
  }
  const { mean, standardError } = meanAndStandardError(samples);
  return { trace: mean, standardError, probes, samples };
}
