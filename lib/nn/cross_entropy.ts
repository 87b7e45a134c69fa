import { tf } from "../backend/mod.ts";
import { exactOps } from "./exact_ops.ts";
import { denseTargets } from "./_targets.ts";
import type { Loss } from "./types.ts";

/**
 * Softmax cross-entropy on logits, ℓ(z, y) = log Σⱼ exp(zⱼ) − Σⱼ yⱼ zⱼ, for one-hot (or
 * probability) targets and integer labels; for one output and ±1 targets it is the logistic
 * loss ℓ(z, y) = log(1 + exp(−y z)).
 *
 * Written with minima's exact log-sum-exp and softplus, so Hessian-vector products through it
 * are correct (tfjs's own softmax cross-entropy gives wrong second derivatives).
 *
 * @example
 * ```ts
 * import { crossEntropy, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * // Equal logits over 4 classes: log 4.
 * const l = tf.tidy(() => crossEntropy.perSample(tf.zeros([1, 4]), tf.tensor1d([2], "int32")));
 * assert.ok(Math.abs((await l.data())[0] - Math.log(4)) < 1e-6);
 * l.dispose();
 * ```
 */
export const crossEntropy: Loss = Object.freeze({
  name: "cross-entropy",
  // Real-valued targets (0 with one output, −3 and 5 with two) gave a constant or an arbitrary
  // finite loss: the loss is defined for class labels only.
  targets: Object.freeze(["integer", "one-hot", "signed"] as const),
  perSample(outputs: tf.Tensor2D, targets: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const y = denseTargets("cross-entropy", outputs, targets);
      if (outputs.shape[1] === 1) {
        // Binary margins with ±1 targets: log(1 + e^{−y z}) = softplus(−y z).
        return tf.reshape(exactOps.softplus(tf.neg(tf.mul(y, outputs))), [outputs.shape[0]]);
      }
      return tf.sub(exactOps.logSumExp(outputs), tf.sum(tf.mul(y, outputs), 1)) as tf.Tensor1D;
    });
  },
});
