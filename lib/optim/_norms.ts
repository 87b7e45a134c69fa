/**
 * Norms and flattening of parameter lists as tensors. Private to optim/.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import type { Params } from "../nn/mod.ts";

/** The global ℓ₂ norm of a list of tensors, as a scalar tensor. */
export function globalNorm(tensors: Params): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t))))) as tf.Scalar);
}

/** The tensors' entries concatenated in order (like flattenParams), as one [d] tensor. */
export function flatten(tensors: Params): tf.Tensor1D {
  return tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(t, [-1]))) as tf.Tensor1D);
}

/** A [d] tensor cut back into tensors shaped like `like`. */
export function unflatten(vector: tf.Tensor, like: Params): Params {
  return tf.tidy(() => {
    const parts = tf.split(tf.reshape(vector, [-1]), like.map((t) => t.size));
    return parts.map((part, j) => tf.reshape(part, like[j].shape));
  });
}
