import { type InitScheme, mlp } from "./mlp.ts";
import type { Model } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode homogeneousNet}. */
export interface HomogeneousNetOptions {
  /**
   * Initialization of every layer (see `mlp`): He's N(0, 2/fan_in) keeps ReLU activations at
   * unit scale.
   * @default {"he"}
   */
  init?: InitScheme;
  /**
   * A factor α on every initial weight; the outputs scale as α^L.
   * @default {1}
   */
  initScale?: number;
}

/** A model that is positively homogeneous in its parameters: f(cθ; x) = c^L f(θ; x) for c > 0. */
export interface HomogeneousModel extends Model {
  /** The degree L. */
  readonly degree: number;
}

/**
 * A bias-free ReLU network f(θ; x) = W_L relu(W_{L−1} ⋯ relu(W_1 x)): positively homogeneous of
 * degree L (the number of layers) in θ, since relu(cz) = c·relu(z) for c > 0. For such networks
 * with the logistic or exponential loss, the normalized margin min_i y_i f(θ; x_i)/‖θ‖^L increases
 * once the training loss is small (Lyu, Li).
 *
 * @see Lyu, Li, "Gradient descent maximizes the margin of homogeneous neural networks", ICLR 2020,
 * arXiv 1906.05890.
 *
 * @example A two-layer net is 2-homogeneous
 * ```ts
 * import { disposeParams, homogeneousNet, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const net = homogeneousNet([2, 16, 1]);
 * assert.equal(net.degree, 2);
 * const p = net.init(0), p3 = p.map((w) => tf.mul(w, 3));
 * const x = tf.tensor2d([[0.3, -1]]);
 * const [a, b] = [await net.apply(p, x).data(), await net.apply(p3, x).data()];
 * assert.ok(Math.abs(b[0] - 9 * a[0]) < 1e-5 * (1 + Math.abs(b[0])));
 * disposeParams([p, p3, [x]]);
 * ```
 *
 * @param sizes The widths [input, hidden..., output], at least two.
 * @param options Initialization and its scale.
 * @returns The model, with its degree.
 */
export function homogeneousNet(
  sizes: readonly number[],
  options: HomogeneousNetOptions = {},
): HomogeneousModel {
  checkCall("homogeneousNet", arguments);
  const inner = mlp(sizes, {
    activation: "relu",
    bias: false,
    init: options.init ?? "he",
    initScale: options.initScale,
  });
  return Object.freeze({
    ...inner,
    name: `homogeneous relu ${sizes.join("-")}`,
    degree: sizes.length - 1,
  });
}
