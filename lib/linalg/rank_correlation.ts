import { permutation, Rng, type Seed } from "../random/mod.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode rankCorrelation}. */
export interface RankCorrelationOptions {
  /**
   * Spearman's ρ (Pearson's correlation of the ranks, ties at their average rank) or Kendall's
   * τ_b (concordant minus discordant pairs, corrected for ties).
   * @default {"spearman"}
   */
  method?: "spearman" | "kendall";
  /**
   * Random relabellings for the permutation test; when n! is at most this, all n! are enumerated
   * and the test is exact.
   * @default {2000}
   */
  permutations?: number;
  /**
   * Bootstrap resamples of the pairs for the confidence interval.
   * @default {2000}
   */
  bootstrap?: number;
  /**
   * The coverage of both intervals.
   * @default {0.95}
   */
  level?: number;
  /**
   * Seed of the permutations and resamples.
   * @default {0}
   */
  seed?: Seed;
}

/** A rank correlation with its test and intervals. */
export interface RankCorrelationResult {
  /** ρ or τ_b, in [−1, 1]. */
  value: number;
  /** The method used. */
  method: "spearman" | "kendall";
  /** The pairs n. */
  n: number;
  /**
   * The two-sided permutation p-value: the share of relabellings y_π with |r(x, y_π)| ≥ |r(x, y)|,
   * counting the observed one (so never 0 when sampled).
   */
  pValue: number;
  /** Whether every one of the n! relabellings was enumerated (an exact test). */
  exact: boolean;
  /** The percentile bootstrap interval of the correlation at `level`. */
  interval: [number, number];
  /**
   * The central `level` range of the correlation under the permutation null (no association):
   * a measured value inside it is indistinguishable from none.
   */
  nullInterval: [number, number];
}

/**
 * A rank correlation between two measured quantities, with a permutation test and a bootstrap
 * interval: what a grid of runs can say about whether one quantity rises with another, without
 * assuming a direction. Spearman's ρ is Pearson's correlation of the ranks; Kendall's
 * τ_b = (C − D)/√((n₀ − n₁)(n₀ − n₂)), with C, D the concordant and discordant pairs, n₀ = n(n−1)/2
 * and n₁, n₂ the pairs tied in x and in y.
 *
 * @see Kendall, "A new measure of rank correlation", Biometrika 1938; Efron, Tibshirani, "An
 * introduction to the bootstrap", 1993.
 *
 * @example A monotone but non-linear relation has ρ = τ = 1
 * ```ts
 * import { rankCorrelation } from "minima";
 * import assert from "node:assert/strict";
 *
 * const x = [1, 2, 3, 4, 5, 6, 7], y = x.map((v) => Math.exp(v));
 * const r = rankCorrelation(x, y, { permutations: 5040 });
 * assert.equal(r.value, 1);
 * assert.ok(r.exact && Math.abs(r.pValue - 2 / 5040) < 1e-12);
 * assert.equal(rankCorrelation(x, y, { method: "kendall" }).value, 1);
 * ```
 *
 * @param x The first quantity, one value per run.
 * @param y The second, as many values.
 * @param options The method, test and interval sizes, level and seed.
 * @returns The correlation, its p-value, and its bootstrap and null intervals.
 */
export function rankCorrelation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: RankCorrelationOptions = {},
): RankCorrelationResult {
  checkCall("rankCorrelation", arguments);
  const what = "Cannot compute the rank correlation";
  if (!x || !y || typeof x.length !== "number" || x.length !== y.length || x.length < 3) {
    throw new TypeError(
      `${what}: x and y must be arrays of the same length, at least 3, current lengths are ${x?.length} and ${y?.length}`,
    );
  }
  const n = x.length;
  for (const [name, v] of [["x", x], ["y", y]] as const) {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(v[i])) {
        throw new RangeError(
          `${what}: ${name}[${i}] must be a finite number, current value is ${v[i]}`,
        );
      }
    }
  }
  const method = options.method ?? "spearman";
  if (method !== "spearman" && method !== "kendall") {
    throw new TypeError(
      `${what}: method must be "spearman" or "kendall", current value is ${JSON.stringify(method)}`,
    );
  }
  const permutations = options.permutations ?? 2000;
  const bootstrap = options.bootstrap ?? 2000;
  for (const [name, v] of [["permutations", permutations], ["bootstrap", bootstrap]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${what}: ${name} must be a positive integer, current value is ${v}`);
    }
  }
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`${what}: level must be in (0, 1), current value is ${level}`);
  }
  const xs = Float64Array.from(x), ys = Float64Array.from(y);
  if (distinct(xs) < 2 || distinct(ys) < 2) {
    throw new RangeError(`${what}: x and y must each take at least two distinct values`);
  }
  const stat = method === "spearman" ? spearman : kendall;
  const value = stat(xs, ys);
  const rng = new Rng(options.seed ?? 0);
  // Permutation null: relabel y.
  const nulls: number[] = [];
  const exact = factorial(n) <= permutations;
  if (exact) {
    eachPermutation(n, (p) => nulls.push(stat(xs, Float64Array.from(p, (i) => ys[i]))));
  } else {
    for (let b = 0; b < permutations; b++) {
      const p = permutation(rng, n);
      nulls.push(stat(xs, Float64Array.from(p, (i) => ys[i])));
    }
  }
  const tol = 1e-12;
  const extreme = nulls.filter((v) => Math.abs(v) >= Math.abs(value) - tol).length;
  const pValue = exact ? extreme / nulls.length : (extreme + 1) / (nulls.length + 1);
  // Bootstrap: resample pairs; resamples with a constant coordinate have no correlation and are
  // skipped.
  const boots: number[] = [];
  const bx = new Float64Array(n), by = new Float64Array(n);
  for (let b = 0, tries = 0; b < bootstrap && tries < 20 * bootstrap; tries++) {
    for (let i = 0; i < n; i++) {
      const j = rng.integer(n);
      bx[i] = xs[j];
      by[i] = ys[j];
    }
    if (distinct(bx) < 2 || distinct(by) < 2) continue;
    boots.push(stat(bx, by));
    b++;
  }
  const tail = (1 - level) / 2;
  return {
    value,
    method,
    n,
    pValue,
    exact,
    interval: [quantile(boots, tail), quantile(boots, 1 - tail)],
    nullInterval: [quantile(nulls, tail), quantile(nulls, 1 - tail)],
  };
}

/** Average ranks 1..n (ties share the mean of their positions). */
function ranks(v: Float64Array): Float64Array {
  const order = Array.from(v.keys()).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
    const mean = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]] = mean;
    i = j + 1;
  }
  return r;
}

function spearman(x: Float64Array, y: Float64Array): number {
  const rx = ranks(x), ry = ranks(y), n = x.length;
  const mean = (n + 1) / 2;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) ** 2;
    syy += (ry[i] - mean) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

function kendall(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let s = 0, tiesX = 0, tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = Math.sign(x[i] - x[j]), b = Math.sign(y[i] - y[j]);
      s += a * b;
      if (a === 0) tiesX++;
      if (b === 0) tiesY++;
    }
  }
  const n0 = n * (n - 1) / 2;
  const denominator = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  return denominator > 0 ? s / denominator : 0;
}

function distinct(v: Float64Array): number {
  return new Set(v).size;
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Calls fn with every permutation of 0..n−1 (Heap's algorithm). */
function eachPermutation(n: number, fn: (p: Int32Array) => void): void {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  const c = new Int32Array(n);
  fn(p);
  for (let i = 1; i < n;) {
    if (c[i] < i) {
      const j = i % 2 === 0 ? 0 : c[i];
      [p[j], p[i]] = [p[i], p[j]];
      fn(p);
      c[i]++;
      i = 1;
    } else {
      c[i] = 0;
      i++;
    }
  }
}

/** The q-quantile by linear interpolation between order statistics. */
function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}
