import { tf } from "../backend/mod.ts";
import type { Seed } from "../random/mod.ts";
import type { ActivationName } from "./activation.ts";
import { mlp } from "./mlp.ts";
import type { Model, Params } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode scaleInvariantNet}. */
export interface ScaleInvariantNetOptions {
  /**
   * The hidden activation of the inner network.
   * @default {"tanh"}
   */
  activation?: ActivationName;
  /**
   * Whether the inner network's layers have biases (they are normalized with the weights).
   * @default {true}
   */
  bias?: boolean;
  /**
   * The radius ρ₀ the parameters are rescaled to before the inner network sees them.
   * @default {√(n₁ + ⋯ + n_L), the expected norm of the LeCun initialization}
   */
  radius?: number;
}

/** A model whose outputs do not change when its parameters are scaled: f(cθ; x) = f(θ; x), c > 0. */
export interface ScaleInvariantModel extends Model {
  /** The radius ρ₀ of the normalized parameters the inner network sees. */
  readonly radius: number;
}

/**
 * A scale-invariant network: an MLP g applied to the globally normalized parameters,
 * f(θ; x) = g(ρ₀ θ/‖θ‖; x), the simplest stand-in for a network whose every layer is followed by
 * a normalization layer. Its loss is invariant to θ ↦ cθ, so ∇L(θ) ⟂ θ, ∇L(cθ) = ∇L(θ)/c and
 * ∇²L(cθ) = ∇²L(θ)/c²: gradient descent at learning rate η behaves on the unit sphere as if its
 * learning rate were η/‖θ‖² (the effective learning rate), and weight decay, by shrinking ‖θ‖,
 * raises it (Lyu, Li, Arora).
 *
 * The initialization is the inner MLP's LeCun one (weights N(0, 1/fan_in), zero biases), whose
 * expected norm is the default radius, so at initialization f ≈ g(θ). Per-sample parameters (a
 * leading axis of length n) are normalized sample by sample.
 *
 * @see Lyu, Li, Arora, "Understanding the generalization benefit of normalization layers:
 * sharpness reduction", NeurIPS 2022, arXiv 2206.07085.
 *
 * @example The outputs do not change when θ is doubled
 * ```ts
 * import { disposeParams, scaleInvariantNet, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const net = scaleInvariantNet([3, 8, 1]);
 * const p = net.init(0), p2 = p.map((w) => tf.mul(w, 2));
 * const x = tf.tensor2d([[0.1, -0.4, 2]]);
 * const [a, b] = [await net.apply(p, x).data(), await net.apply(p2, x).data()];
 * assert.ok(Math.abs(a[0] - b[0]) < 1e-6);
 * disposeParams([p, p2, [x]]);
 * ```
 *
 * @param sizes The inner network's widths [input, hidden..., output].
 * @param options Activation, biases and radius.
 * @returns The model, with its radius.
 */
export function scaleInvariantNet(
  sizes: readonly number[],
  options: ScaleInvariantNetOptions = {},
): ScaleInvariantModel {
  checkCall("scaleInvariantNet", arguments);
  const inner = mlp(sizes, {
    activation: options.activation ?? "tanh",
    bias: options.bias,
    init: "lecun",
  });
  const radius = options.radius ?? Math.sqrt(sizes.slice(1).reduce((a, b) => a + b, 0));
  if (!(Number.isFinite(radius) && radius > 0)) {
    throw new RangeError(
      `Cannot build the scale-invariant net: radius must be a positive number, current value is ${radius}`,
    );
  }
  const specs = inner.paramSpecs;
  const apply = (params: Params, x: tf.Tensor2D): tf.Tensor2D => {
    if (!Array.isArray(params) || params.length !== specs.length) {
      throw new TypeError(
        `Cannot apply the scale-invariant net: params must hold ${specs.length} tensors, current length is ${
          Array.isArray(params) ? params.length : "none"
        }`,
      );
    }
    return tf.tidy(() => {
      const perSample = params[0].rank === specs[0].shape.length + 1;
      // ‖θ‖² over all tensors (per sample when each tensor has a leading sample axis).
      const squares = params.map((p) => {
        const axes = Array.from({ length: p.rank }, (_, a) => a).slice(perSample ? 1 : 0);
        return tf.sum(tf.square(p), axes);
      });
      const factor = tf.div(radius, tf.sqrt(tf.addN(squares)));
      const scaled = params.map((p) =>
        tf.mul(p, perSample ? tf.reshape(factor, [-1, ...Array(p.rank - 1).fill(1)]) : factor)
      );
      return inner.apply(scaled, x);
    });
  };
  return Object.freeze({
    name: `scale-invariant ${inner.name}`,
    inputDim: inner.inputDim,
    outputDim: inner.outputDim,
    paramSpecs: specs,
    numParams: inner.numParams,
    perSampleParams: true,
    init: (seed: Seed) => inner.init(seed),
    apply,
    radius,
  });
}
