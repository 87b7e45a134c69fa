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
 * And a gradient pass that throws frees what it had saved for its backward pass (see
 * {@linkcode releaseFailedTape}), for tf.grad, tf.grads, tf.valueAndGrads and minima's own
 * passes alike.
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

/** The parts of tfjs's engine that hold a gradient tape. */
interface TapeEngine {
  state: { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
  gradients: (...args: unknown[]) => unknown;
}

/**
 * Frees what a gradient pass that threw had saved for its backward pass. tfjs keeps each op's
 * saved tensors (kept clones, outside every tidy) on the tape until the outermost pass ends its
 * backward sweep; when the function differentiated or a gradient throws (a user's loss or model,
 * an HVP), its tidies end but the tape stays as it was, and those tensors leaked: 9 per exception
 * for a 2-3-1 MLP's loss under sharpness. Only the outermost pass (depth 0 once it ended) frees
 * the tape, as tfjs does on success: an inner pass that throws leaves it to the outer one, which
 * the exception reaches next.
 */
function releaseFailedTape(engine: TapeEngine): void {
  const state = engine.state;
  if (state.gradientDepth !== 0 || state.activeTape === null) return;
  for (const node of state.activeTape) {
    for (const t of node.saved ?? []) t.dispose();
  }
  state.activeTape = null;
}

{
  const engine = tf.engine() as unknown as TapeEngine;
  const gradients = engine.gradients;
  engine.gradients = function (this: TapeEngine, ...args: unknown[]) {
    try {
      return gradients.apply(this, args);
    } catch (error) {
      releaseFailedTape(this);
      throw error;
    }
  };
}
