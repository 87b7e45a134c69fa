import { ready } from "../backend/mod.ts";
import { permutation, Rng } from "../random/mod.ts";
import type { Seed } from "../random/mod.ts";
import { imagePool, type ImageSource, PACKAGES, PIXELS } from "./_image_pools.ts";
import { checkCount, checkSeed, checkTargets, makeDataset } from "./_make_dataset.ts";
import type { Dataset } from "./types.ts";

/** Options shared by {@linkcode fashionMnist} and {@linkcode mnist}. */
export interface ImageDatasetOptions {
  /**
   * Training samples, split as evenly as possible over the classes (the first
   * `samples mod k` classes get one more).
   * @default {1000}
   */
  samples?: number;
  /**
   * Test samples, balanced the same way, disjoint from the training ones; 0 for none.
   * @default {0}
   */
  testSamples?: number;
  /**
   * The seed of the subset and of its order; the same seed gives the same samples.
   * @default {0}
   */
  seed?: Seed;
  /**
   * Which classes to keep (relabelled 0..k−1 in this order), e.g. `[0, 1]` for a binary task.
   * @default {[0, 1, ..., 9]}
   */
  classes?: readonly number[];
  /**
   * Image side: 28 (784 features) or 14 (196 features, 2×2 averages).
   * @default {28}
   */
  size?: 28 | 14;
  /**
   * Target encoding: `"one-hot"` (for MSE and cross-entropy), `"integer"`, or `"signed"` (±1,
   * two classes only).
   * @default {"one-hot"}
   */
  targets?: "one-hot" | "integer" | "signed";
  /**
   * `"flat"`: x is [n, size²], rows of pixels (for MLPs); `"image"`: x is [n, size, size, 1] with
   * `inputShape` [size, size, 1] (for convolutional networks). The pixels are the same, in the
   * same row-major order.
   * @default {"flat"}
   */
  layout?: "flat" | "image";
}

const TOTAL_CLASSES = 10;

/** A class-balanced, seeded subset of one of the two image sources, pixels scaled to [0, 1]. */
export async function imageDataset(
  source: ImageSource,
  options: ImageDatasetOptions,
): Promise<Dataset> {
  const what = `load ${source}`;
  const samples = options.samples ?? 1000;
  const testSamples = options.testSamples ?? 0;
  const seed = options.seed ?? 0;
  const classes = options.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const size = options.size ?? 28;
  const targets = options.targets ?? "one-hot";
  const layout = options.layout ?? "flat";
  checkCount(what, "samples", samples);
  checkCount(what, "testSamples", testSamples, 0);
  checkSeed(what, seed);
  if (
    !Array.isArray(classes) || classes.length < 2 ||
    !classes.every((c) => Number.isInteger(c) && c >= 0 && c < TOTAL_CLASSES) ||
    new Set(classes).size !== classes.length
  ) {
    throw new TypeError(
      `Cannot ${what}: classes must be at least two distinct integers in 0..9, current value is ${
        JSON.stringify(classes)
      }`,
    );
  }
  if (size !== 28 && size !== 14) {
    throw new TypeError(`Cannot ${what}: size must be 28 or 14, current value is ${size}`);
  }
  checkTargets(what, targets, ["one-hot", "integer", "signed"]);
  if (layout !== "flat" && layout !== "image") {
    throw new TypeError(
      `Cannot ${what}: layout must be "flat" or "image", current value is ${
        JSON.stringify(layout)
      }`,
    );
  }
  if (targets === "signed" && classes.length !== 2) {
    throw new TypeError(
      `Cannot ${what}: signed targets need exactly two classes, current classes are ${
        JSON.stringify(classes)
      }; pass classes: [a, b]`,
    );
  }
  const k = classes.length;
  const pools = await Promise.all(classes.map((c) => imagePool(source, c)));
  await ready(); // the best backend (WebGPU on a GPU) before the first tensor of a notebook
  // One child stream per class of the ten, forked in class order, so which samples a class
  // contributes does not depend on which other classes were asked for.
  const rng = new Rng(seed);
  const classRngs = Array.from({ length: TOTAL_CLASSES }, () => rng.fork());
  const orderRng = rng.fork();
  const perClass = (total: number, j: number) => Math.floor(total / k) + (j < total % k ? 1 : 0);
  const trainPicks: { label: number; pool: number; index: number }[] = [];
  const testPicks: typeof trainPicks = [];
  for (let j = 0; j < k; j++) {
    const need = perClass(samples, j) + perClass(testSamples, j);
    const pool = pools[j];
    if (need > pool.count) {
      throw new RangeError(
        `Cannot ${what}: class ${
          classes[j]
        } has ${pool.count} images, fewer than the ${need} asked for (samples ${samples}, testSamples ${testSamples}); ask for fewer`,
      );
    }
    const order = permutation(classRngs[classes[j]], pool.count);
    const nTrain = perClass(samples, j);
    for (let i = 0; i < need; i++) {
      (i < nTrain ? trainPicks : testPicks).push({ label: j, pool: j, index: order[i] });
    }
  }
  const build = (picks: typeof trainPicks, part: string): Dataset => {
    const order = permutation(orderRng, picks.length);
    const dim = size * size;
    const x = new Float32Array(picks.length * dim);
    const labels = new Int32Array(picks.length);
    for (let r = 0; r < picks.length; r++) {
      const p = picks[order[r]];
      labels[r] = p.label;
      const src = pools[p.pool].pixels.subarray(p.index * PIXELS, (p.index + 1) * PIXELS);
      if (size === 28) {
        for (let i = 0; i < PIXELS; i++) x[r * dim + i] = src[i] / 255;
      } else {
        for (let a = 0; a < 14; a++) {
          for (let b = 0; b < 14; b++) {
            const o = 56 * a + 2 * b;
            x[r * dim + 14 * a + b] = (src[o] + src[o + 1] + src[o + 28] + src[o + 29]) / 1020;
          }
        }
      }
    }
    return makeDataset({
      name: `${source} ${part}${picks.length}${size === 14 ? " (14×14)" : ""}`,
      x,
      n: picks.length,
      inputDim: dim,
      ...(layout === "image" ? { inputShape: [size, size, 1] } : {}),
      targets,
      labels,
      numClasses: k,
      info: {
        source,
        package: PACKAGES[source],
        part: part === "" ? "train" : "test",
        seed,
        samples: picks.length,
        classes: classes.join(","),
        size,
        layout,
      },
    });
  };
  const train = build(trainPicks, "");
  if (testSamples === 0) return train;
  const test = build(testPicks, "test ");
  // Re-make the training set with the test set attached (the tensors are moved, not copied).
  return Object.freeze({
    ...train,
    test,
    dispose() {
      train.dispose();
      test.dispose();
    },
  });
}
