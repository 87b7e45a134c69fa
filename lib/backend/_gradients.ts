/**
 * Gradients of tfjs kernels that minima replaces, registered once at load for every backend.
 *
 * tfjs's gradients of `Sum` and `Mean` broadcast dy with `mul(dy, ones(x.shape))`, and `ones`
 * builds the array on the host: on WebGPU every backward pass through a sum uploaded an array
 * the size of the summand (in a Hessian-vector product, one per parameter tensor for ⟨g, v⟩ and
 * one per loss: 80 MB a product for a 784-4096-4096-10 MLP), and on every backend it cost a
 * multiply by one that double backprop differentiates again. Here the broadcast is an add of zeros
 * made on the device (`Fill`), whose gradient is a plain sum. The values are identical: x + 0 = x
 * and x·1 = x exactly in floating point.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";

/** dy, shaped like the reduction's output, broadcast back to the input's shape. */
function broadcastBack(dy: tf.Tensor, shape: number[], axis: number | number[]): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis, shape);
  const expanded = shape.slice();
  for (const a of axes) expanded[a] = 1;
  return tf.add(tf.reshape(dy, expanded), tf.fill(shape, 0, "float32"));
}

tf.registerGradient({
  kernelName: "Sum",
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { axis } = attrs as unknown as { axis: number | number[] };
    return { x: () => broadcastBack(dy as tf.Tensor, x.shape, axis) };
  },
});

tf.registerGradient({
  kernelName: "Mean",
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { axis } = attrs as unknown as { axis: number | number[] };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const reduceSize = axes.reduce((s, a) => s * x.shape[a], 1);
    // Divide the small tensor, then broadcast: the same values as tfjs's (x·1)/n.
    return { x: () => broadcastBack(tf.div(dy as tf.Tensor, reduceSize), x.shape, axis) };
  },
});
