import { Rng, type Seed } from "../random/mod.ts";
import { checkCount, checkSeed, checkTargets, makeDataset } from "./_make_dataset.ts";
import type { tf } from "../backend/mod.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode separable2d}. */
export interface Separable2dOptions {
  /**
   * Samples n, half of each class (the positive class gets the odd one).
   * @default {100}
   */
  samples?: number;
  /**
   * The margin γ: every point has |u·x| ≥ γ for the unit normal u.
   * @default {0.2}
   */
  margin?: number;
  /**
   * The angle of the separating direction u = (cos φ, sin φ), in radians.
   * @default {0.5}
   */
  angle?: number;
  /**
   * Target encoding; labels are sign(u·x) (class 1 for +).
   * @default {"signed"}
   */
  targets?: "signed" | "integer" | "one-hot";
  /**
   * The seed.
   * @default {0}
   */
  seed?: Seed;
}

/**
 * Linearly separable 2-D data through the origin with a margin: points uniform in [−1, 1]²
 * with |u·x| ≥ γ, labelled sign(u·x); the max-margin direction of the sample is close to u.
 * For margin studies of homogeneous networks (Lyu and Li 2020).
 *
 * @see Lyu, Li, "Gradient descent maximizes the margin of homogeneous neural networks", arXiv:1906.05890.
 *
 * @example
 * ```ts
 * import { separable2d } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = separable2d({ samples: 20, margin: 0.3 });
 * const x = await data.x.array(), y = await data.y.array() as number[][];
 * const u = [Math.cos(0.5), Math.sin(0.5)];
 * assert.ok(x.every((p, i) => y[i][0] * (u[0] * p[0] + u[1] * p[1]) >= 0.3 - 1e-6));
 * data.dispose();
 * ```
 *
 * @param options Size, margin, direction, encoding, seed.
 * @returns The dataset.
 */
export function separable2d(options: Separable2dOptions = {}): Dataset<tf.Tensor2D> {
  checkCall("separable2d", arguments);
  const what = "make the separable data";
  const n = options.samples ?? 100;
  const margin = options.margin ?? 0.2;
  const angle = options.angle ?? 0.5;
  const targets = options.targets ?? "signed";
  const seed = options.seed ?? 0;
  checkCount(what, "samples", n, 2);
  checkTargets(what, targets, ["signed", "integer", "one-hot"]);
  checkSeed(what, seed);
  if (!Number.isFinite(angle)) {
    throw new RangeError(
      `Cannot ${what}: angle must be a finite number, current value is ${angle}`,
    );
  }
  const u0 = Math.cos(angle), u1 = Math.sin(angle);
  // The largest |u·x| over the square is |u0| + |u1|; keep the margin well inside it.
  const reach = Math.abs(u0) + Math.abs(u1);
  if (!(Number.isFinite(margin) && margin >= 0 && margin < 0.9 * reach)) {
    throw new RangeError(
      `Cannot ${what}: margin must be in [0, ${
        (0.9 * reach).toFixed(3)
      }) for this angle, current value is ${margin}`,
    );
  }
  const rng = new Rng(seed);
  const want = [Math.floor(n / 2), n - Math.floor(n / 2)];
  const got = [0, 0];
  const x = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  let i = 0;
  while (i < n) {
    const a = 2 * rng.uniform() - 1, b = 2 * rng.uniform() - 1;
    const s = u0 * a + u1 * b;
    if (Math.abs(s) < margin) continue;
    const c = s > 0 ? 1 : 0;
    if (got[c] >= want[c]) continue;
    got[c]++;
    x[2 * i] = a;
    x[2 * i + 1] = b;
    labels[i++] = c;
  }
  return makeDataset({
    name: `separable 2-D ${n}`,
    x,
    n,
    inputDim: 2,
    targets,
    labels,
    numClasses: 2,
    info: { source: "separable-2d", seed, samples: n, margin, angle },
  });
}
