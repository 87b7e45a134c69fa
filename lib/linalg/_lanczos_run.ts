/**
 * One block Lanczos run with a stopping rule, the engine under {@linkcode lanczos}: step until the
 * k most wanted Ritz pairs meet the tolerance (with the product error added to their residuals)
 * and have kept meeting it for a guard of further products, or the budget or the space runs out;
 * then form those Ritz vectors. Private to `lib/linalg/`; exported to the miss-rate measurement.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import type { VectorStore } from "./vector_store.ts";
import { BlockLanczos } from "./_block_lanczos.ts";

/** Larger is more wanted. */
export type Rank = (value: number) => number;

/** Which end of the spectrum is wanted. */
export type Which = "largest" | "smallest" | "magnitude";

/** Larger is more wanted. */
export function ranker(which: Which): Rank {
  if (which === "largest") return (v) => v;
  if (which === "smallest") return (v) => -v;
  return (v) => Math.abs(v);
}

/** A Ritz pair of a run. */
export interface RunPair<V> {
  value: number;
  vector: V;
  /** The Ritz residual β‖s_last‖ of the operator as computed (the products' own error excluded). */
  ritzResidual: number;
}

/** What a run found. */
export interface RunResult<V> {
  pairs: RunPair<V>[];
  /** The largest |Ritz value| seen, an estimate of ‖A‖ from below. */
  scale: number;
  /** Products used. */
  products: number;
  /** The products at which the top k first met the tolerance (−1 if never). */
  firstConverged: number;
  /** Whether the run stopped because the tolerance and the guard were met. */
  stoppedConverged: boolean;
}

/** How a run is set up and when it stops. */
export interface RunSettings<V> {
  store: VectorStore<V>;
  /** The start block (consumed). */
  start: V[];
  rng: Rng;
  locked: readonly V[];
  k: number;
  /** The product budget of this run. */
  maxProducts: number;
  tol: number;
  /** The product error ε (relative to ‖A‖), added to each Ritz residual. */
  relativeError: number;
  rank: Rank;
  /** A lower bound on ‖A‖ from earlier runs (0 if none): tolerances are relative to the larger. */
  scaleFloor: number;
  /** Extra products required after the top k first converge, given the products so far. */
  guard: (productsAtConvergence: number) => number;
  /** Called after every step with the products so far. */
  onStep: (products: number) => void;
}

/** The residual as reported: the Ritz residual plus the product error ε·‖A‖. */
export function honestResidual(ritzResidual: number, scale: number, eps: number): number {
  return ritzResidual + eps * scale;
}

/**
 * One run. The returned pairs' vectors are new in the store (unit, caller disposes); the basis is
 * disposed.
 */
export async function lanczosRun<V>(s: RunSettings<V>): Promise<RunResult<V>> {
  const process = new BlockLanczos(s.store, s.start, s.rng, s.locked);
  try {
    await process.init();
    let firstConverged = -1, checkUntil = -1, stoppedConverged = false;
    let lastCheck = 0;
    while (!process.exhausted && process.products + process.nextBlockSize <= s.maxProducts) {
      await process.step();
      s.onStep(process.products);
      const m = process.size;
      if (m < s.k) continue;
      // The small eigenproblem costs O(m³); for long runs check about 50 times in all.
      const stride = Math.max(1, Math.floor(m / 50));
      const last = process.exhausted ||
        process.products + process.nextBlockSize > s.maxProducts;
      if (!last && m - lastCheck < stride) continue;
      lastCheck = m;
      const ritz = process.ritz();
      const scale = Math.max(scaleOf(ritz.values), s.scaleFloor);
      const wanted = wantedIndices(ritz.values, s.k, s.rank);
      const ok = wanted.every((j) =>
        honestResidual(ritz.residuals[j], scale, s.relativeError) <= s.tol * scale
      );
      if (!ok) {
        checkUntil = -1;
        continue;
      }
      if (firstConverged < 0) firstConverged = process.products;
      if (checkUntil < 0) checkUntil = process.products + s.guard(process.products);
      if (process.products >= checkUntil) {
        stoppedConverged = true;
        break;
      }
    }
    const m = process.size;
    if (m === 0) {
      return { pairs: [], scale: 0, products: process.products, firstConverged, stoppedConverged };
    }
    const ritz = process.ritz();
    const scale = scaleOf(ritz.values);
    const wanted = wantedIndices(ritz.values, Math.min(s.k, m), s.rank);
    const c = new Float64Array(m * wanted.length);
    wanted.forEach((j, col) => {
      const coef = ritz.coefficients[j];
      for (let i = 0; i < m; i++) c[i * wanted.length + col] = coef[i];
    });
    const vectors = s.store.combine(process.basis, c, wanted.length);
    // ‖Q s‖ = 1 up to rounding; renormalize so callers get unit vectors.
    const pairs: RunPair<V>[] = [];
    for (const [col, j] of wanted.entries()) {
      const n = Math.sqrt((await s.store.inner([vectors[col]], [vectors[col]]))[0]);
      pairs.push({
        value: ritz.values[j],
        vector: s.store.scale(vectors[col], 1 / n),
        ritzResidual: ritz.residuals[j],
      });
    }
    return { pairs, scale, products: process.products, firstConverged, stoppedConverged };
  } finally {
    process.dispose();
  }
}

function scaleOf(values: Float64Array): number {
  return values.length === 0
    ? 0
    : Math.max(Math.abs(values[0]), Math.abs(values[values.length - 1]));
}

/** Indices of the k most wanted values, most wanted first. */
export function wantedIndices(values: Float64Array, k: number, rank: Rank): number[] {
  const idx = Array.from({ length: values.length }, (_, j) => j);
  idx.sort((a, b) => rank(values[b]) - rank(values[a]));
  return idx.slice(0, Math.min(k, values.length));
}
