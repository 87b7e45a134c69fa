import { tf } from "../backend/mod.ts";
import {
  builtLayer,
  channelBroadcast,
  checkInput,
  checkParamCount,
  initTensor,
} from "./_layer_util.ts";
import type { Layer } from "./layer.ts";
import type { ParamSpec } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode layerNorm}. */
export interface LayerNormOptions {
  /**
   * Learn a scale γ and shift β per channel.
   * @default {true}
   */
  affine?: boolean;
  /**
   * ε in (x − μ)/√(σ² + ε).
   * @default {1e-5}
   */
  eps?: number;
  /**
   * The layer's name: in a model its parameters are `${name}.weight` (γ) and `${name}.bias` (β).
   * @default {"ln"}
   */
  name?: string;
}

/**
 * Layer normalization (Ba, Kiros, Hinton): each sample normalized over all its entries,
 * y = γ (x − μ)/√(σ² + ε) + β with μ, σ² the mean and biased variance of the sample, and γ, β
 * per channel (the last axis). For vectors [n, d] this is PyTorch's `LayerNorm(d)`; for images
 * [n, h, w, c] it is `GroupNorm(1, c)`. No batch statistics: samples stay independent, so
 * per-sample gradients are defined.
 *
 * @see Ba, Kiros, Hinton, "Layer normalization", arXiv:1607.06450.
 *
 * @example
 * ```ts
 * import { disposeParams, layerNorm, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const layer = layerNorm().build([2]);
 * const params = layer.init(0);
 * const y = tf.tidy(() => layer.apply(params, tf.tensor2d([[1, 3]])));
 * const [a, b] = await y.data();
 * assert.ok(Math.abs(a + 1) < 1e-4 && Math.abs(b - 1) < 1e-4);
 * y.dispose();
 * disposeParams(params);
 * ```
 *
 * @param options Affine, ε and name.
 * @returns The layer (build it for [h, w, c] or [d]).
 */
export function layerNorm(options: LayerNormOptions = {}): Layer {
  checkCall("layerNorm", arguments);
  const name = options.name ?? "ln";
  const what = `build layerNorm "${name}"`;
  const affine = options.affine ?? true;
  const eps = options.eps ?? 1e-5;
  if (!(Number.isFinite(eps) && eps >= 0)) {
    throw new RangeError(
      `Cannot ${what}: eps must be a non-negative number, current value is ${eps}`,
    );
  }
  return Object.freeze({
    name,
    build(inputShape: readonly number[]) {
      if (
        !Array.isArray(inputShape) || inputShape.length < 1 ||
        !inputShape.every((s) => Number.isInteger(s) && s >= 1) ||
        inputShape.reduce((a, b) => a * b, 1) < 2
      ) {
        throw new TypeError(
          `Cannot ${what}: the input must have at least 2 entries per sample, current input shape is ${
            JSON.stringify(inputShape)
          }`,
        );
      }
      const c = inputShape[inputShape.length - 1];
      const specs: ParamSpec[] = affine
        ? [
          { name: "weight", shape: [c], role: "weight", layer: 0 },
          { name: "bias", shape: [c], role: "bias", layer: 0 },
        ]
        : [];
      const rank = inputShape.length + 1;
      const axes = Array.from({ length: rank - 1 }, (_, i) => i + 1);
      const applyWhat = `apply layerNorm "${name}"`;
      return builtLayer({
        name,
        inputShape,
        outputShape: inputShape,
        paramSpecs: specs,
        init: (rng) =>
          specs.map((s) => initTensor(rng, s.shape, { constant: s.role === "weight" ? 1 : 0 })),
        apply: (params, x) => {
          checkParamCount(applyWhat, params, specs.length);
          checkInput(applyWhat, x, inputShape);
          return tf.tidy(() => {
            const centred = tf.sub(x, tf.mean(x, axes, true));
            const variance = tf.mean(tf.square(centred), axes, true);
            const z = tf.mul(centred, tf.rsqrt(tf.add(variance, eps)));
            if (!affine) return z;
            return tf.add(
              tf.mul(z, channelBroadcast(params[0], specs[0], rank)),
              channelBroadcast(params[1], specs[1], rank),
            );
          });
        },
      });
    },
  });
}
