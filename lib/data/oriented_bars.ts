import type { tf } from "../backend/mod.ts";
import { permutation, Rng, type Seed } from "../random/mod.ts";
import { checkCount, checkSeed, checkTargets, makeDataset } from "./_make_dataset.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode orientedBars}. */
export interface OrientedBarsOptions {
  /**
   * Training images, split evenly over the classes (the first `samples mod k` get one more).
   * @default {256}
   */
  samples?: number;
  /**
   * Test images, drawn the same way from the same seed's stream; 0 for none.
   * @default {0}
   */
  testSamples?: number;
  /**
   * The image side s: images are s×s.
   * @default {8}
   */
  size?: number;
  /**
   * Classes k: class c is a bar at angle c·π/k.
   * @default {4}
   */
  classes?: number;
  /**
   * The standard deviation of the Gaussian noise added to every pixel.
   * @default {0.2}
   */
  noise?: number;
  /**
   * Channels: each is the bar times its own gain in [0.5, 1.5], plus its own noise.
   * @default {1}
   */
  channels?: number;
  /**
   * Target encoding: `"one-hot"`, `"integer"`, or `"signed"` (two classes only).
   * @default {"one-hot"}
   */
  targets?: "one-hot" | "integer" | "signed";
  /**
   * The seed; the same seed gives the same images.
   * @default {0}
   */
  seed?: Seed;
}

/**
 * A seeded synthetic image task for convolutional networks: each image [s, s, c] shows a bright
 * bar, exp(−d²/(2w²)) at distance d from a line through a point near the centre, whose
 * orientation c·π/k is the class; the bar's offset (up to s/4 pixels each way), width
 * (w ∈ [0.6, 1.2] pixels) and per-channel gain are random, and Gaussian noise is added. Telling
 * orientations apart needs local, translation-invariant features: a small CNN learns it in a few
 * seconds on a CPU, which makes it CI's convolutional problem.
 *
 * @example 64 images of 4 orientations, 8×8
 * ```ts
 * import { orientedBars } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = orientedBars({ samples: 64 });
 * assert.deepEqual(data.x.shape, [64, 8, 8, 1]);
 * assert.deepEqual(data.inputShape, [8, 8, 1]);
 * assert.equal(data.labels!.filter((l) => l === 3).length, 16);
 * data.dispose();
 * ```
 *
 * @param options Sizes, classes, noise, channels, targets and seed.
 * @returns The dataset [n, s, s, c] (with `test` when `testSamples` > 0); dispose it when done.
 */
export function orientedBars(options: OrientedBarsOptions = {}): Dataset<tf.Tensor4D> {
  checkCall("orientedBars", arguments);
  const what = "make the oriented bars";
  const samples = options.samples ?? 256;
  const testSamples = options.testSamples ?? 0;
  const size = options.size ?? 8;
  const k = options.classes ?? 4;
  const noise = options.noise ?? 0.2;
  const channels = options.channels ?? 1;
  const targets = options.targets ?? "one-hot";
  const seed = options.seed ?? 0;
  checkCount(what, "samples", samples);
  checkCount(what, "testSamples", testSamples, 0);
  checkCount(what, "size", size, 3);
  checkCount(what, "classes", k, 2);
  checkCount(what, "channels", channels);
  if (!(Number.isFinite(noise) && noise >= 0)) {
    throw new RangeError(
      `Cannot ${what}: noise must be a non-negative number, current value is ${noise}`,
    );
  }
  checkSeed(what, seed);
  checkTargets(what, targets, ["one-hot", "integer", "signed"]);
  if (targets === "signed" && k !== 2) {
    throw new TypeError(
      `Cannot ${what}: signed targets need exactly two classes, current value is ${k}`,
    );
  }
  const rng = new Rng(seed);
  const draw = (count: number, r: Rng, part: string): Dataset<tf.Tensor4D> => {
    const labels = new Int32Array(count);
    for (let i = 0; i < count; i++) labels[i] = i % k;
    const order = permutation(r, count);
    const shuffled = Int32Array.from(order, (i) => labels[i]);
    const dim = size * size * channels;
    const x = new Float32Array(count * dim);
    const centre = (size - 1) / 2;
    for (let n = 0; n < count; n++) {
      const angle = (shuffled[n] * Math.PI) / k;
      const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
      const dx = (r.uniform() - 0.5) * (size / 2), dy = (r.uniform() - 0.5) * (size / 2);
      const width = 0.6 + 0.6 * r.uniform();
      const gains = Array.from({ length: channels }, () => 0.5 + r.uniform());
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          const u = j - centre - dx, v = i - centre - dy;
          const d = -sin * u + cos * v;
          const bar = Math.exp(-(d * d) / (2 * width * width));
          for (let c = 0; c < channels; c++) {
            x[n * dim + (i * size + j) * channels + c] = gains[c] * bar + noise * r.normal();
          }
        }
      }
    }
    return makeDataset<tf.Tensor4D>({
      name: `oriented bars ${part}${count} (${size}×${size}, ${k} classes)`,
      x,
      n: count,
      inputDim: dim,
      inputShape: [size, size, channels],
      targets,
      labels: shuffled,
      numClasses: k,
      info: {
        source: "oriented-bars",
        part: part === "" ? "train" : "test",
        seed,
        samples: count,
        size,
        classes: k,
        noise,
        channels,
      },
    });
  };
  const train = draw(samples, rng.fork(), "");
  if (testSamples === 0) return train;
  const test = draw(testSamples, rng.fork(), "test ");
  return Object.freeze({
    ...train,
    test,
    dispose() {
      train.dispose();
      test.dispose();
    },
  });
}
