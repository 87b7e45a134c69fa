import { Rng, type Seed } from "../random/mod.ts";
import type { Domain } from "./domain.ts";
import type { Game } from "./game.ts";
import type { ParticleMeasure } from "./particle_measure.ts";
import { checkPositions, checkPositiveInteger, show } from "./_checks.ts";
import { manifoldDim, potentialAt, sampleDomain } from "./_domain_ops.ts";
import { checkSolverOptions } from "./_solver_ops.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode nikaidoIsodaEstimate}. */
export interface NikaidoIsodaEstimateOptions {
  /**
   * Monte Carlo points per log-partition function.
   * @default {4096}
   */
  samples?: number;
  /**
   * k of the k-nearest-neighbour entropy estimates.
   * @default {4}
   */
  neighbors?: number;
  /**
   * The seed of the Monte Carlo points.
   * @default {0}
   */
  seed?: Seed;
}

/** A Monte Carlo estimate of the Nikaidô–Isoda error, with its parts and standard errors. */
export interface NikaidoIsodaEstimate {
  /** The estimate of NI. */
  value: number;
  /** Its standard error (Monte Carlo and entropy-estimate noise; not the k-NN bias). */
  standardError: number;
  /** log Z_q(p) = log ∫exp(f_p/T) and its standard error (Monte Carlo and jackknife). */
  logPartitionY: { value: number; standardError: number };
  /** log Z_p(q) = log ∫exp(−g_q/T) and its standard error. */
  logPartitionX: { value: number; standardError: number };
  /** The k-NN estimate of H(p) = ∫p log p (the negative entropy) and its standard error. */
  negEntropyX: { value: number; standardError: number };
  /** The k-NN estimate of H(q) and its standard error. */
  negEntropyY: { value: number; standardError: number };
}

/**
 * The Nikaidô–Isoda error of particle measures in any dimension, estimated with an error bar:
 * NI = T(log Z_q + log Z_p + H(p) + H(q)) + ∫U_X dp + ∫U_Y dq (derivation in nikaido_isoda.ts).
 * The target is the NI of the laws the particles sample. The fields f_p, g_q are averages over
 * the particles; each log-partition function is a Monte Carlo integral over `samples` points
 * (uniform on the torus and the sphere; from exp(−U/T) ∝ N(0, T/λ) in R^d, which absorbs the
 * potential), with a standard error combining the Monte Carlo error (delta method) and the
 * particles' own sampling noise in the field (a delete-a-group jackknife over 20 groups: the
 * field's noise is amplified by 1/T and usually dominates); the entropies are Kozachenko–Leonenko
 * k-nearest-neighbour estimates (periodic distances on the torus, geodesic ones on the sphere),
 * with the standard error of their mean log-distance.
 *
 * The error bar covers sampling noise only: the k-NN entropy estimate is biased for few
 * particles in many dimensions, and importance weights exp(f/T) at low temperature can have a
 * heavy tail that a finite sample underestimates. In 1-D and 2-D prefer the exact
 * {@linkcode particleNikaidoIsoda}.
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying (ICLR 2022); Kozachenko and Leonenko
 * (1987) for the entropy estimate.
 *
 * @example Uniform particles on the 3-torus are near the equilibrium of a separable game
 * ```ts
 * import { mathjsGame, nikaidoIsodaEstimate, particleMeasure, torus } from "minima";
 * import assert from "node:assert/strict";
 *
 * const game = mathjsGame("cos(x1 - y1) + cos(x2 - y2) + cos(x3 - y3)", {
 *   x: torus(3), y: torus(3), temperature: 1,
 * });
 * const x = particleMeasure(torus(3), 1000, { seed: 1 });
 * const y = particleMeasure(torus(3), 1000, { seed: 2 });
 * const est = await nikaidoIsodaEstimate(game, x, y, { samples: 2048 });
 * assert.ok(Math.abs(est.value) < 4 * est.standardError + 0.1);
 * ```
 *
 * @param game The game.
 * @param x The x particles (a measure or positions, row-major).
 * @param y The y particles.
 * @param options Monte Carlo points, neighbours, seed.
 * @returns The estimate, its standard error and its parts.
 */
export async function nikaidoIsodaEstimate(
  game: Game,
  x: ParticleMeasure | Float64Array,
  y: ParticleMeasure | Float64Array,
  options: NikaidoIsodaEstimateOptions = {},
): Promise<NikaidoIsodaEstimate> {
  checkCall("nikaidoIsodaEstimate", arguments);
  const context = "Cannot estimate the Nikaidô–Isoda error";
  checkSolverOptions(game, {}, context);
  const px = checkPositions(x instanceof Float64Array ? x : x?.positions, game.x.dim, "x", context);
  const py = checkPositions(y instanceof Float64Array ? y : y?.positions, game.y.dim, "y", context);
  const samples = options.samples ?? 4096;
  checkPositiveInteger(samples, "options.samples", context);
  const k = options.neighbors ?? 4;
  checkPositiveInteger(k, "options.neighbors", context);
  for (const [p, d, name] of [[px, game.x, "x"], [py, game.y, "y"]] as const) {
    if (p.length / d.dim <= k) {
      throw new RangeError(
        `${context}: ${name} must have more particles than options.neighbors (${k}), current count is ${
          p.length / d.dim
        }; draw more particles or lower neighbors`,
      );
    }
  }
  const T = game.temperature;
  const rng = new Rng(options.seed ?? 0);
  // log Z_q(p) = log ∫exp((K̄_p(y) − U_Y(y))/T) dy, K̄_p(y) = (1/n)Σ_i K(x_i, y); sign +1.
  // log Z_p(q) = log ∫exp(−(K̄_q(x) + U_X(x))/T) dx; sign −1.
  const logZy = await logPartition(game, game.y, px, "y", 1, samples, rng.fork());
  const logZx = await logPartition(game, game.x, py, "x", -1, samples, rng.fork());
  const hx = negEntropy(game.x, px, k), hy = negEntropy(game.y, py, k);
  const ux = meanAndError(potentialAt(game.x, px)), uy = meanAndError(potentialAt(game.y, py));
  const value = T * (logZy.value + logZx.value + hx.value + hy.value) + ux.value + uy.value;
  const standardError = Math.sqrt(
    T * T * (logZy.standardError ** 2 + logZx.standardError ** 2 + hx.standardError ** 2 +
          hy.standardError ** 2) + ux.standardError ** 2 + uy.standardError ** 2,
  );
  return {
    value,
    standardError,
    logPartitionY: logZy,
    logPartitionX: logZx,
    negEntropyX: hx,
    negEntropyY: hy,
  };
}

/**
 * log ∫ exp(sign·K̄(u)/T − U(u)/T) du over the domain of `player`, where K̄ averages the payoff
 * over the other player's particles, by Monte Carlo in batches.
 */
async function logPartition(
  game: Game,
  domain: Domain,
  others: Float64Array,
  player: "x" | "y",
  sign: 1 | -1,
  samples: number,
  rng: Rng,
): Promise<{ value: number; standardError: number }> {
  const T = game.temperature;
  const d = domain.dim;
  const nOthers = others.length / (player === "y" ? game.x.dim : game.y.dim);
  // Proposal: uniform (log volume added) or N(0, T/λ) in R^d (its normaliser added).
  let logScale: number;
  if (domain.kind === "torus") logScale = d * Math.log(2 * Math.PI);
  else if (domain.kind === "sphere") {
    const m = d - 1;
    // Area of S^m = 2π^((m+1)/2)/Γ((m+1)/2).
    logScale = Math.log(2) + ((m + 1) / 2) * Math.log(Math.PI) - logGamma((m + 1) / 2);
  } else logScale = (d / 2) * Math.log(2 * Math.PI * T / domain.confinement);
  // Per-sample sums of the payoff over G groups of the other player's particles, for the
  // delete-a-group jackknife of the particles' own sampling noise in K̄ (amplified by 1/T).
  const groups = Math.min(GROUPS, nOthers);
  const groupOf = (i: number) => Math.floor(i * groups / nOthers);
  const groupSize = new Float64Array(groups);
  for (let i = 0; i < nOthers; i++) groupSize[groupOf(i)]++;
  const sums = new Float64Array(samples * groups);
  const batch = Math.max(1, Math.min(samples, Math.floor(4_000_000 / Math.max(1, nOthers))));
  for (let start = 0; start < samples; start += batch) {
    const count = Math.min(batch, samples - start);
    const u = domain.kind === "euclidean"
      ? sampleDomain(domain, count, rng, { spread: Math.sqrt(T / domain.confinement) })
      : sampleDomain(domain, count, rng);
    const k = player === "y" ? await game.payoff(others, u) : await game.payoff(u, others);
    const expected = count * nOthers;
    if (!(k instanceof Float64Array) || k.length !== expected) {
      throw new TypeError(
        `Cannot estimate the Nikaidô–Isoda error: game.payoff must return ${expected} values, it returned ${
          show(k)
        }`,
      );
    }
    for (let s = 0; s < count; s++) {
      const row = (start + s) * groups;
      if (player === "y") {
        for (let i = 0; i < nOthers; i++) sums[row + groupOf(i)] += k[i * count + s];
      } else for (let j = 0; j < nOthers; j++) sums[row + groupOf(j)] += k[s * nOthers + j];
    }
  }
  // On the torus and the sphere the potential is zero; in R^d it is absorbed by the proposal.
  const logs = new Float64Array(samples);
  const estimate = (skip: number) => {
    const n = skip < 0 ? nOthers : nOthers - groupSize[skip];
    for (let s = 0; s < samples; s++) {
      let total = 0;
      for (let g = 0; g < groups; g++) if (g !== skip) total += sums[s * groups + g];
      logs[s] = sign * total / n / T;
    }
    let max = -Infinity;
    for (const v of logs) max = Math.max(max, v);
    let sum = 0, sum2 = 0;
    for (const v of logs) {
      const w = Math.exp(v - max);
      sum += w;
      sum2 += w * w;
    }
    const mean = sum / samples;
    const variance = Math.max(0, sum2 / samples - mean * mean) * samples / Math.max(1, samples - 1);
    return {
      value: logScale + max + Math.log(mean),
      mcError: Math.sqrt(variance / samples) / mean,
    };
  };
  const full = estimate(-1);
  let jackVariance = 0;
  if (groups > 1) {
    const leave = Array.from({ length: groups }, (_, g) => estimate(g).value);
    const mean = leave.reduce((a, b) => a + b, 0) / groups;
    jackVariance = (groups - 1) / groups * leave.reduce((a, v) => a + (v - mean) ** 2, 0);
  }
  return { value: full.value, standardError: Math.sqrt(full.mcError ** 2 + jackVariance) };
}

/** Groups of particles for the jackknife of the log-partition functions. */
const GROUPS = 20;

/**
 * Kozachenko–Leonenko: the differential entropy h = −∫p log p of the law behind n points of
 * intrinsic dimension m is ψ(n) − ψ(k) + log V_m + (m/n)Σ_i log ε_i, with ε_i the distance to
 * the k-th nearest other point and V_m the volume of the unit m-ball. Returns −h = H(p).
 */
function negEntropy(
  domain: Domain,
  positions: Float64Array,
  k: number,
): { value: number; standardError: number } {
  const d = domain.dim, n = positions.length / d, m = manifoldDim(domain);
  const logEps = new Float64Array(n);
  const nearest = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    nearest.fill(Infinity);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const r = distance(domain, positions, i, j);
      if (r < nearest[k - 1]) {
        let t = k - 1;
        while (t > 0 && nearest[t - 1] > r) {
          nearest[t] = nearest[t - 1];
          t--;
        }
        nearest[t] = r;
      }
    }
    logEps[i] = m * Math.log(Math.max(nearest[k - 1], 1e-300));
  }
  const { value: meanLog, standardError } = meanAndError(logEps);
  const logVolume = (m / 2) * Math.log(Math.PI) - logGamma(m / 2 + 1);
  const h = digamma(n) - digamma(k) + logVolume + meanLog;
  return { value: -h, standardError };
}

function distance(domain: Domain, p: Float64Array, i: number, j: number): number {
  const d = domain.dim;
  if (domain.kind === "sphere") {
    let dot = 0;
    for (let c = 0; c < d; c++) dot += p[i * d + c] * p[j * d + c];
    return Math.acos(Math.max(-1, Math.min(1, dot)));
  }
  let s = 0;
  for (let c = 0; c < d; c++) {
    let v = Math.abs(p[i * d + c] - p[j * d + c]);
    if (domain.kind === "torus") v = Math.min(v, 2 * Math.PI - v);
    s += v * v;
  }
  return Math.sqrt(s);
}

function meanAndError(v: Float64Array): { value: number; standardError: number } {
  const n = v.length;
  let s = 0;
  for (const a of v) s += a;
  const mean = s / n;
  let ss = 0;
  for (const a of v) ss += (a - mean) ** 2;
  return { value: mean, standardError: n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0 };
}

/** ψ(n) for a positive integer: H_{n−1} − γ. */
function digamma(n: number): number {
  let s = -0.5772156649015329;
  for (let i = 1; i < n; i++) s += 1 / i;
  return s;
}

/** log Γ(z) for z > 0 (Lanczos, g = 7, n = 9; relative error below 1e-15). */
function logGamma(z: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
