import type { LinearOperator } from "./linear_operator.ts";
import type { ProgressCallback } from "../_types.ts";
import type { Rng, Seed } from "../random/mod.ts";
import { checkCallback, checkInteger, checkOperator, rngFrom } from "./_checks.ts";
import { meanAndStandardError } from "./_vector.ts";
import { storeFor } from "./_store_choice.ts";
import type { VectorLocation, VectorStore } from "./vector_store.ts";
import { checkCall } from "../_checks.ts";

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
  /**
   * Where the sketch and probes live: `"host"` (float64 arrays) or `"device"` (the operator's
   * `vectorStore()`; only small matrices of inner products are read back).
   * @default {the operator's `preferredVectors`: "device" for a Hessian operator on WebGPU, else "host"}
   */
  vectors?: VectorLocation;
  /**
   * Products per batch: the sketch, its Rayleigh quotients and the probes go to the operator in
   * blocks of this many (one batched pass each when the operator has `matmat` or a device
   * store).
   * @default {32}
   */
  batchSize?: number;
  /** Called after every block of products. Silent by default. */
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
  checkCall("hutchPlusPlusTrace", arguments);
  const action = "Cannot estimate the trace with Hutch++";
  checkOperator(op, action);
  const matvecs = options.matvecs ?? 99;
  checkInteger(matvecs, "matvecs", action, 6);
  const batchSize = options.batchSize ?? 32;
  checkInteger(batchSize, "batchSize", action, 1);
  checkCallback(options.onProgress, "onProgress", action);
  const store = storeFor(op, options.vectors, action);
  const rng = rngFrom(options.seed, action);
  return await estimate(store, rng, matvecs, batchSize, options.onProgress);
}

async function estimate<V>(
  store: VectorStore<V>,
  rng: Rng,
  matvecs: number,
  batchSize: number,
  onProgress: ProgressCallback | undefined,
): Promise<HutchPlusPlusTraceResult> {
  const dim = store.dim;
  let used = 0;
  /** A v for each v, in blocks; returns new vectors (vs are kept). */
  const mv = async (vs: V[]): Promise<V[]> => {
    const out: V[] = [];
    for (let start = 0; start < vs.length; start += batchSize) {
      out.push(...await store.apply(vs.slice(start, start + batchSize)));
      used += Math.min(batchSize, vs.length - start);
      onProgress?.({ done: used, total: matvecs, label: "Hutch++ trace" });
    }
    return out;
  };
  /** vᵢᵀ wᵢ for each pair, from the b×b inner products of each block. */
  const diagonal = async (vs: V[], ws: V[]): Promise<Float64Array> => {
    const out = new Float64Array(vs.length);
    for (let start = 0; start < vs.length; start += batchSize) {
      const b = Math.min(batchSize, vs.length - start);
      const c = await store.inner(vs.slice(start, start + b), ws.slice(start, start + b));
      for (let i = 0; i < b; i++) out[start + i] = c[i * b + i];
    }
    return out;
  };
  const owned: V[] = [];
  try {
    // A budget that covers the dimension buys the exact trace: Σ_i e_iᵀ A e_i in d products (a
    // random sketch of d columns can be rank deficient in small d and leave a noisy residual).
    if (matvecs >= dim) {
      const basis = Array.from({ length: dim }, (_, i) => {
        const e = new Float64Array(dim);
        e[i] = 1;
        return store.fromHost(e);
      });
      owned.push(...basis);
      const images = await mv(basis);
      owned.push(...images);
      const trace = (await diagonal(basis, images)).reduce((a, x) => a + x, 0);
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
    const sketch = Array.from(
      { length: s },
      () => store.fromHost(rng.fillRademacher(new Float64Array(dim))),
    );
    owned.push(...sketch);
    const images = await mv(sketch);
    owned.push(...images);
    const q = await orthonormalBasis(store, images);
    owned.push(...q);

    // Low-rank part: tr(QᵀAQ) = Σ_j q_jᵀ A q_j.
    const aq = await mv(q);
    owned.push(...aq);
    const lowRankTrace = (await diagonal(q, aq)).reduce((a, x) => a + x, 0);

    // Residual part on the remaining budget (a rank-deficient sketch leaves more for it).
    const probes = matvecs - used;
    const g = Array.from(
      { length: probes },
      () => store.fromHost(rng.fillRademacher(new Float64Array(dim))),
    );
    if (q.length > 0) {
      for (let start = 0; start < g.length; start += batchSize) {
        const part = g.slice(start, start + batchSize);
        const projected = store.subtract(part, q, await store.inner(q, part));
        g.splice(start, part.length, ...projected);
      }
    }
    owned.push(...g);
    const ag = await mv(g);
    owned.push(...ag);
    const samples = await diagonal(g, ag);
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
  } finally {
    store.dispose(owned);
  }
}

/**
 * An orthonormal basis of the span of `columns` (kept) by Gram–Schmidt twice, dropping columns
 * whose remaining norm is below 1e-10 of their own (numerically in the span of the earlier ones).
 */
async function orthonormalBasis<V>(store: VectorStore<V>, columns: readonly V[]): Promise<V[]> {
  const basis: V[] = [];
  for (const column of columns) {
    const original = Math.sqrt((await store.inner([column], [column]))[0]);
    if (!(original > 0)) continue;
    let [v] = store.combine([column], Float64Array.of(1), 1);
    for (let pass = 0; pass < 2 && basis.length > 0; pass++) {
      [v] = store.subtract([v], basis, await store.inner(basis, [v]));
    }
    const n = Math.sqrt(Math.max(0, (await store.inner([v], [v]))[0]));
    if (n > 1e-10 * original) basis.push(store.scale(v, 1 / n));
    else store.dispose([v]);
  }
  return basis;
}
