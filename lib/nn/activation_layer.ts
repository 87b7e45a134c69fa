import { activation, type ActivationName } from "./activation.ts";
import { builtLayer, checkInput } from "./_layer_util.ts";
import type { Layer } from "./layer.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode activationLayer}. */
export interface ActivationLayerOptions {
  /**
   * The layer's name.
   * @default {the activation's name}
   */
  name?: string;
}

/**
 * An elementwise activation as a layer (see {@linkcode activation}: relu, tanh, sigmoid, ...),
 * with exact second derivatives.
 *
 * @example
 * ```ts
 * import { activationLayer, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const relu = activationLayer("relu").build([2]);
 * const y = tf.tidy(() => relu.apply([], tf.tensor2d([[-1, 2]])));
 * assert.deepEqual(Array.from(await y.data()), [0, 2]);
 * y.dispose();
 * ```
 *
 * @param name The activation.
 * @param options The layer's name.
 * @returns The layer (no parameters).
 */
export function activationLayer(name: ActivationName, options: ActivationLayerOptions = {}): Layer {
  checkCall("activationLayer", arguments);
  const fn = activation(name);
  const layerName = options.name ?? name;
  return Object.freeze({
    name: layerName,
    build(inputShape: readonly number[]) {
      const what = `apply activation "${layerName}"`;
      return builtLayer({
        name: layerName,
        inputShape,
        outputShape: inputShape,
        paramSpecs: [],
        apply: (_params, x) => {
          checkInput(what, x, inputShape);
          return fn(x);
        },
      });
    },
  });
}
