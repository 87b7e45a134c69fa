import { tf } from "../backend/mod.ts";
import { denseTargets } from "./_targets.ts";
import type { Loss } from "./types.ts";

/**
 * The square loss ℓ(f, y) = ½‖f − y‖², summed over outputs (integer labels become one-hot).
 *
 * The ½ and the sum make the Hessian at an interpolating minimum the Gauss–Newton matrix
 * H = (1/n) Σᵢ JᵢᵀJᵢ exactly, the convention of Wu, Ma, E (2018) and of docs/papers.md, notebook 02 (so
 * PyTorch's `MSELoss`, a mean over the k outputs without the ½, is this times 2/k).
 *
 * @see Wu, Ma, E, "How SGD selects the global minima in over-parameterized learning", NeurIPS 2018.
 *
 * @example
 * ```ts
 * import { mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const l = tf.tidy(() => mse.perSample(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, 0]])));
 * assert.deepEqual(Array.from(await l.data()), [2.5]);
 * l.dispose();
 * ```
 */
export const mse: Loss = Object.freeze({
  name: "mse",
  perSample(outputs: tf.Tensor2D, targets: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const y = denseTargets("mse", outputs, targets);
      const r = tf.sub(outputs, y);
      return tf.mul(0.5, tf.sum(tf.mul(r, r), 1)) as tf.Tensor1D;
    });
  },
});
