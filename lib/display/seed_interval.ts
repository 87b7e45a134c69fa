import { Rng } from "../random/rng.ts";
import { checkCall } from "../_checks.ts";

/** How an interval is made from per-seed values. */
export type SeedIntervalRule = "standard-error" | "bootstrap" | "range";

/** Options of {@linkcode seedInterval}. */
export interface SeedIntervalOptions {
  /**
   * The rule. "standard-error": mean ± k standard errors (sample standard deviation / √n);
   * "bootstrap": the percentile bootstrap interval of the mean; "range": from the smallest to the
   * largest value (every seed must agree).
   * @default {"standard-error"}
   */
  rule?: SeedIntervalRule;
  /** Standard errors on each side, for "standard-error". @default {3} */
  k?: number;
  /** Coverage of the bootstrap interval, in (0, 1). @default {0.95} */
  level?: number;
  /** Bootstrap resamples. @default {4000} */
  resamples?: number;
  /** Seed of the bootstrap resampling. @default {0} */
  seed?: number;
}

/** An interval over seeds, as a claim checks it. */
export interface SeedInterval {
  /** Marks the object as an interval for the claim helpers. */
  kind: "interval";
  /** The per-seed values. */
  values: number[];
  /** How many seeds. */
  seeds: number;
  /** Their mean. */
  mean: number;
  /** The standard error of the mean (sample standard deviation / √n; 0 for one seed). */
  standardError: number;
  /** The lower end. */
  low: number;
  /** The upper end. */
  high: number;
  /** The rule in words, e.g. "mean ± 3 s.e. over 5 seeds". */
  rule: string;
}

/**
 * An interval for a quantity measured once per seed, by a stated rule, for a claim to be checked
 * against: `claim(statement, seedInterval(values), expected, { relation })` holds only when the
 * relation holds at every point of the interval (e.g. "> 0" needs the lower end above 0).
 *
 * Standard-error rule: mean ± k·s/√n, s the sample standard deviation (n − 1 in the denominator).
 *
 * @example Three standard errors over five seeds
 * ```ts
 * import { seedInterval } from "minima";
 * import assert from "node:assert/strict";
 *
 * const i = seedInterval([1, 2, 3, 4, 5]);
 * assert.equal(i.mean, 3);
 * assert.ok(Math.abs(i.high - (3 + 3 * Math.sqrt(2.5 / 5))) < 1e-12);
 * assert.equal(i.rule, "mean ± 3 s.e. over 5 seeds");
 * ```
 *
 * @param values The per-seed values.
 * @param options The rule and its parameters.
 * @returns The interval with the values, mean and the rule in words.
 */
export function seedInterval(
  values: readonly number[],
  options: SeedIntervalOptions = {},
): SeedInterval {
  checkCall("seedInterval", arguments);
  const where = "Cannot make a seed interval";
  const rule = options.rule ?? "standard-error";
  if (!["standard-error", "bootstrap", "range"].includes(rule)) {
    throw new TypeError(
      `${where}: rule must be "standard-error", "bootstrap" or "range", current value is ${
        JSON.stringify(rule)
      }`,
    );
  }
  const minimum = rule === "range" ? 1 : 2;
  if (
    !Array.isArray(values) || values.length < minimum ||
    values.some((v) => typeof v !== "number" || !Number.isFinite(v))
  ) {
    throw new TypeError(
      `${where}: values must be an array of at least ${minimum} finite number${
        minimum === 1 ? "" : "s"
      } (one per seed) for the ${rule} rule, current value is ${describe(values)}`,
    );
  }
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  const standardError = Math.sqrt(variance / n);
  const over = `over ${n} seed${n === 1 ? "" : "s"}`;
  const base = { kind: "interval" as const, values: [...values], seeds: n, mean, standardError };
  if (rule === "range") {
    return {
      ...base,
      low: Math.min(...values),
      high: Math.max(...values),
      rule: `range ${over}`,
    };
  }
  if (rule === "standard-error") {
    const k = options.k ?? 3;
    if (!(k > 0) || !Number.isFinite(k)) {
      throw new RangeError(`${where}: k must be a positive number, current value is ${k}`);
    }
    return {
      ...base,
      low: mean - k * standardError,
      high: mean + k * standardError,
      rule: `mean ± ${k} s.e. ${over}`,
    };
  }
  const level = options.level ?? 0.95, resamples = options.resamples ?? 4000;
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`${where}: level must be in (0, 1), current value is ${level}`);
  }
  if (!Number.isInteger(resamples) || resamples < 100) {
    throw new RangeError(
      `${where}: resamples must be an integer of at least 100, current value is ${resamples}`,
    );
  }
  const rng = new Rng(options.seed ?? 0);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[rng.integer(n)];
    means[b] = sum / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  return {
    ...base,
    low: quantile(means, tail),
    high: quantile(means, 1 - tail),
    rule: `${Number((100 * level).toPrecision(4))}% bootstrap interval of the mean ${over}`,
  };
}

/** Whether a value is a {@linkcode SeedInterval}. */
export function isSeedInterval(value: unknown): value is SeedInterval {
  checkCall("isSeedInterval", arguments);
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    (value as { kind?: unknown }).kind === "interval";
}

/** The q-quantile of sorted values, linear between order statistics. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1), i = Math.floor(pos), f = pos - i;
  return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}

function describe(values: unknown): string {
  if (!Array.isArray(values)) return String(values);
  return `[${values.slice(0, 6).map(String).join(", ")}${values.length > 6 ? ", …" : ""}]`;
}

/** Options for {@linkcode estimateInterval}. */
export interface EstimateIntervalOptions {
  /**
   * Standard errors on each side.
   * @default {3}
   */
  k?: number;
  /**
   * What the estimate is, for the rule in words ("fitted exponent ± 3 s.e.").
   * @default {"estimate"}
   */
  what?: string;
}

/**
 * An interval for one estimate with a known standard error (a fitted slope, a Monte-Carlo mean),
 * estimate ± k·s.e., in the form the claim helpers check like a {@linkcode seedInterval}.
 *
 * @example A fitted exponent 1.36 with standard error 0.05
 * ```ts
 * import { estimateInterval } from "minima";
 * import assert from "node:assert/strict";
 *
 * const i = estimateInterval(1.36, 0.05, { what: "fitted exponent" });
 * assert.ok(Math.abs(i.low - 1.21) < 1e-12 && Math.abs(i.high - 1.51) < 1e-12);
 * assert.equal(i.rule, "fitted exponent ± 3 s.e.");
 * ```
 *
 * @param estimate The estimate.
 * @param standardError Its standard error, ≥ 0.
 * @param options k (standard errors on each side, default 3) and what the estimate is (default
 *   "estimate"), for the rule in words.
 * @returns The interval.
 */
export function estimateInterval(
  estimate: number,
  standardError: number,
  options: EstimateIntervalOptions = {},
): SeedInterval {
  checkCall("estimateInterval", arguments);
  const where = "Cannot make an estimate interval";
  if (typeof estimate !== "number" || !Number.isFinite(estimate)) {
    throw new TypeError(`${where}: estimate must be a finite number, current value is ${estimate}`);
  }
  if (!(standardError >= 0) || !Number.isFinite(standardError)) {
    throw new RangeError(
      `${where}: standardError must be a finite number ≥ 0, current value is ${standardError}`,
    );
  }
  const k = options.k ?? 3;
  if (!(k > 0) || !Number.isFinite(k)) {
    throw new RangeError(`${where}: k must be a positive number, current value is ${k}`);
  }
  return {
    kind: "interval",
    values: [estimate],
    seeds: 1,
    mean: estimate,
    standardError,
    low: estimate - k * standardError,
    high: estimate + k * standardError,
    rule: `${options.what ?? "estimate"} ± ${k} s.e.`,
  };
}
