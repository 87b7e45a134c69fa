import { tf } from "../backend/mod.ts";
import { exactOps } from "./exact_ops.ts";
import { denseTargets } from "./_targets.ts";
import type { Loss } from "./types.ts";

/** The signed margins q = y·f of a one-output classifier, checked. Private. */
function margins(what: string, outputs: tf.Tensor2D, targets: tf.Tensor): tf.Tensor2D {
  if (outputs.rank !== 2 || outputs.shape[1] !== 1) {
    throw new TypeError(
      `Cannot compute the ${what}: it is a binary loss, outputs must have shape [n, 1] with ±1 targets, current shape is [${outputs.shape}]`,
    );
  }
  return tf.mul(denseTargets(what, outputs, targets), outputs);
}

/**
 * The exponential loss of a binary classifier with ±1 targets, ℓ(f, y) = e^{−y f}: the loss whose
 * gradient descent converges in direction to the max-margin classifier on separable data, and
 * under which the normalized margin of a homogeneous network increases (Lyu, Li).
 *
 * Its gradient e^{−q} underflows in float32 once a margin q passes about 87; for optimizers that
 * use only the gradient's direction at large norms, see {@linkcode marginShiftedExponentialLoss}.
 *
 * @see Soudry, Hoffer, Nacson, Gunasekar, Srebro, "The implicit bias of gradient descent on
 * separable data", JMLR 2018, arXiv 1710.10345; Lyu, Li, ICLR 2020, arXiv 1906.05890.
 *
 * @example
 * ```ts
 * import { exponentialLoss, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const l = tf.tidy(() => exponentialLoss.perSample(tf.tensor2d([[2], [0.5]]), tf.tensor2d([[1], [-1]])));
 * const [a, b] = await l.data();
 * assert.ok(Math.abs(a - Math.exp(-2)) < 1e-7 && Math.abs(b - Math.exp(0.5)) < 1e-6);
 * l.dispose();
 * ```
 */
export const exponentialLoss: Loss = Object.freeze({
  name: "exponential",
  perSample(outputs: tf.Tensor2D, targets: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const q = margins("exponential loss", outputs, targets);
      return tf.reshape(exactOps.exp(tf.neg(q)), [outputs.shape[0]]) as tf.Tensor1D;
    });
  },
});

// The identity with a zero derivative of every order: what is passed through it is a constant
// for autodiff (first and second derivatives alike).
const stopGradientOp = tf.customGrad(
  ((x: tf.Tensor) => ({
    value: tf.clone(x),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  })) as unknown as Parameters<typeof tf.customGrad>[0],
);
const stopGradient = (x: tf.Tensor): tf.Tensor => stopGradientOp(x) as tf.Tensor;

/**
 * The exponential loss rescaled by the batch's smallest margin, held constant:
 * ℓᵢ = e^{−(qᵢ − q_min)} with qᵢ = yᵢ f(xᵢ) and q_min = minⱼ qⱼ over the batch, i.e. e^{q_min}
 * times {@linkcode exponentialLoss}. Its gradient has exactly the direction of the exponential
 * loss's and never underflows (the smallest-margin sample contributes e⁰ = 1), so optimizers that
 * use only the gradient's direction (`normalizedGd`, `prgd`) follow the same iterates at norms
 * where e^{−q} is 0 in float32. Its values are not the loss: evaluate with `exponentialLoss`. The
 * shift is per batch, so use it full-batch with the data in one chunk (the train loop's default
 * chunk holds 1,024 samples).
 *
 * @see Wang, Min, Wu, "Achieving margin maximization exponentially fast via progressive norm
 * rescaling", ICML 2024, arXiv 2311.14387.
 *
 * @example The gradient direction equals the exponential loss's
 * ```ts
 * import { exponentialLoss, marginShiftedExponentialLoss, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const f = tf.tensor2d([[1], [3]]), y = tf.tensor2d([[1], [1]]);
 * const g = (loss: typeof exponentialLoss) =>
 *   tf.grad((o: tf.Tensor) => tf.sum(loss.perSample(o as tf.Tensor2D, y)))(f).data();
 * const [a, b] = await g(exponentialLoss), [c, d] = await g(marginShiftedExponentialLoss);
 * assert.ok(Math.abs(a / b - c / d) < 1e-4 && Math.abs(c + 1) < 1e-6);
 * ```
 */
export const marginShiftedExponentialLoss: Loss = Object.freeze({
  name: "margin-shifted exponential",
  perSample(outputs: tf.Tensor2D, targets: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const q = margins("margin-shifted exponential loss", outputs, targets);
      const shift = stopGradient(tf.min(q));
      return tf.reshape(exactOps.exp(tf.neg(tf.sub(q, shift))), [outputs.shape[0]]) as tf.Tensor1D;
    });
  },
});
