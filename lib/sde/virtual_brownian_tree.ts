import { Rng, type Seed } from "../random/mod.ts";
import type { NoisePath } from "./noise_path.ts";
import { fillBridgeAt, fillMidpoint } from "./_gaussian_bridge.ts";
import { fillScaledNormals } from "./_normals.ts";
import {
  checkFinite,
  checkIncrement,
  checkPositiveInteger,
  nodeSeed,
  pathSeed,
} from "./_path_util.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode virtualBrownianTree}. */
export interface VirtualBrownianTreeOptions {
  /**
   * Independent copies (SDE particles).
   * @default {1}
   */
  particles?: number;
  /**
   * Noise components per copy.
   * @default {1}
   */
  dim?: number;
  /**
   * The start of the interval the path lives on; W(t0) = 0.
   * @default {0}
   */
  t0?: number;
  /**
   * The end of the interval.
   * @default {1}
   */
  t1?: number;
  /**
   * The seed.
   * @default {0}
   */
  seed?: Seed;
  /**
   * Also give ΔZ = ∫(W_r − W_s) dr, consistently (needed by order-1.5 solvers).
   * @default {false}
   */
  levyArea?: boolean;
  /**
   * The depth of the tree: times on the dyadic grid t0 + k(t1 − t0)/2^maxDepth are exact nodes;
   * a time between two of them is drawn from the exact bridge of its leaf, with the leaf's own
   * normals, so two query times inside one leaf are more correlated than Brownian motion is.
   * @default {20}
   */
  maxDepth?: number;
}

/** A consistent Brownian path that can also be evaluated at single times. */
export interface VirtualBrownianTree extends NoisePath {
  /**
   * Writes W(t) (and Y(t) = ∫_{t0}^t W_r dr) for every copy.
   *
   * @param t A time in [t0, t1].
   * @param w Output: particles × dim values of W(t).
   * @param y Output: particles × dim values of Y(t) (trees with `levyArea` only).
   */
  evaluate(t: number, w: Float64Array, y?: Float64Array): void;
}

/**
 * A seeded Brownian path on [t0, t1] that gives the same path whatever intervals it is queried
 * on, in any order: a virtual Brownian tree (Gaines–Lyons; Li et al.; diffrax's
 * `VirtualBrownianTree`). The value at the midpoint of each dyadic interval is drawn from the
 * Brownian bridge given the interval's endpoints, with normals seeded by the node's (depth,
 * index), so solving on steps h, h/2, h/4 ... sees one and the same path, as strong convergence
 * tests need. With `levyArea` the pair (W, ∫W) is bridged jointly (midpoint law in terms of the
 * space-time Lévy area H: W_mid − W_a = ΔW/2 + (3/2)H + (√h/4)ζ₁), so ΔZ is consistent too.
 *
 * Cost: the nodes on the path from the root to a query are cached, so a solve on a dyadic grid
 * of N steps draws about 2N node values in all; non-dyadic times descend to `maxDepth`.
 *
 * @see Li, Wong, Chen, Duvenaud, "Scalable gradients for stochastic differential equations",
 * AISTATS 2020, arXiv 2001.01328 (the virtual Brownian tree); Foster, "Numerical approximations
 * for stochastic differential equations", thesis, Oxford 2020 (space-time Lévy area).
 *
 * @example One path, two resolutions
 * ```ts
 * import { virtualBrownianTree } from "minima";
 * import assert from "node:assert/strict";
 *
 * const tree = virtualBrownianTree({ particles: 3, seed: 2 });
 * const whole = new Float64Array(3), a = new Float64Array(3), b = new Float64Array(3);
 * tree.increment(0, 1, whole);
 * tree.increment(0, 0.25, a);
 * tree.increment(0.25, 1, b);
 * for (let i = 0; i < 3; i++) assert.ok(Math.abs(a[i] + b[i] - whole[i]) < 1e-12);
 * ```
 *
 * @param options Shape, interval, seed, Lévy area and depth.
 * @returns The path.
 */
export function virtualBrownianTree(options: VirtualBrownianTreeOptions = {}): VirtualBrownianTree {
  checkCall("virtualBrownianTree", arguments);
  const what = "a virtual Brownian tree";
  const particles = options.particles ?? 1, dim = options.dim ?? 1;
  checkPositiveInteger(`create ${what}`, "particles", particles);
  checkPositiveInteger(`create ${what}`, "dim", dim);
  const t0 = options.t0 ?? 0, t1 = options.t1 ?? 1;
  checkFinite(`create ${what}`, "t0", t0);
  checkFinite(`create ${what}`, "t1", t1);
  if (!(t1 > t0)) {
    throw new RangeError(
      `Cannot create ${what}: t1 must be greater than t0 = ${t0}, current value is ${t1}`,
    );
  }
  const maxDepth = options.maxDepth ?? 20;
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > 50) {
    throw new RangeError(
      `Cannot create ${what}: maxDepth must be an integer in [0, 50], current value is ${maxDepth}`,
    );
  }
  const seed = pathSeed(what, options.seed ?? 0);
  const levyArea = options.levyArea ?? false;
  const size = particles * dim;
  const span = t1 - t0;
  const snap = span * 2 ** -(maxDepth + 12);

  const zero = new Float64Array(size);
  const z1 = new Float64Array(size);
  const z2 = levyArea ? new Float64Array(size) : undefined;
  const rootW = new Float64Array(size);
  const rootY = levyArea ? new Float64Array(size) : undefined;
  {
    const rng = new Rng(nodeSeed(seed, 0, 0, 2));
    fillScaledNormals(rng, rootW, Math.sqrt(span));
    if (rootY !== undefined) {
      fillScaledNormals(rng, rootY, span * Math.sqrt(span / 12));
      for (let i = 0; i < size; i++) rootY[i] += 0.5 * span * rootW[i];
    }
  }
  // The midpoint values of the node at each depth on the current root-to-leaf path.
  const leafY = levyArea ? new Float64Array(size) : undefined;
  const midIndex: number[] = new Array(maxDepth).fill(-1);
  const midW: Float64Array[] = [];
  const midY: (Float64Array | undefined)[] = [];

  function drawNormals(depth: number, index: number, tag: number): void {
    const rng = new Rng(nodeSeed(seed, depth + 1, index, tag));
    fillScaledNormals(rng, z1, 1);
    if (z2 !== undefined) fillScaledNormals(rng, z2, 1);
  }

  function evaluate(t: number, w: Float64Array, y?: Float64Array): void {
    if (!(t >= t0 - snap && t <= t1 + snap)) {
      throw new RangeError(
        `Cannot evaluate ${what}: t must be in [t0, t1] = [${t0}, ${t1}], current value is ${t}`,
      );
    }
    if (y !== undefined && !levyArea) {
      throw new TypeError(
        `Cannot evaluate ${what}: Y(t) was requested from a tree created without levyArea; create it with levyArea: true`,
      );
    }
    let a = t0, b = t1, index = 0;
    let wa: Float64Array = zero, wb: Float64Array = rootW;
    let ya: Float64Array | undefined = levyArea ? zero : undefined;
    let yb: Float64Array | undefined = rootY;
    for (let depth = 0;; depth++) {
      if (Math.abs(t - a) <= snap) {
        w.set(wa);
        if (y !== undefined && ya !== undefined) y.set(ya);
        return;
      }
      if (Math.abs(t - b) <= snap) {
        w.set(wb);
        if (y !== undefined && yb !== undefined) y.set(yb);
        return;
      }
      if (depth === maxDepth) {
        // Inside a leaf: the exact bridge law at t, from the leaf's own normals.
        drawNormals(depth, index, 1);
        fillBridgeAt(t - a, b - a, wa, wb, ya, yb, z1, z2, w, y ?? leafY);
        return;
      }
      if (midIndex[depth] !== index) {
        if (midW[depth] === undefined) {
          midW[depth] = new Float64Array(size);
          midY[depth] = levyArea ? new Float64Array(size) : undefined;
        }
        drawNormals(depth, index, 0);
        fillMidpoint(b - a, wa, wb, ya, yb, z1, z2, midW[depth], midY[depth]);
        midIndex[depth] = index;
        // Deeper cached nodes belong to other parents now only if their index differs, and
        // indices are global per depth, so the cache needs no invalidation.
      }
      const m = t0 + (2 * index + 1) * (span / 2 ** (depth + 1));
      if (t < m) {
        b = m, wb = midW[depth], yb = midY[depth], index = 2 * index;
      } else {
        a = m, wa = midW[depth], ya = midY[depth], index = 2 * index + 1;
      }
    }
  }

  const ws = new Float64Array(size), wu = new Float64Array(size);
  const ys = levyArea ? new Float64Array(size) : undefined;
  const yu = levyArea ? new Float64Array(size) : undefined;
  return {
    kind: "brownian",
    particles,
    dim,
    levyArea,
    consistent: true,
    t0,
    t1,
    evaluate(t: number, w: Float64Array, y?: Float64Array): void {
      if (!(w instanceof Float64Array) || w.length !== size) {
        throw new TypeError(
          `Cannot evaluate ${what}: w must be a Float64Array of length particles × dim = ${size}, current length is ${
            (w as { length?: number })?.length
          }`,
        );
      }
      if (y !== undefined && (!(y instanceof Float64Array) || y.length !== size)) {
        throw new TypeError(
          `Cannot evaluate ${what}: y must be a Float64Array of length particles × dim = ${size}, current length is ${
            (y as { length?: number })?.length
          }`,
        );
      }
      evaluate(t, w, y);
    },
    increment(s: number, u: number, dW: Float64Array, dZ?: Float64Array): void {
      checkIncrement("a Brownian increment", size, s, u, dW, dZ);
      if (dZ !== undefined && !levyArea) {
        throw new TypeError(
          "Cannot draw a Brownian increment: dZ was requested from a tree created without levyArea; create it with levyArea: true",
        );
      }
      const wantY = dZ !== undefined;
      evaluate(s, ws, wantY ? ys : undefined);
      evaluate(u, wu, wantY ? yu : undefined);
      for (let i = 0; i < size; i++) dW[i] = wu[i] - ws[i];
      if (wantY && ys !== undefined && yu !== undefined) {
        const h = u - s;
        for (let i = 0; i < size; i++) dZ[i] = yu[i] - ys[i] - h * ws[i];
      }
    },
  };
}
