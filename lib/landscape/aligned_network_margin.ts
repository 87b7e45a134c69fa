import type { Dataset } from "../data/mod.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode alignedNetworkMargin}. */
export interface AlignedNetworkMarginOptions {
  /**
   * The negative slope α of φ(z) = max(z, αz).
   * @default {0.1}
   */
  alpha?: number;
}

/** The best margin of networks whose neurons all point along ±w. */
export interface AlignedNetworkMarginResult {
  /**
   * max over P, N ≥ 0 of minᵢ yᵢ(P φ(w·xᵢ) − N φ(−w·xᵢ)) / (2(P + N)): the largest normalized
   * margin minᵢ yᵢ f(xᵢ)/‖θ‖² of a two-layer leaky ReLU net with every neuron on ±w.
   */
  margin: number;
  /** The share P/(P + N) of the neurons on +w that attains it. */
  positiveShare: number;
  /** minᵢ yᵢ w·xᵢ for the unit w: the margin of the linear classifier sign(w·x). */
  linearMargin: number;
}

/**
 * The largest normalized margin of a two-layer leaky ReLU network f(x) = Σₖ aₖ φ(wₖ·x) whose neurons
 * all lie on the line of a direction w, as on the "simple" solutions gradient descent from small
 * initialization reaches. With P = Σ_{wₖ ∥ +w} |aₖ|‖wₖ‖ and N likewise for −w, such a net computes
 * f(x) = P φ(w·x) − N φ(−w·x) (a linear decision boundary, sign f = sign w·x), and
 * ‖θ‖² = Σₖ (aₖ² + ‖wₖ‖²) ≥ 2(P + N) with equality for balanced neurons, so its best normalized
 * margin is max_{P,N} minᵢ yᵢ f(xᵢ)/(2(P + N)) [derived]: a maximum of a minimum of functions linear
 * in p = P/(P + N), found exactly by bisection on the concave function's slope.
 *
 * For symmetric data (x in the set ⇒ −x with the opposite label) the best share is ½ and the margin
 * is (1 + α)/4 · minᵢ yᵢ w·xᵢ, so at the max-margin direction w* it is (1 + α)·γ* / 4: the linear max
 * margin in the network's normalization.
 *
 * @see Lyu, Li, Wang, Arora, "Gradient descent on two-layer nets: margin maximization and
 * simplicity bias", NeurIPS 2021, arXiv 2110.13905.
 *
 * @example Symmetric data: (1 + α)/4 times the linear margin
 * ```ts
 * import { alignedNetworkMargin, createDataset } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[2, 1], [-2, -1]], [1, 0], { targets: "signed" });
 * const r = await alignedNetworkMargin(data, [1, 0], { alpha: 0.2 });
 * assert.ok(Math.abs(r.linearMargin - 2) < 1e-12);
 * assert.ok(Math.abs(r.margin - 1.2 / 4 * 2) < 1e-9 && Math.abs(r.positiveShare - 0.5) < 1e-6);
 * data.dispose();
 * ```
 *
 * @param data A data set with signed (±1) targets.
 * @param direction The direction w (normalized inside).
 * @param options The negative slope α.
 * @returns The margin, the share of positive neurons and the linear margin.
 */
export async function alignedNetworkMargin(
  data: Dataset,
  direction: ArrayLike<number>,
  options: AlignedNetworkMarginOptions = {},
): Promise<AlignedNetworkMarginResult> {
  checkCall("alignedNetworkMargin", arguments);
  const what = "Cannot compute the aligned network margin";
  if (!data || typeof data !== "object" || !data.x || data.targets !== "signed") {
    throw new TypeError(
      `${what}: data must be a Dataset with signed (±1) targets, current targets are ${
        JSON.stringify(data?.targets)
      }`,
    );
  }
  const d = data.inputDim;
  const w = Float64Array.from(direction ?? []);
  const norm = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
  if (w.length !== d || !(norm > 0) || !Number.isFinite(norm)) {
    throw new RangeError(
      `${what}: direction must be a non-zero finite vector of length ${d}, current length is ${w.length}`,
    );
  }
  const alpha = options.alpha ?? 0.1;
  if (!(alpha >= 0 && alpha < 1)) {
    throw new RangeError(`${what}: alpha must be in [0, 1), current value is ${alpha}`);
  }
  const X = await data.x.data();
  const labels = data.labels!;
  const phi = (z: number) => (z > 0 ? z : alpha * z);
  // Each sample's margin is linear in p: yᵢ(p φ(zᵢ) − (1 − p) φ(−zᵢ)) = cᵢ + p·sᵢ.
  const c: number[] = [], s: number[] = [];
  let linearMargin = Infinity;
  for (let i = 0; i < data.n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += w[j] * X[i * d + j];
    z /= norm;
    const y = labels[i] === 1 ? 1 : -1;
    linearMargin = Math.min(linearMargin, y * z);
    c.push(-y * phi(-z));
    s.push(y * (phi(z) + phi(-z)));
  }
  const value = (p: number) => {
    let m = Infinity;
    for (let i = 0; i < c.length; i++) m = Math.min(m, c[i] + p * s[i]);
    return m;
  };
  /** The one-sided slopes of the concave minimum at p: min (right) and max (left) over active lines. */
  const slopes = (p: number) => {
    const m = value(p);
    let right = Infinity, left = -Infinity;
    for (let i = 0; i < c.length; i++) {
      if (c[i] + p * s[i] <= m + 1e-15 * (1 + Math.abs(m))) {
        right = Math.min(right, s[i]);
        left = Math.max(left, s[i]);
      }
    }
    return { right, left };
  };
  // The maximum of the concave minimum: where its right slope turns non-positive.
  let lo = 0, hi = 1;
  if (slopes(0).right <= 0) hi = 0;
  else if (slopes(1).left >= 0) lo = 1;
  else {
    for (let it = 0; it < 200 && hi - lo > 1e-15; it++) {
      const mid = (lo + hi) / 2;
      if (slopes(mid).right > 0) lo = mid;
      else hi = mid;
    }
  }
  const candidates = [0, 1, lo, hi];
  let best = candidates[0];
  for (const p of candidates) if (value(p) > value(best)) best = p;
  return { margin: value(best) / 2, positiveShare: best, linearMargin };
}
