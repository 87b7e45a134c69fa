import type { Dataset } from "../data/mod.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode leakyReluMaxMargin2d}. */
export interface LeakyReluMaxMargin2dOptions {
  /**
   * The negative slope α of φ(z) = max(z, αz).
   * @default {0.1}
   */
  alpha?: number;
  /**
   * Neuron directions on the circle the network may use (evenly spaced angles).
   * @default {720}
   */
  directions?: number;
  /**
   * Rounds of multiplicative weights.
   * @default {20000}
   */
  iterations?: number;
}

/** Bounds on the max-margin network and a network that attains the lower one. */
export interface LeakyReluMaxMargin2dResult {
  /** The normalized margin of the returned network: a lower bound on the max over all networks. */
  lower: number;
  /** An upper bound on the normalized margin of every two-layer leaky ReLU network. */
  upper: number;
  /** The network: neuron angles (radians), output signs and mass shares (summing to 1). */
  neurons: { angle: number; sign: number; share: number }[];
}

/**
 * Bounds on the largest normalized margin γ = minᵢ yᵢ f(xᵢ)/‖θ‖² of any bias-free two-layer leaky
 * ReLU network f(x) = Σₖ aₖ φ(wₖ·x) on 2-D data, by linear programming over neuron directions.
 *
 * Balanced neurons (|aₖ| = ‖wₖ‖) are optimal, ‖θ‖² = 2 Σₖ |aₖ|‖wₖ‖, and f is linear in the masses
 * cₖ = |aₖ|‖wₖ‖ of (direction uₖ, sign sₖ). So the max margin is ½ V with V the value of the game
 * max_{c ∈ Δ} minᵢ Σₖ cₖ sₖ yᵢ φ(uₖ·xᵢ) (any width; at most n + 1 neurons are needed), and by
 * duality V = min_{λ ∈ Δ} max_{u, s} s Σᵢ λᵢ yᵢ φ(u·xᵢ). Multiplicative weights on λ give both
 * sides: the average of the best responses over a grid of angles is a network whose margin is a
 * lower bound; for every λ, the grid maximum plus the Lipschitz slack Σᵢ λᵢ‖xᵢ‖·Δθ/2 (the
 * objective is Σᵢ λᵢ‖xᵢ‖-Lipschitz in the angle) bounds the continuous maximum, so the smallest
 * such value is an upper bound; the averaged λ is also checked against a 64 times finer grid.
 *
 * @see Lyu, Li, Wang, Arora, "Gradient descent on two-layer nets: margin maximization and
 * simplicity bias", NeurIPS 2021, arXiv 2110.13905.
 *
 * @example Symmetric 2-D data: the max-margin network is linear, margin (1 + α)/4 · γ*
 * ```ts
 * import { createDataset, leakyReluMaxMargin2d } from "minima";
 * import assert from "node:assert/strict";
 *
 * // γ* = 1 along (1, 0).
 * const data = createDataset([[1, 0.5], [-1, -0.5], [1, -0.5], [-1, 0.5]], [1, 0, 1, 0], { targets: "signed" });
 * const r = await leakyReluMaxMargin2d(data, { alpha: 0.2, iterations: 4000 });
 * assert.ok(r.lower <= 0.3 + 1e-9 && 0.3 <= r.upper);
 * assert.ok(r.upper - r.lower < 0.01);
 * data.dispose();
 * ```
 *
 * @param data 2-D data with signed (±1) targets.
 * @param options The negative slope, the direction grid and the rounds.
 * @returns Lower and upper bounds and the network attaining the lower one.
 */
export async function leakyReluMaxMargin2d(
  data: Dataset,
  options: LeakyReluMaxMargin2dOptions = {},
): Promise<LeakyReluMaxMargin2dResult> {
  checkCall("leakyReluMaxMargin2d", arguments);
  const what = "Cannot bound the max-margin leaky ReLU network";
  if (!data || typeof data !== "object" || !data.x || data.targets !== "signed") {
    throw new TypeError(
      `${what}: data must be a Dataset with signed (±1) targets, current targets are ${
        JSON.stringify(data?.targets)
      }`,
    );
  }
  if (data.inputDim !== 2) {
    throw new TypeError(`${what}: the inputs must be 2-D, current dimension is ${data.inputDim}`);
  }
  const alpha = options.alpha ?? 0.1;
  if (!(alpha >= 0 && alpha < 1)) {
    throw new RangeError(`${what}: alpha must be in [0, 1), current value is ${alpha}`);
  }
  const M = options.directions ?? 720;
  const T = options.iterations ?? 20000;
  for (const [name, v, min] of [["directions", M, 4], ["iterations", T, 1]] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(
        `${what}: ${name} must be an integer of at least ${min}, current value is ${v}`,
      );
    }
  }
  const n = data.n;
  const X = await data.x.data();
  const labels = data.labels!;
  const phi = (z: number) => (z > 0 ? z : alpha * z);
  // Payoff of column k (angle k, sign +) for sample i; the − column is its negative.
  const A = new Float64Array(M * n);
  for (let k = 0; k < M; k++) {
    const t = 2 * Math.PI * k / M, u0 = Math.cos(t), u1 = Math.sin(t);
    for (let i = 0; i < n; i++) {
      A[k * n + i] = (labels[i] === 1 ? 1 : -1) * phi(u0 * X[2 * i] + u1 * X[2 * i + 1]);
    }
  }
  const norms = Float64Array.from({ length: n }, (_, i) => Math.hypot(X[2 * i], X[2 * i + 1]));
  const range = Math.max(...norms);
  const step = Math.sqrt(8 * Math.log(n) / T) / Math.max(range, 1e-12);
  const logW = new Float64Array(n);
  const lambda = new Float64Array(n);
  const counts = new Float64Array(2 * M);
  const halfCell = Math.PI / M;
  let upper = Infinity;
  const average = new Float64Array(n);
  for (let t = 0; t < T; t++) {
    const top = Math.max(...logW);
    let z = 0;
    for (let i = 0; i < n; i++) z += lambda[i] = Math.exp(logW[i] - top);
    let lip = 0;
    for (let i = 0; i < n; i++) {
      lambda[i] /= z;
      lip += lambda[i] * norms[i];
      average[i] += lambda[i] / T;
    }
    let best = -Infinity, arg = 0;
    for (let k = 0; k < M; k++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += A[k * n + i] * lambda[i];
      if (v > best) [best, arg] = [v, k];
      if (-v > best) [best, arg] = [-v, k + M];
    }
    upper = Math.min(upper, best + lip * halfCell);
    counts[arg]++;
    const sign = arg < M ? 1 : -1, k = arg % M;
    for (let i = 0; i < n; i++) logW[i] -= step * sign * A[k * n + i];
  }
  // The averaged λ against a 64 times finer grid: usually a much tighter upper bound.
  const fine = 64 * M;
  let lip = 0, best = -Infinity;
  for (let i = 0; i < n; i++) lip += average[i] * norms[i];
  for (let k = 0; k < fine; k++) {
    const t = 2 * Math.PI * k / fine, u0 = Math.cos(t), u1 = Math.sin(t);
    let v = 0;
    for (let i = 0; i < n; i++) {
      v += average[i] * (labels[i] === 1 ? 1 : -1) * phi(u0 * X[2 * i] + u1 * X[2 * i + 1]);
    }
    best = Math.max(best, v, -v);
  }
  upper = Math.min(upper, best + lip * Math.PI / fine);
  let lower = Infinity;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let c = 0; c < 2 * M; c++) {
      if (counts[c] > 0) v += (c < M ? 1 : -1) * A[(c % M) * n + i] * counts[c] / T;
    }
    lower = Math.min(lower, v);
  }
  const neurons = [];
  for (let c = 0; c < 2 * M; c++) {
    if (counts[c] > 0) {
      neurons.push({
        angle: 2 * Math.PI * (c % M) / M,
        sign: c < M ? 1 : -1,
        share: counts[c] / T,
      });
    }
  }
  return { lower: lower / 2, upper: upper / 2, neurons };
}
