import { permutation, Rng, type Seed } from "../random/mod.ts";
import { checkCount, checkSeed, checkTargets, makeDataset } from "./_make_dataset.ts";
import type { tf } from "../backend/mod.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode gaussianMixture}. */
export interface GaussianMixtureOptions {
  /**
   * Samples n, split evenly over the classes (the first n mod k get one more).
   * @default {256}
   */
  samples?: number;
  /**
   * Classes k.
   * @default {2}
   */
  numClasses?: number;
  /**
   * Dimension d (at least 2 unless k = 2).
   * @default {2}
   */
  dim?: number;
  /**
   * The distance between neighbouring class means.
   * @default {3}
   */
  separation?: number;
  /**
   * The standard deviation of each class (isotropic).
   * @default {1}
   */
  std?: number;
  /**
   * Target encoding (`"signed"` needs k = 2).
   * @default {"one-hot"}
   */
  targets?: "one-hot" | "integer" | "signed";
  /**
   * The seed.
   * @default {0}
   */
  seed?: Seed;
}

/**
 * A balanced mixture of k isotropic Gaussians N(μ_c, std²·I): the means lie on a circle in the
 * first two coordinates, neighbours `separation` apart, μ_c = r(cos 2πc/k, sin 2πc/k, 0, ...)
 * with r = separation / (2 sin(π/k)) (for k = 2, ±separation/2 on the first axis).
 * Samples are in random order.
 *
 * @example
 * ```ts
 * import { gaussianMixture } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = gaussianMixture({ samples: 30, numClasses: 3 });
 * assert.deepEqual(data.y.shape, [30, 3]);
 * assert.equal(data.labels!.filter((l) => l === 2).length, 10);
 * data.dispose();
 * ```
 *
 * @param options Sizes, geometry, encoding, seed.
 * @returns The dataset.
 */
export function gaussianMixture(options: GaussianMixtureOptions = {}): Dataset<tf.Tensor2D> {
  checkCall("gaussianMixture", arguments);
  const what = "make the Gaussian mixture";
  const n = options.samples ?? 256;
  const k = options.numClasses ?? 2;
  const d = options.dim ?? 2;
  const sep = options.separation ?? 3;
  const std = options.std ?? 1;
  const targets = options.targets ?? "one-hot";
  const seed = options.seed ?? 0;
  checkCount(what, "samples", n);
  checkCount(what, "numClasses", k, 2);
  checkCount(what, "dim", d, k === 2 ? 1 : 2);
  checkTargets(what, targets, ["one-hot", "integer", "signed"]);
  checkSeed(what, seed);
  if (targets === "signed" && k !== 2) {
    throw new TypeError(
      `Cannot ${what}: signed targets need numClasses 2, current value is ${k}`,
    );
  }
  for (const [name, v] of [["separation", sep], ["std", std]] as const) {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new RangeError(
        `Cannot ${what}: ${name} must be a non-negative number, current value is ${v}`,
      );
    }
  }
  const r = sep / (2 * Math.sin(Math.PI / k));
  const rng = new Rng(seed);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % k;
  const order = permutation(rng, n);
  const x = new Float32Array(n * d);
  const shuffled = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = labels[order[i]];
    shuffled[i] = c;
    const angle = (2 * Math.PI * c) / k;
    for (let j = 0; j < d; j++) {
      const mean = j === 0 ? r * Math.cos(angle) : j === 1 ? r * Math.sin(angle) : 0;
      x[i * d + j] = mean + std * rng.normal();
    }
  }
  return makeDataset({
    name: `gaussian mixture ${k}×${n}`,
    x,
    n,
    inputDim: d,
    targets,
    labels: shuffled,
    numClasses: k,
    info: { source: "gaussian-mixture", seed, samples: n, separation: sep, std },
  });
}
