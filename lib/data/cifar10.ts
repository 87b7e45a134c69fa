import { permutation, Rng, type Seed } from "../random/mod.ts";
import { checkCount, checkSeed, checkTargets, makeDataset } from "./_make_dataset.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** The CIFAR-10 class names, by label. */
export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
]);

/**
 * The per-channel (R, G, B) mean and standard deviation of the 50,000 training images' pixels in
 * [0, 1] (125.3, 123.0, 113.9 and 63.0, 62.1, 66.7 out of 255): `standardize: "dataset"` maps
 * each pixel p of channel c to (p − mean[c])/std[c].
 */
export const CIFAR10_STATISTICS: Readonly<{ mean: readonly number[]; std: readonly number[] }> =
  Object.freeze({
    mean: Object.freeze([0.4914, 0.4822, 0.4465]),
    std: Object.freeze([0.247, 0.2435, 0.2616]),
  });

/** The training files of the binary distribution, in order, and the test file. */
export const CIFAR10_FILES: Readonly<{ train: readonly string[]; test: string }> = Object.freeze({
  train: Object.freeze([1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`)),
  test: "test_batch.bin",
});

/** Bytes per record: 1 label byte, then 3 × 32 × 32 pixel bytes (the R, G and B planes). */
const RECORD = 3073;
const SIDE = 32;
const PLANE = SIDE * SIDE;

/** Options for {@linkcode cifar10}. */
export interface Cifar10Options {
  /**
   * The folder of the binary distribution ("CIFAR-10 binary version" from
   * https://www.cs.toronto.edu/~kriz/cifar.html, unpacked: `cifar-10-batches-bin`), holding
   * `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`.
   */
  path: string;
  /**
   * Training images, drawn from the five training files, split as evenly as possible over the
   * classes (the first `samples mod k` classes get one more).
   * @default {1000}
   */
  samples?: number;
  /**
   * Test images, drawn the same way from `test_batch.bin`; 0 for none (the file is then not read).
   * @default {0}
   */
  testSamples?: number;
  /**
   * The seed of the subsets and of their order; the same seed gives the same images.
   * @default {0}
   */
  seed?: Seed;
  /**
   * Which classes to keep (relabelled 0..k−1 in this order).
   * @default {[0, 1, ..., 9]}
   */
  classes?: readonly number[];
  /**
   * `"dataset"`: per channel, (p − mean)/std with the training set's constants
   * ({@linkcode CIFAR10_STATISTICS}); `"subset"`: with the mean and standard deviation of the
   * training images loaded (applied to the test images too); `"none"`: pixels in [0, 1].
   * @default {"dataset"}
   */
  standardize?: "dataset" | "subset" | "none";
  /**
   * Target encoding: `"one-hot"`, `"integer"`, or `"signed"` (two classes only).
   * @default {"one-hot"}
   */
  targets?: "one-hot" | "integer" | "signed";
  /**
   * `"image"`: x [n, 32, 32, 3] (height, width, RGB); `"flat"`: [n, 3072] in the same
   * row-major order.
   * @default {"image"}
   */
  layout?: "image" | "flat";
}

/**
 * A seeded, class-balanced subset of CIFAR-10 (Krizhevsky 2009) read from the official binary
 * distribution in a folder you give: 32×32 colour images in 10 classes, 50,000 for training in
 * five files and 10,000 for testing. minima does not download it; get "CIFAR-10 binary version"
 * (`cifar-10-binary.tar.gz`, 162 MB) from https://www.cs.toronto.edu/~kriz/cifar.html and unpack
 * it, then pass the folder `cifar-10-batches-bin`.
 *
 * Each file is a sequence of 3,073-byte records: a label byte (0–9), then the image as three
 * 32×32 planes, red, green, blue, each row-major. Images come out as [n, 32, 32, 3] (channels
 * last, as minima's convolutions take them), standardized per channel. A missing file, a file
 * whose size is not a whole number of records (truncated, or not the binary version) and a
 * label above 9 are errors naming the file.
 *
 * @see Krizhevsky, "Learning multiple layers of features from tiny images", 2009.
 *
 * @example A missing folder is an error that says where to get the data
 * ```ts
 * import { cifar10 } from "minima";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(() => cifar10({ path: "/nonexistent/cifar-10-batches-bin" }), {
 *   name: "NotFound",
 *   message: /data_batch_1\.bin is missing/,
 * });
 * ```
 *
 * @param options The folder, sizes, seed, classes, standardization, targets and layout.
 * @returns The dataset (with `test` when `testSamples` > 0); dispose it when done.
 */
export async function cifar10(options: Cifar10Options): Promise<Dataset> {
  checkCall("cifar10", arguments);
  const what = "load CIFAR-10";
  const path = options?.path;
  if (typeof path !== "string" || path === "") {
    throw new TypeError(
      `Cannot ${what}: path must be the folder of the binary version (cifar-10-batches-bin, from https://www.cs.toronto.edu/~kriz/cifar.html), current value is ${
        JSON.stringify(path)
      }`,
    );
  }
  const samples = options.samples ?? 1000;
  const testSamples = options.testSamples ?? 0;
  const seed = options.seed ?? 0;
  const classes = options.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const standardize = options.standardize ?? "dataset";
  const targets = options.targets ?? "one-hot";
  const layout = options.layout ?? "image";
  checkCount(what, "samples", samples);
  checkCount(what, "testSamples", testSamples, 0);
  checkSeed(what, seed);
  if (
    !Array.isArray(classes) || classes.length < 2 ||
    !classes.every((c) => Number.isInteger(c) && c >= 0 && c < 10) ||
    new Set(classes).size !== classes.length
  ) {
    throw new TypeError(
      `Cannot ${what}: classes must be at least two distinct integers in 0..9, current value is ${
        JSON.stringify(classes)
      }`,
    );
  }
  if (!["dataset", "subset", "none"].includes(standardize)) {
    throw new TypeError(
      `Cannot ${what}: standardize must be "dataset", "subset" or "none", current value is ${
        JSON.stringify(standardize)
      }`,
    );
  }
  checkTargets(what, targets, ["one-hot", "integer", "signed"]);
  if (targets === "signed" && classes.length !== 2) {
    throw new TypeError(
      `Cannot ${what}: signed targets need exactly two classes, current classes are ${
        JSON.stringify(classes)
      }; pass classes: [a, b]`,
    );
  }
  if (layout !== "image" && layout !== "flat") {
    throw new TypeError(
      `Cannot ${what}: layout must be "image" or "flat", current value is ${
        JSON.stringify(layout)
      }`,
    );
  }
  const folder = path.replace(/\/+$/, "");
  const trainFiles = CIFAR10_FILES.train.map((f) => `${folder}/${f}`);
  const testFile = `${folder}/${CIFAR10_FILES.test}`;
  const rng = new Rng(seed);
  const trainRng = rng.fork(), testRng = rng.fork(), orderRng = rng.fork();
  const trainPicks = await pick(trainFiles, classes, samples, trainRng, what);
  const testPicks = testSamples > 0
    ? await pick([testFile], classes, testSamples, testRng, what)
    : [];
  const train = await readPicks(trainPicks, orderRng);
  const test = testSamples > 0 ? await readPicks(testPicks, orderRng) : undefined;
  // Pixels in [0, 1], standardized per channel.
  let mean = [0, 0, 0], std = [1, 1, 1];
  if (standardize === "dataset") {
    mean = [...CIFAR10_STATISTICS.mean];
    std = [...CIFAR10_STATISTICS.std];
  } else if (standardize === "subset") {
    ({ mean, std } = channelStatistics(train.pixels));
  }
  const build = (part: { pixels: Float32Array; labels: Int32Array }, name: string) => {
    const n = part.labels.length;
    const x = part.pixels;
    for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean[i % 3]) / std[i % 3];
    return makeDataset({
      name: `cifar-10 ${name}${n}`,
      x,
      n,
      inputDim: 3 * PLANE,
      ...(layout === "image" ? { inputShape: [SIDE, SIDE, 3] } : {}),
      targets,
      labels: part.labels,
      numClasses: classes.length,
      info: {
        source: "cifar-10",
        path: folder,
        part: name === "" ? "train" : "test",
        seed,
        samples: n,
        classes: classes.join(","),
        standardize,
        layout,
      },
    });
  };
  const trainSet = build(train, "");
  if (!test) return trainSet;
  const testSet = build(test, "test ");
  return Object.freeze({
    ...trainSet,
    test: testSet,
    dispose() {
      trainSet.dispose();
      testSet.dispose();
    },
  });
}

/** A record to read: which file, which record, which label (0..k−1). */
interface Pick {
  file: string;
  record: number;
  label: number;
}

/** The bytes of a file, or an error naming it (missing, or not whole records). */
async function readRecords(file: string, what: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(
        `Cannot ${what}: ${file} is missing; the folder must hold the binary version's data_batch_1.bin … data_batch_5.bin and test_batch.bin ("CIFAR-10 binary version" from https://www.cs.toronto.edu/~kriz/cifar.html, unpacked)`,
      );
    }
    throw e;
  }
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new Deno.errors.InvalidData(
      `Cannot ${what}: ${file} has ${bytes.length} bytes, not a whole number of 3,073-byte records (1 label byte + 3,072 pixel bytes); the file is truncated or not the binary version`,
    );
  }
  return bytes;
}

/**
 * Class-balanced picks from some files: per class, a seeded permutation of its records across
 * the files (in file order), the first ones taken.
 */
async function pick(
  files: string[],
  classes: readonly number[],
  count: number,
  rng: Rng,
  what: string,
): Promise<Pick[]> {
  const byClass: { file: string; record: number }[][] = Array.from({ length: 10 }, () => []);
  for (const file of files) {
    const bytes = await readRecords(file, what);
    for (let r = 0; r < bytes.length / RECORD; r++) {
      const label = bytes[r * RECORD];
      if (label > 9) {
        throw new Deno.errors.InvalidData(
          `Cannot ${what}: ${file} record ${r} has label ${label}, not a class 0..9; the file is not the CIFAR-10 binary version`,
        );
      }
      byClass[label].push({ file, record: r });
    }
  }
  // One child stream per class of the ten, forked in class order, so which images a class
  // contributes does not depend on which other classes were asked for.
  const classRngs = Array.from({ length: 10 }, () => rng.fork());
  const k = classes.length;
  const picks: Pick[] = [];
  for (let j = 0; j < k; j++) {
    const need = Math.floor(count / k) + (j < count % k ? 1 : 0);
    const pool = byClass[classes[j]];
    if (need > pool.length) {
      throw new RangeError(
        `Cannot ${what}: class ${classes[j]} has ${pool.length} images in ${
          files.length === 1 ? files[0] : "the training files"
        }, fewer than the ${need} asked for; ask for fewer`,
      );
    }
    const order = permutation(classRngs[classes[j]], pool.length);
    for (let i = 0; i < need; i++) picks.push({ ...pool[order[i]], label: j });
  }
  return picks;
}

/** The picked images as [n, 32, 32, 3] pixels in [0, 1] (shuffled), with their labels. */
async function readPicks(
  picks: Pick[],
  rng: Rng,
): Promise<{ pixels: Float32Array; labels: Int32Array }> {
  const order = permutation(rng, picks.length);
  const pixels = new Float32Array(picks.length * 3 * PLANE);
  const labels = new Int32Array(picks.length);
  const byFile = new Map<string, number[]>();
  for (let r = 0; r < picks.length; r++) {
    const p = picks[order[r]];
    if (!byFile.has(p.file)) byFile.set(p.file, []);
    byFile.get(p.file)!.push(r);
  }
  for (const [file, rows] of byFile) {
    const bytes = await Deno.readFile(file);
    for (const r of rows) {
      const p = picks[order[r]];
      labels[r] = p.label;
      const start = p.record * RECORD + 1;
      // Planes R, G, B (each 32×32 row-major) → pixels (i, j) with channels last.
      const out = r * 3 * PLANE;
      for (let c = 0; c < 3; c++) {
        const plane = start + c * PLANE;
        for (let q = 0; q < PLANE; q++) pixels[out + 3 * q + c] = bytes[plane + q] / 255;
      }
    }
  }
  return { pixels, labels };
}

/** Per-channel mean and standard deviation of channels-last pixels. */
function channelStatistics(pixels: Float32Array): { mean: number[]; std: number[] } {
  const sum = [0, 0, 0], sq = [0, 0, 0];
  for (let i = 0; i < pixels.length; i++) {
    sum[i % 3] += pixels[i];
    sq[i % 3] += pixels[i] * pixels[i];
  }
  const m = pixels.length / 3;
  const mean = sum.map((s) => s / m);
  const std = sq.map((s, c) => Math.sqrt(Math.max(s / m - mean[c] ** 2, 1e-12)));
  return { mean, std };
}
