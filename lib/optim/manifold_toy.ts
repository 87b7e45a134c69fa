import { checkCall } from "../_checks.ts";
/** Options for {@linkcode manifoldToy}. */
export interface ManifoldToyOptions {
  /**
   * The coefficients c₀, c₁, c₂, … of the curvature h(y) = c₀ + c₁y + c₂y² + ⋯ along the manifold
   * (h must stay positive where the runs go).
   * @default {[1, 0, 1], h(y) = 1 + y²}
   */
  curvature?: readonly number[];
  /**
   * The angle φ (radians) by which the coordinates are rotated: the parameters are
   * θ = R(φ)(x, y), so the manifold x = 0 is the line along (−sin φ, cos φ). Rotation-invariant
   * optimizers (SGD, momentum) do not notice it; coordinate-wise ones (Adam) do.
   * @default {0}
   */
  rotation?: number;
  /**
   * The curvature scales a₁, …, aₙ of n samples, for minibatches: the loss is
   * L = (1/n)Σᵢ ½aᵢh(y)x², sample i with label ξᵢ fitted by √aᵢ·√h(y)·x. They are divided by
   * their mean, so L = ½h(y)x² whatever they are; only their spread matters (a batch's mean
   * scale varies from batch to batch). All positive.
   * @default {[1], one sample}
   */
  sampleScales?: readonly number[];
}

/** The toy L(x, y) = ½h(y)x², with its coordinates. */
export interface ManifoldToy {
  /** The polynomial coefficients of h. */
  readonly curvature: readonly number[];
  /** The rotation angle φ. */
  readonly rotation: number;
  /** The samples' curvature scales aᵢ, divided by their mean (so they average 1). */
  readonly sampleScales: readonly number[];
  /**
   * The variance of a batch's mean scale, (1/B)Σ_{b∈batch} a_b, over batches of B distinct samples
   * drawn uniformly: s²(n − B)/(B(n − 1)) with s² = (1/n)Σ(aᵢ − 1)² (0 for B = n).
   */
  batchVariance(batchSize: number): number;
  /** h(y), the curvature across the manifold at y, which is tr ∇²L on the manifold. */
  h(y: number): number;
  /** h'(y). */
  dh(y: number): number;
  /** (x, y) of parameters θ = (θ₀, θ₁): x = cθ₀ + sθ₁, y = −sθ₀ + cθ₁ with c = cos φ, s = sin φ. */
  coordinates(theta0: number, theta1: number): { x: number; y: number };
  /** θ = R(φ)(x, y): θ₀ = cx − sy, θ₁ = sx + cy. */
  parameters(x: number, y: number): [number, number];
}

/**
 * The manifold-of-minima toy L(x, y) = ½h(y)x²: every point (0, y) is a global minimum, and the
 * Hessian there is diag(h(y), 0) in (x, y), so tr ∇²L = h(y) varies along the manifold x = 0.
 * Trained with label noise, ℓ = ½(√h(y)·x − ξ)² with fresh ξ each step, an optimizer rattles in
 * the sharp direction x and, through that, drifts slowly along y: SGD toward smaller h (Blanc
 * et al.; Damian et al.; Li, Wang, Arora), momentum faster, Adam in a way that depends on how the
 * manifold sits in the coordinates. See `simulateManifoldToy` and `manifoldEffectiveDynamics`.
 *
 * With several samples of different curvature scales aᵢ (`sampleScales`), a minibatch of B of them
 * sees the curvature āh(y) with ā the batch's mean scale, which varies from batch to batch with
 * variance `batchVariance(B)`, and label noise of variance σ²ā/B: the batch size enters the drift
 * through both.
 *
 * @see Li, Wang, Arora, "What happens after SGD reaches zero loss? A mathematical framework",
 * ICLR 2022, arXiv 2110.06914; Damian, Ma, Lee, NeurIPS 2021, arXiv 2106.06530.
 *
 * @example
 * ```ts
 * import { manifoldToy } from "minima";
 * import assert from "node:assert/strict";
 *
 * const toy = manifoldToy({ curvature: [1, 0, 1], rotation: Math.PI / 2 });
 * assert.equal(toy.h(2), 5);
 * assert.equal(toy.dh(2), 4);
 * const [t0, t1] = toy.parameters(0, 2);
 * assert.ok(Math.abs(t0 + 2) < 1e-12 && Math.abs(toy.coordinates(t0, t1).y - 2) < 1e-12);
 *
 * // Four samples with scales 0.5, 1, 1, 1.5: s² = 1/8, and batches of 2 have variance s²·2/(2·3).
 * const four = manifoldToy({ sampleScales: [1, 2, 2, 3] });
 * assert.deepEqual(four.sampleScales, [0.5, 1, 1, 1.5]);
 * assert.ok(Math.abs(four.batchVariance(2) - 1 / 24) < 1e-15 && four.batchVariance(4) === 0);
 * ```
 *
 * @param options The curvature polynomial, the rotation and the samples' scales.
 * @returns The toy.
 */
export function manifoldToy(options: ManifoldToyOptions = {}): ManifoldToy {
  checkCall("manifoldToy", arguments);
  const what = "build the manifold toy";
  const coefficients = options.curvature ?? [1, 0, 1];
  if (
    !Array.isArray(coefficients) || coefficients.length === 0 ||
    !coefficients.every(Number.isFinite)
  ) {
    throw new TypeError(
      `Cannot ${what}: curvature must be a non-empty array of finite polynomial coefficients, current value is ${
        JSON.stringify(coefficients)
      }`,
    );
  }
  const rotation = options.rotation ?? 0;
  if (!Number.isFinite(rotation)) {
    throw new RangeError(
      `Cannot ${what}: rotation must be a finite angle in radians, current value is ${rotation}`,
    );
  }
  const rawScales = options.sampleScales ?? [1];
  if (
    !Array.isArray(rawScales) || rawScales.length === 0 ||
    !rawScales.every((a) => typeof a === "number" && Number.isFinite(a) && a > 0)
  ) {
    throw new RangeError(
      `Cannot ${what}: sampleScales must be a non-empty array of positive finite numbers, current value is ${
        JSON.stringify(rawScales)
      }`,
    );
  }
  const meanScale = rawScales.reduce((t, a) => t + a, 0) / rawScales.length;
  const sampleScales = Object.freeze(rawScales.map((a) => a / meanScale));
  const n = sampleScales.length;
  const spread = sampleScales.reduce((t, a) => t + (a - 1) ** 2, 0) / n;
  const batchVariance = (batchSize: number) => {
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > n) {
      throw new RangeError(
        `Cannot compute the batch variance: batchSize must be an integer from 1 to the ${n} sample${
          n === 1 ? "" : "s"
        }, current value is ${batchSize}`,
      );
    }
    return n === 1 ? 0 : (spread * (n - batchSize)) / (batchSize * (n - 1));
  };
  const c = Math.cos(rotation), s = Math.sin(rotation);
  const curvature = Object.freeze([...coefficients]);
  const h = (y: number) => {
    let v = 0;
    for (let k = curvature.length - 1; k >= 0; k--) v = v * y + curvature[k];
    return v;
  };
  const dh = (y: number) => {
    let v = 0;
    for (let k = curvature.length - 1; k >= 1; k--) v = v * y + k * curvature[k];
    return v;
  };
  return Object.freeze({
    curvature,
    rotation,
    sampleScales,
    batchVariance,
    h,
    dh,
    coordinates: (t0: number, t1: number) => ({ x: c * t0 + s * t1, y: -s * t0 + c * t1 }),
    parameters: (x: number, y: number): [number, number] => [c * x - s * y, s * x + c * y],
  });
}
