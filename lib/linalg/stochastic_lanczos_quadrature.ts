import type { LinearOperator } from "./linear_operator.ts";
import type { ProgressCallback } from "../_types.ts";
import type { Rng, Seed } from "../random/mod.ts";
import { checkCallback, checkInteger, checkOperator, checkPositive, rngFrom } from "./_checks.ts";
import { BlockLanczos } from "./_block_lanczos.ts";
import { symmetricEigen } from "./_symmetric_eigen.ts";
import { storeFor } from "./_store_choice.ts";
import type { VectorLocation, VectorStore } from "./vector_store.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode stochasticLanczosQuadrature}. */
export interface StochasticLanczosQuadratureOptions {
  /**
   * Independent probe vectors (Lanczos runs) averaged over.
   * @default {10}
   */
  probes?: number;
  /**
   * Lanczos steps per probe m; the quadrature integrates polynomials of degree ≤ 2m − 1 exactly.
   * @default {Math.min(op.dim, 80)}
   */
  steps?: number;
  /**
   * Standard deviation of the Gaussian kernel that broadens each node into a density.
   * @default {0.01 · (largest node − smallest node), or 0.01·max(|node|, 1) if they coincide}
   */
  sigma?: number;
  /**
   * Grid points of the density.
   * @default {512}
   */
  gridSize?: number;
  /**
   * The grid's [lower, upper] end points.
   * @default {[smallest node − 5σ, largest node + 5σ]}
   */
  range?: [number, number];
  /**
   * Seed of the probes.
   * @default {0}
   */
  seed?: Seed;
  /**
   * Where the Lanczos vectors live: `"host"` (float64 arrays) or `"device"` (the operator's
   * `vectorStore()`; only small coefficient matrices are read back).
   * @default {the operator's `preferredVectors`: "device" for a Hessian operator on WebGPU, else "host"}
   */
  vectors?: VectorLocation;
  /** Called after every Lanczos step of all probes (done = products so far). Silent by default. */
  onProgress?: ProgressCallback;
}

/** One grid point of a spectral density. */
export interface SpectralDensityRow {
  /** The eigenvalue axis. */
  lambda: number;
  /** The broadened density there; it integrates to 1 over the real line. */
  density: number;
  /** Lets the rows go into a plot's `data.values` as plain records. */
  [key: string]: number;
}

/** Quadrature nodes and weights and the broadened density from {@linkcode stochasticLanczosQuadrature}. */
export interface StochasticLanczosQuadratureResult {
  /** The density φ_σ on the grid, flat records for a plot. */
  density: SpectralDensityRow[];
  /** Per probe l, the Gauss nodes θ_{l,i} (Ritz values of T_m), ascending. */
  nodes: Float64Array[];
  /** Per probe l, the weights τ_{l,i}² (squared first components of T_m's eigenvectors); sum 1. */
  weights: Float64Array[];
  /** The broadening σ used. */
  sigma: number;
  /** Lanczos steps taken per probe (fewer than `steps` when the Krylov space became invariant). */
  steps: number[];
  /** Matrix–vector products in all. */
  matvecs: number;
}

/**
 * The spectral density of a symmetric operator by stochastic Lanczos quadrature (SLQ): for a unit
 * Rademacher probe v (so E[vᵀf(A)v] = tr f(A)/d), m Lanczos steps from v give T_m = Σ θ_i s_i s_iᵀ
 * and the Gauss rule vᵀf(A)v ≈ Σ_i τ_i² f(θ_i), τ_i = s_i[0], exact for polynomials of degree
 * ≤ 2m−1. Averaging over probes and replacing each node by a Gaussian of width σ gives
 * φ_σ(t) = (1/P) Σ_l Σ_i τ_{l,i}² N(t; θ_{l,i}, σ²), whose moments approximate tr(A^k)/d
 * (the second one plus σ²).
 *
 * The probes' Lanczos processes advance in lockstep, so each step's products are one block (one
 * batched pass when the operator has `matmat` or a device store).
 *
 * @see Ghorbani, Krishnan, Xiao, "An investigation into neural net optimization via Hessian
 * eigenvalue density", ICML 2019, arXiv 1901.10159; Lin, Saad, Yang, "Approximating spectral
 * densities of large matrices", SIAM Review 2016.
 *
 * @example The mean of the density is tr(A)/d
 * ```ts
 * import { denseOperator, stochasticLanczosQuadrature } from "minima";
 * import assert from "node:assert/strict";
 *
 * const d = 40, a = new Float64Array(d * d);
 * for (let i = 0; i < d; i++) a[i * d + i] = i < 20 ? 1 : 5;
 * const { nodes, weights, density } = await stochasticLanczosQuadrature(
 *   denseOperator(a, d),
 *   { probes: 2 },
 * );
 * // A diagonal matrix with Rademacher probes: each probe's first moment is exactly tr(A)/d = 3.
 * const mean = nodes[0].reduce((s, t, i) => s + weights[0][i] * t, 0);
 * assert.ok(Math.abs(mean - 3) < 1e-12);
 * assert.ok(density.length === 512 && density.every((r) => r.density >= 0));
 * ```
 *
 * @param op The symmetric operator.
 * @param options Probes, steps, broadening and grid.
 * @returns Per-probe nodes and weights and the broadened density on a grid.
 */
export async function stochasticLanczosQuadrature(
  op: LinearOperator,
  options: StochasticLanczosQuadratureOptions = {},
): Promise<StochasticLanczosQuadratureResult> {
  checkCall("stochasticLanczosQuadrature", arguments);
  const action = "Cannot estimate the spectral density";
  checkOperator(op, action);
  const dim = op.dim;
  const probes = options.probes ?? 10;
  checkInteger(probes, "probes", action, 1);
  const steps = options.steps ?? Math.min(dim, 80);
  checkInteger(steps, "steps", action, 1, dim);
  if (options.sigma !== undefined) checkPositive(options.sigma, "sigma", action);
  const gridSize = options.gridSize ?? 512;
  checkInteger(gridSize, "gridSize", action, 2);
  const range = options.range;
  if (range !== undefined) {
    if (
      !Array.isArray(range) || range.length !== 2 || !Number.isFinite(range[0]) ||
      !Number.isFinite(range[1]) || !(range[0] < range[1])
    ) {
      throw new RangeError(
        `${action}: range must be two finite numbers [lower, upper] with lower < upper, current value is ${
          JSON.stringify(range)
        }`,
      );
    }
  }
  checkCallback(options.onProgress, "onProgress", action);
  const store = storeFor(op, options.vectors, action);
  const rng = rngFrom(options.seed, action);
  const { nodes, weights, stepsTaken, matvecs } = await quadrature(
    store,
    rng,
    probes,
    steps,
    options.onProgress,
  );
  let lo = Infinity, hi = -Infinity;
  for (const t of nodes) {
    lo = Math.min(lo, t[0]);
    hi = Math.max(hi, t[t.length - 1]);
  }
  const sigma = options.sigma ?? (hi > lo ? 0.01 * (hi - lo) : 0.01 * Math.max(Math.abs(hi), 1));
  const [a, b] = range ?? [lo - 5 * sigma, hi + 5 * sigma];
  const density: SpectralDensityRow[] = [];
  const norm = 1 / (probes * sigma * Math.sqrt(2 * Math.PI));
  for (let g = 0; g < gridSize; g++) {
    const lambda = a + (b - a) * g / (gridSize - 1);
    let sum = 0;
    for (let l = 0; l < probes; l++) {
      const t = nodes[l], w = weights[l];
      for (let i = 0; i < t.length; i++) {
        const z = (lambda - t[i]) / sigma;
        if (z > -40 && z < 40) sum += w[i] * Math.exp(-0.5 * z * z);
      }
    }
    density.push({ lambda, density: sum * norm });
  }
  return { density, nodes, weights, sigma, steps: stepsTaken, matvecs };
}

/** Gauss nodes and weights of each probe, the probes' Lanczos runs advanced in lockstep. */
async function quadrature<V>(
  store: VectorStore<V>,
  rng: Rng,
  probes: number,
  steps: number,
  onProgress: ProgressCallback | undefined,
) {
  const dim = store.dim;
  const processes: BlockLanczos<V>[] = [];
  let matvecs = 0;
  try {
    for (let l = 0; l < probes; l++) {
      const v = store.fromHost(rng.fillRademacher(new Float64Array(dim)));
      // An invariant Krylov space makes the quadrature exact: stop there, never restart.
      const process = new BlockLanczos(store, [v], rng, [], "stop");
      await process.init();
      processes.push(process);
    }
    for (let step = 0; step < steps; step++) {
      const active = processes.filter((p) => !p.exhausted && p.size < steps);
      if (active.length === 0) break;
      const blocks = active.map((p) => p.begin());
      const products = await store.apply(blocks.flat());
      let offset = 0;
      for (const [i, p] of active.entries()) {
        await p.finish(products.slice(offset, offset + blocks[i].length));
        offset += blocks[i].length;
      }
      matvecs += products.length;
      onProgress?.({ done: matvecs, total: probes * steps, label: "spectral density" });
    }
    const nodes: Float64Array[] = [];
    const weights: Float64Array[] = [];
    const stepsTaken: number[] = [];
    for (const p of processes) {
      const { values, vectors } = symmetricEigen(p.projected(), p.size);
      nodes.push(values);
      weights.push(Float64Array.from(vectors, (s) => s[0] * s[0]));
      stepsTaken.push(p.size);
    }
    return { nodes, weights, stepsTaken, matvecs };
  } finally {
    for (const p of processes) p.dispose();
  }
}
