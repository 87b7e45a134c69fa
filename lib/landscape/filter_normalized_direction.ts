import type { ObjectivePoint } from "../nn/mod.ts";
import { flattenParams } from "../nn/mod.ts";
import { Rng, type Seed } from "../random/mod.ts";
import { checkPoint } from "./_point.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode filterNormalizedDirection}. */
export interface FilterNormalizedDirectionOptions {
  /**
   * The seed of the Gaussian draw.
   * @default {0}
   */
  seed?: Seed;
  /**
   * Give biases a direction too (each bias vector scaled to the norm of the bias); by default
   * their entries are 0, as in Li et al.
   * @default {false}
   */
  includeBiases?: boolean;
}

/**
 * A random direction d for loss slices, filter-normalized: d ~ N(0, I), then each filter of each
 * weight tensor rescaled to the norm of the same filter of θ, d_j ← d_j ‖θ_j‖/‖d_j‖. A filter is
 * what produces one output unit or channel, the entries with the same last index: a column of a
 * dense W [in, out], or the [kh, kw, cin] slice of a convolution filter [kh, kw, cin, cout] for
 * output channel j. Per-channel scales (BatchNorm's γ) count as biases. Slices along such
 * directions are comparable across networks whose weights differ in scale.
 *
 * @see Li, Xu, Taylor, Studer, Goldstein, "Visualizing the loss landscape of neural nets", arXiv:1712.09913.
 *
 * @example
 * ```ts
 * import { createDataset, filterNormalizedDirection, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1, 2]], [[0]]);
 * const model = mlp([2, 1]);
 * const params = [tf.tensor2d([[3], [4]]), tf.tensor1d([1])];
 * const d = await filterNormalizedDirection({ model, loss: mse, data, params });
 * assert.ok(Math.abs(Math.hypot(d[0], d[1]) - 5) < 1e-9);
 * assert.equal(d[2], 0);
 * params.forEach((p) => p.dispose());
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Seed and whether biases move.
 * @returns d, flattened like `flattenParams`.
 */
export async function filterNormalizedDirection(
  point: ObjectivePoint,
  options: FilterNormalizedDirectionOptions = {},
): Promise<Float64Array> {
  checkCall("filterNormalizedDirection", arguments);
  checkPoint(point, "draw a filter-normalized direction");
  const theta = await flattenParams(point.params);
  const rng = new Rng(options.seed ?? 0);
  const d = rng.fillNormal(new Float64Array(theta.length));
  let offset = 0;
  for (const spec of point.model.paramSpecs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.role === "weight" && spec.shape.length >= 2) {
      const cols = spec.shape[spec.shape.length - 1], rows = size / cols;
      for (let j = 0; j < cols; j++) {
        let nt = 0, nd = 0;
        for (let i = 0; i < rows; i++) {
          nt += theta[offset + i * cols + j] ** 2;
          nd += d[offset + i * cols + j] ** 2;
        }
        const f = nd > 0 ? Math.sqrt(nt / nd) : 0;
        for (let i = 0; i < rows; i++) d[offset + i * cols + j] *= f;
      }
    } else if (options.includeBiases) {
      let nt = 0, nd = 0;
      for (let i = 0; i < size; i++) {
        nt += theta[offset + i] ** 2;
        nd += d[offset + i] ** 2;
      }
      const f = nd > 0 ? Math.sqrt(nt / nd) : 0;
      for (let i = 0; i < size; i++) d[offset + i] *= f;
    } else {
      d.fill(0, offset, offset + size);
    }
    offset += size;
  }
  return d;
}
