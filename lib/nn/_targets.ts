import { tf } from "../backend/mod.ts";

/**
 * Targets as float32 [n, k] for a loss over outputs [n, k]: integer labels [n] become one-hot,
 * a vector [n] becomes a column. Throws a TypeError naming the loss when the shapes disagree.
 */
export function denseTargets(what: string, outputs: tf.Tensor2D, targets: tf.Tensor): tf.Tensor2D {
  if (outputs.rank !== 2) {
    throw new TypeError(
      `Cannot compute the ${what}: outputs must have rank 2 [n, k], current shape is [${outputs.shape}]`,
    );
  }
  const [n, k] = outputs.shape;
  if (targets.dtype === "int32" && targets.rank === 1 && targets.shape[0] === n) {
    return tf.oneHot(targets as tf.Tensor1D, k).asType("float32") as tf.Tensor2D;
  }
  if (targets.rank === 1 && targets.shape[0] === n && k === 1) {
    return tf.reshape(tf.cast(targets, "float32"), [n, 1]);
  }
  if (targets.rank === 2 && targets.shape[0] === n && targets.shape[1] === k) {
    return tf.cast(targets, "float32") as tf.Tensor2D;
  }
  throw new TypeError(
    `Cannot compute the ${what}: targets must be integer labels [${n}] or have shape [${n}, ${k}] like the outputs, current shape is [${targets.shape}] (${targets.dtype})`,
  );
}
