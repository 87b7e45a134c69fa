import { tf } from "../backend/mod.ts";

/** An elementwise or last-axis tensor operation. */
export type UnaryOp = (x: tf.Tensor) => tf.Tensor;
type Unary = UnaryOp;
type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

/** tf.customGrad for a one-input op, typed for that case. */
function customUnary(
  f: (x: tf.Tensor, save: tf.GradSaveFunc) => {
    value: tf.Tensor;
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor;
  },
): Unary {
  const op = tf.customGrad(f as unknown as CustomGradientFunc);
  return (x: tf.Tensor) => op(x) as tf.Tensor;
}

// Why these exist: tfjs saves the *output* y of exp, tanh, sigmoid, softmax and log-softmax for
// their gradient (e.g. tanh' = 1 − y²), through a clone whose tape node is recorded before the op
// itself. In a second backward pass the gradient reaching that clone is added to y after y's own
// node was processed, so it is lost: nested gradients throw or are silently wrong (tanh''(0.3)
// came out −2.36 against −0.533). Each op below saves its *input* instead (`save([x])` records
// the clone x → x' before the op, so reverse order is right) and writes its gradient with these
// same ops, so derivatives of every order are exact.

function unary(
  forward: (x: tf.Tensor) => tf.Tensor,
  derivative: (x: tf.Tensor) => tf.Tensor,
): Unary {
  return customUnary((x, save) => {
    save([x]);
    return {
      value: forward(x),
      gradFunc: (dy, saved) => tf.mul(dy, derivative(saved[0])),
    };
  });
}

const exp: Unary = unary((x) => tf.exp(x), (x) => exp(x));

const sigmoid: Unary = unary((x) => tf.sigmoid(x), (x) => {
  const s = sigmoid(x);
  return tf.mul(s, tf.sub(1, s));
});

const tanh: Unary = unary((x) => tf.tanh(x), (x) => {
  const t = tanh(x);
  return tf.sub(1, tf.mul(t, t));
});

const softplus: Unary = unary((x) => tf.softplus(x), (x) => sigmoid(x));

const logSumExp: Unary = customUnary((x, save) => {
  save([x]);
  return {
    value: tf.logSumExp(x, -1),
    gradFunc: (dy, saved) => tf.mul(tf.expandDims(dy, -1), softmax(saved[0])),
  };
});

function logSoftmax(x: tf.Tensor): tf.Tensor {
  return tf.sub(x, tf.expandDims(logSumExp(x), -1));
}

function softmax(x: tf.Tensor): tf.Tensor {
  return exp(logSoftmax(x));
}

function logCosh(x: tf.Tensor): tf.Tensor {
  // log cosh x = softplus(2x) − x − log 2, stable for large |x|.
  return tf.sub(tf.sub(softplus(tf.mul(2, x)), x), Math.LN2);
}

/** The operations of {@linkcode exactOps}. */
export interface ExactOps {
  /** eˣ, elementwise. */
  exp: UnaryOp;
  /** tanh x, elementwise. */
  tanh: UnaryOp;
  /** σ(x) = 1/(1+e⁻ˣ), elementwise. */
  sigmoid: UnaryOp;
  /** softplus x = log(1 + eˣ), elementwise. */
  softplus: UnaryOp;
  /** log cosh x, elementwise (the sub-quadratic 1-D loss of the edge-of-stability toy). */
  logCosh: UnaryOp;
  /** log Σⱼ exp(xⱼ) over the last axis (which is removed). */
  logSumExp: UnaryOp;
  /** xⱼ − log Σₖ exp(xₖ) over the last axis. */
  logSoftmax: UnaryOp;
  /** exp(xⱼ) / Σₖ exp(xₖ) over the last axis. */
  softmax: UnaryOp;
}

/**
 * Operations whose derivatives of every order are exact under nested `tf.grad`.
 *
 * tfjs computes the gradients of exp, tanh, sigmoid, softmax and log-softmax from the op's saved
 * output, which breaks double backprop (the second derivative is lost or wrong). These versions,
 * built with `tf.customGrad`, save the input and write their gradient with the same exact ops, so
 * Hessian-vector products through them are correct. Models and losses in minima use only these
 * and tfjs ops whose gradients use their inputs (matMul, add, mul, relu, square, log, ...).
 *
 * @example tanh''(0.3) = −2 tanh(0.3)(1 − tanh²(0.3)) by nested gradients
 * ```ts
 * import { exactOps, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const d2 = tf.grad(tf.grad((x: tf.Tensor) => exactOps.tanh(x)))(tf.scalar(0.3));
 * const t = Math.tanh(0.3);
 * assert.ok(Math.abs((await d2.data())[0] - -2 * t * (1 - t * t)) < 1e-5);
 * d2.dispose();
 * ```
 */
export const exactOps: ExactOps = Object.freeze({
  exp,
  tanh,
  sigmoid,
  softplus,
  logCosh,
  logSumExp,
  logSoftmax,
  softmax,
});
