import { mlp } from "./mlp.ts";
import type { ActivationName } from "./activation.ts";
import type { Model } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode twoLayerNet}. */
export interface TwoLayerNetOptions {
  /**
   * The hidden activation σ.
   * @default {"relu"}
   */
  activation?: ActivationName;
  /**
   * The output width k.
   * @default {1}
   */
  outputDim?: number;
  /**
   * `"mean-field"`: f = (1/m) Σⱼ aⱼ σ(wⱼ·x + bⱼ); `"ntk"`: the factor 1/√m instead; both with
   * wⱼ ~ N(0, I/d) and aⱼ ~ N(0, 1). `"standard"`: PyTorch's default layers, factor 1.
   * @default {"mean-field"}
   */
  scaling?: "mean-field" | "ntk" | "standard";
  /**
   * Whether the layers have biases (bias-free ReLU nets are homogeneous).
   * @default {true}
   */
  bias?: boolean;
}

/**
 * A two-layer network f(x) = c Σⱼ aⱼ σ(wⱼ·x + bⱼ) of width m, with the scaling c = 1/m
 * (mean-field), 1/√m (NTK) or 1 (standard): an {@linkcode mlp} of sizes [d, m, k].
 *
 * @example
 * ```ts
 * import { twoLayerNet } from "minima";
 * import assert from "node:assert/strict";
 *
 * const net = twoLayerNet(2, 50);
 * assert.equal(net.numParams, 2 * 50 + 50 + 50 + 1);
 * ```
 *
 * @param inputDim The input dimension d.
 * @param width The hidden width m.
 * @param options Activation, output width, scaling, biases.
 * @returns The model.
 */
export function twoLayerNet(
  inputDim: number,
  width: number,
  options: TwoLayerNetOptions = {},
): Model {
  checkCall("twoLayerNet", arguments);
  const scaling = options.scaling ?? "mean-field";
  if (!["mean-field", "ntk", "standard"].includes(scaling)) {
    throw new TypeError(
      `Cannot build the two-layer net: scaling must be "mean-field", "ntk" or "standard", current value is ${
        JSON.stringify(scaling)
      }`,
    );
  }
  const sizes = [inputDim, width, options.outputDim ?? 1];
  if (scaling === "standard") {
    return mlp(sizes, { activation: options.activation, bias: options.bias });
  }
  return mlp(sizes, {
    activation: options.activation,
    bias: options.bias,
    init: ["lecun", "normal"],
    outputScale: scaling === "mean-field" ? 1 / width : 1 / Math.sqrt(width),
  });
}
