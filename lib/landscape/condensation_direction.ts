import type { Dataset } from "../data/mod.ts";
import { Rng, type Seed } from "../random/mod.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode condensationDirection}. */
export interface CondensationDirectionOptions {
  /**
   * The negative slope α of the activation φ(z) = max(z, αz): 0 for ReLU.
   * @default {0}
   */
  alpha?: number;
  /**
   * Random starting directions, besides ±xᵢ/‖xᵢ‖ and ±Σᵢ yᵢxᵢ.
   * @default {32}
   */
  starts?: number;
  /**
   * Seed of the random starts.
   * @default {0}
   */
  seed?: Seed;
  /**
   * The residuals rᵢ the neurons see, D(u) = (1/n) Σᵢ rᵢ φ(u·xᵢ): by default the targets yᵢ (the
   * residuals yᵢ − f(xᵢ) at f ≈ 0, small initialization). After some samples are fitted, pass
   * their residuals as 0 for the rates of the next phase.
   */
  residuals?: ArrayLike<number>;
  /**
   * Ascent steps per start.
   * @default {500}
   */
  maxIterations?: number;
}

/** The condensation directions and their growth rates. */
export interface CondensationDirectionResult {
  /** The unit u maximizing D(u) = (1/n) Σᵢ yᵢ φ(u·xᵢ): where neurons with a > 0 condense. */
  direction: Float64Array;
  /** D* = max D(u): their growth rate under gradient flow. */
  rate: number;
  /** The unit u minimizing D(u): where neurons with a < 0 condense. */
  negativeDirection: Float64Array;
  /** −min D(u) ≥ 0: their growth rate. */
  negativeRate: number;
}

/**
 * Where the neurons of a two-layer network f(x) = Σₖ aₖ φ(wₖ·x) condense when training starts from
 * a small initialization, and how fast they then grow. With f ≈ 0 the square loss
 * L = (1/2n) Σᵢ (f(xᵢ) − yᵢ)² has −∂L/∂aₖ = ‖wₖ‖·D(uₖ) and −∂L/∂wₖ = aₖ·∇D(uₖ), with
 * uₖ = wₖ/‖wₖ‖ and D(u) = (1/n) Σᵢ yᵢ φ(u·xᵢ). So directions of neurons with aₖ > 0 ascend D
 * (those with aₖ < 0 descend it) while their norms barely move, and once a neuron sits at a
 * maximizer u* the pair (aₖ, ‖wₖ‖) grows like e^{D* t} under gradient flow, (1 + ηD*)^t under GD
 * with step η. From an initialization of scale ε the output reaches the targets' scale when
 * aₖ‖wₖ‖ ~ 1, after about log(1/ε)/log(1 + ηD*) steps: the plateau grows linearly in log(1/ε)
 * with that slope [derived]. The logistic loss at f = 0 only halves D.
 *
 * D is positively 1-homogeneous, so D(u) = c(u)·u with c(u) = (1/n) Σᵢ yᵢ φ'(u·xᵢ) xᵢ; the maximum
 * over the unit sphere is found by projected gradient ascent from many starts, polished by the
 * fixed-point iteration u ← c(u)/‖c(u)‖ (at an interior maximizer D* = ‖c(u*)‖).
 *
 * @see Wang, Ma, "Understanding multi-phase optimization dynamics and rich nonlinear behaviors of
 * ReLU networks", NeurIPS 2023, arXiv 2305.12467.
 *
 * @example Two positive points at a right angle: u* bisects them, D* = ‖(x₁ + x₂)/2‖ = √2/2
 * ```ts
 * import { condensationDirection, createDataset } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1, 0], [0, 1]], [[1], [1]]);
 * const r = await condensationDirection(data);
 * assert.ok(Math.abs(r.rate - Math.SQRT1_2) < 1e-9);
 * assert.ok(Math.abs(r.direction[0] - Math.SQRT1_2) < 1e-6);
 * data.dispose();
 * ```
 *
 * @param data A data set with one target per sample (real or signed).
 * @param options The activation's negative slope, the starts, the seed and the step budget.
 * @returns The maximizing and minimizing directions and their rates.
 */
export async function condensationDirection(
  data: Dataset,
  options: CondensationDirectionOptions = {},
): Promise<CondensationDirectionResult> {
  checkCall("condensationDirection", arguments);
  const what = "Cannot find the condensation direction";
  if (!data || typeof data !== "object" || !data.x || typeof data.n !== "number") {
    throw new TypeError(`${what}: data must be a Dataset, current value is ${data}`);
  }
  if (data.x.isDisposed || data.y?.isDisposed) {
    throw new TypeError(
      `${what}: data is disposed (its dispose() was called, which frees its tensors); load or create the dataset again, or dispose it only after its last use`,
    );
  }
  if (data.outputDim !== 1 || (data.targets !== "real" && data.targets !== "signed")) {
    throw new TypeError(
      `${what}: the data must have one real or signed target per sample, current targets are ${
        JSON.stringify(data.targets)
      } with ${data.outputDim} outputs`,
    );
  }
  const alpha = options.alpha ?? 0;
  if (!(alpha >= 0 && alpha < 1)) {
    throw new RangeError(`${what}: alpha must be in [0, 1), current value is ${alpha}`);
  }
  const starts = options.starts ?? 32;
  const maxIterations = options.maxIterations ?? 500;
  for (const [name, v] of [["starts", starts], ["maxIterations", maxIterations]] as const) {
    if (!Number.isInteger(v) || v < 0 || (name === "maxIterations" && v < 1)) {
      throw new RangeError(
        `${what}: ${name} must be a ${
          name === "starts" ? "non-negative" : "positive"
        } integer, current value is ${v}`,
      );
    }
  }
  const n = data.n, d = data.inputDim;
  const X = await data.x.data() as Float32Array;
  const Y = await data.y.data() as Float32Array;
  const xs = Array.from({ length: n }, (_, i) => Float64Array.from(X.subarray(i * d, (i + 1) * d)));
  const ys = Float64Array.from(options.residuals ?? Y);
  if (ys.length !== n || !ys.every(Number.isFinite)) {
    throw new RangeError(
      `${what}: residuals must hold ${n} finite numbers (one per sample), current length is ${ys.length}`,
    );
  }
  const phi = (z: number) => (z > 0 ? z : alpha * z);
  const value = (u: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += ys[i] * phi(dot(u, xs[i]));
    return s / n;
  };
  const slope = (u: Float64Array) => {
    const c = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const w = ys[i] * (dot(u, xs[i]) > 0 ? 1 : alpha) / n;
      for (let j = 0; j < d; j++) c[j] += w * xs[i][j];
    }
    return c;
  };
  const candidates: Float64Array[] = [];
  for (const x of xs) candidates.push(Float64Array.from(x), Float64Array.from(x, (v) => -v));
  const sum = new Float64Array(d);
  xs.forEach((x, i) => x.forEach((v, j) => (sum[j] += ys[i] * v)));
  candidates.push(sum, Float64Array.from(sum, (v) => -v));
  const rng = new Rng(options.seed ?? 0);
  for (let s = 0; s < starts; s++) {
    candidates.push(Float64Array.from({ length: d }, () => rng.normal()));
  }
  /** Ascends sign·D from u on the unit sphere. */
  const climb = (start: Float64Array, sign: number) => {
    const first = normalize(start);
    if (!first) return null;
    let u: Float64Array = first;
    let best = sign * value(u);
    let step = 1;
    for (let it = 0; it < maxIterations && step > 1e-12; it++) {
      const c = slope(u);
      // The fixed point u = c/‖c‖ (sign·c for a minimum) first, then a projected gradient step.
      const fixed = normalize(Float64Array.from(c, (v) => sign * v));
      if (fixed) {
        const f = sign * value(fixed);
        if (f > best + 1e-15) {
          [u, best] = [fixed, f];
          continue;
        }
      }
      const cu = dot(c, u);
      const g = Float64Array.from(c, (v, j) => sign * (v - cu * u[j]));
      let moved = false;
      while (step > 1e-12) {
        const trial = normalize(Float64Array.from(u, (v, j) => v + step * g[j]));
        const f = trial ? sign * value(trial) : -Infinity;
        if (f > best + 1e-15) {
          [u, best, moved] = [trial!, f, true];
          step *= 2;
          break;
        }
        step /= 2;
      }
      if (!moved) break;
    }
    return { u, value: sign * best };
  };
  let top: { u: Float64Array; value: number } = { u: new Float64Array(d), value: -Infinity };
  let bottom: { u: Float64Array; value: number } = { u: new Float64Array(d), value: Infinity };
  for (const c of candidates) {
    const up = climb(c, 1), down = climb(c, -1);
    if (up && up.value > top.value) top = up;
    if (down && down.value < bottom.value) bottom = down;
  }
  return {
    direction: top.u,
    rate: top.value,
    negativeDirection: bottom.u,
    negativeRate: -bottom.value,
  };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function normalize(v: Float64Array): Float64Array | null {
  const norm = Math.sqrt(dot(v, v));
  if (!(norm > 0) || !Number.isFinite(norm)) return null;
  return v.map((x) => x / norm);
}
