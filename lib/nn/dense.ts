import { tf } from "../backend/mod.ts";
import {
  builtLayer,
  checkInit,
  checkInput,
  checkParamCount,
  initTensor,
  type LayerInit,
  perSample,
} from "./_layer_util.ts";
import type { Layer } from "./layer.ts";
import type { ParamSpec } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode dense}. */
export interface DenseOptions {
  /** Output features. */
  units: number;
  /**
   * Whether the layer adds a bias.
   * @default {true}
   */
  bias?: boolean;
  /**
   * Initial weights: `"he"`, N(0, 2/fan_in) and zero biases; `"uniform"`, U(±1/√fan_in) for
   * weights and biases (PyTorch's `Linear` default).
   * @default {"he"}
   */
  init?: LayerInit;
  /**
   * The layer's name: in a model its parameters are `${name}.weight` and `${name}.bias`.
   * @default {"linear"}
   */
  name?: string;
}

/**
 * A fully connected layer on vectors [n, in]: y = x W + b, W [in, out] (PyTorch's
 * `Linear.weight` transposed), b [out]. Per-sample weights [n, in, out] are a batched product.
 * Images go through {@linkcode flatten} or {@linkcode globalAvgPool2d} first.
 *
 * @example
 * ```ts
 * import { dense, disposeParams, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const layer = dense({ units: 3 }).build([4]);
 * assert.equal(layer.numParams, 4 * 3 + 3);
 * const params = layer.init(0);
 * const y = tf.tidy(() => layer.apply(params, tf.ones([2, 4])));
 * assert.deepEqual(y.shape, [2, 3]);
 * y.dispose();
 * disposeParams(params);
 * ```
 *
 * @param options Units, bias, init and name.
 * @returns The layer (build it for an input shape [in]).
 */
export function dense(options: DenseOptions): Layer {
  checkCall("dense", arguments);
  const name = options?.name ?? "linear";
  const what = `build dense "${name}"`;
  const units = options?.units;
  if (!Number.isInteger(units) || units < 1) {
    throw new RangeError(
      `Cannot ${what}: units must be a positive integer, current value is ${units}`,
    );
  }
  const bias = options.bias ?? true;
  const init = checkInit(what, options.init ?? "he");
  return Object.freeze({
    name,
    build(inputShape: readonly number[]) {
      if (!Array.isArray(inputShape) || inputShape.length !== 1 || !(inputShape[0] >= 1)) {
        throw new TypeError(
          `Cannot ${what}: the input must be vectors [features], current input shape is ${
            JSON.stringify(inputShape)
          }; add flatten() or globalAvgPool2d() before it`,
        );
      }
      const fanIn = inputShape[0];
      const specs: ParamSpec[] = [
        { name: "weight", shape: [fanIn, units], role: "weight", layer: 0 },
      ];
      if (bias) specs.push({ name: "bias", shape: [units], role: "bias", layer: 0 });
      const applyWhat = `apply dense "${name}"`;
      return builtLayer({
        name,
        inputShape,
        outputShape: [units],
        paramSpecs: specs,
        init: (rng) =>
          specs.map((s) => initTensor(rng, s.shape, { scheme: init, fanIn, role: s.role })),
        apply: (params, x) => {
          checkParamCount(applyWhat, params, specs.length);
          checkInput(applyWhat, x, inputShape);
          return tf.tidy(() => {
            const w = params[0];
            let y: tf.Tensor = perSample(w, specs[0])
              ? tf.reshape(
                tf.matMul(tf.expandDims(x, 1) as tf.Tensor3D, w as tf.Tensor3D),
                [x.shape[0], units],
              )
              : tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
            if (bias) y = tf.add(y, params[1]);
            return y;
          });
        },
      });
    },
  });
}
