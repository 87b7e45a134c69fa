import { tf } from "../backend/mod.ts";
import { exactOps } from "./exact_ops.ts";
import { checkCall } from "../_checks.ts";

/** The activations minima's models offer, each with exact second derivatives. */
export type ActivationName =
  | "relu"
  | "tanh"
  | "sigmoid"
  | "softplus"
  | "gelu"
  | "silu"
  | "identity";

/** Every {@linkcode ActivationName}, in a stable order (for tests and menus). */
export const ACTIVATIONS: readonly ActivationName[] = Object.freeze([
  "relu",
  "tanh",
  "sigmoid",
  "softplus",
  "gelu",
  "silu",
  "identity",
]);

const GELU_C = Math.sqrt(2 / Math.PI);

const table: Record<ActivationName, (x: tf.Tensor) => tf.Tensor> = {
  // relu's gradient is dy·step(x), from the input: exact (its second derivative is 0 off the kink).
  relu: (x) => tf.relu(x),
  tanh: exactOps.tanh,
  sigmoid: exactOps.sigmoid,
  softplus: exactOps.softplus,
  // The tanh form of GELU (Hendrycks and Gimpel 2016): ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
  gelu: (x) => {
    const inner = tf.mul(GELU_C, tf.add(x, tf.mul(0.044715, tf.mul(x, tf.mul(x, x)))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, exactOps.tanh(inner)));
  },
  // SiLU / swish: x·σ(x).
  silu: (x) => tf.mul(x, exactOps.sigmoid(x)),
  identity: (x) => tf.clone(x),
};

/**
 * The activation function of a given name, elementwise, with exact second derivatives under
 * double backprop (see {@linkcode exactOps}).
 *
 * relu(x) = max(x, 0); tanh; sigmoid σ(x) = 1/(1+e⁻ˣ); softplus = log(1+eˣ);
 * gelu(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³))); silu(x) = x σ(x); identity(x) = x.
 *
 * @example
 * ```ts
 * import { activation, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const y = tf.tidy(() => activation("softplus")(tf.scalar(0)));
 * assert.ok(Math.abs((await y.data())[0] - Math.LN2) < 1e-6);
 * y.dispose();
 * ```
 *
 * @param name One of {@linkcode ACTIVATIONS}.
 * @returns The function x ↦ σ(x).
 */
export function activation(name: ActivationName): (x: tf.Tensor) => tf.Tensor {
  checkCall("activation", arguments);
  if (!Object.hasOwn(table, name)) {
    throw new TypeError(
      `Cannot find the activation: name must be one of ${
        ACTIVATIONS.map((a) => `"${a}"`).join(", ")
      }, current value is ${JSON.stringify(name)}`,
    );
  }
  return table[name];
}
