import { tf } from "../backend/mod.ts";
import { Rng, type Seed } from "../random/mod.ts";
import type { HomogeneousModel } from "./homogeneous_net.ts";
import type { Params, ParamSpec } from "./types.ts";
import { checkInitSize } from "./_layer_util.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode leakyReluNet}. */
export interface LeakyReluNetOptions {
  /**
   * The negative slope α of φ(z) = max(z, αz), in [0, 1).
   * @default {0.1}
   */
  alpha?: number;
  /**
   * A factor on every initial weight (small: the small-initialization regime).
   * @default {1}
   */
  initScale?: number;
  /**
   * The output width k.
   * @default {1}
   */
  outputDim?: number;
}

/**
 * A bias-free two-layer leaky ReLU network f(x) = Σₖ aₖ φ(wₖ·x), φ(z) = max(z, αz) with
 * 0 ≤ α < 1: positively homogeneous of degree 2 in its parameters θ = (W, a). Parameters are
 * `[W, a]` with W of shape [d, m] (column k is neuron k's wₖ) and a of shape [m, k]; both start
 * N(0, 1/fan_in) times `initScale`. φ is written αz + (1 − α)·relu(z), so its gradient reads only
 * the input and Hessian-vector products are exact. Per-sample parameters are accepted as in
 * `mlp`.
 *
 * On symmetric linearly separable data, gradient flow from small initialization on this network is
 * reported to reach the linear max-margin direction with every neuron aligned to ±w*.
 *
 * @see Lyu, Li, Wang, Arora, "Gradient descent on two-layer nets: margin maximization and
 * simplicity bias", NeurIPS 2021, arXiv 2110.13905.
 *
 * @example A pair of opposite neurons makes the network linear: f(x) = (1 + α)·(w·x)
 * ```ts
 * import { leakyReluNet, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const net = leakyReluNet(2, 2, { alpha: 0.2 });
 * assert.equal(net.degree, 2);
 * const params = [tf.tensor2d([[1, -1], [2, -2]]), tf.tensor2d([[1], [-1]])];
 * const f = net.apply(params, tf.tensor2d([[0.5, -1]]));
 * assert.ok(Math.abs((await f.data())[0] - 1.2 * (0.5 - 2)) < 1e-6);
 * tf.dispose([...params, f]);
 * ```
 *
 * @param inputDim The input dimension d.
 * @param width The number of neurons m.
 * @param options The negative slope, the initialization scale and the output width.
 * @returns The model, with its degree 2.
 */
export function leakyReluNet(
  inputDim: number,
  width: number,
  options: LeakyReluNetOptions = {},
): HomogeneousModel {
  checkCall("leakyReluNet", arguments);
  const what = "Cannot build the leaky ReLU net";
  const k = options.outputDim ?? 1;
  for (const [name, v] of [["inputDim", inputDim], ["width", width], ["outputDim", k]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${what}: ${name} must be a positive integer, current value is ${v}`);
    }
  }
  const alpha = options.alpha ?? 0.1;
  if (!(alpha >= 0 && alpha < 1)) {
    throw new RangeError(`${what}: alpha must be in [0, 1), current value is ${alpha}`);
  }
  const initScale = options.initScale ?? 1;
  if (!(Number.isFinite(initScale) && initScale > 0)) {
    throw new RangeError(
      `${what}: initScale must be a positive number, current value is ${initScale}`,
    );
  }
  const specs: ParamSpec[] = [
    { name: "W1", shape: [inputDim, width], role: "weight", layer: 0 },
    { name: "W2", shape: [width, k], role: "weight", layer: 1 },
  ];
  const init = (seed: Seed): Params => {
    checkInitSize(specs, "initialize the leaky ReLU net");
    const rng = new Rng(seed);
    return specs.map((spec) => {
      const [fanIn, fanOut] = spec.shape;
      const std = initScale / Math.sqrt(fanIn);
      const values = new Float32Array(fanIn * fanOut);
      for (let i = 0; i < values.length; i++) values[i] = std * rng.normal();
      return tf.tensor2d(values, [fanIn, fanOut]);
    });
  };
  const layer = (h: tf.Tensor, w: tf.Tensor, out: number): tf.Tensor =>
    w.rank === 3
      ? tf.reshape(tf.matMul(tf.expandDims(h, 1) as tf.Tensor3D, w as tf.Tensor3D), [
        h.shape[0],
        out,
      ])
      : tf.matMul(h as tf.Tensor2D, w as tf.Tensor2D);
  const apply = (params: Params, x: tf.Tensor2D): tf.Tensor2D => {
    if (!Array.isArray(params) || params.length !== 2) {
      throw new TypeError(
        `Cannot apply the leaky ReLU net: params must hold 2 tensors [W, a], current length is ${params?.length}`,
      );
    }
    if (x.rank !== 2 || x.shape[1] !== inputDim) {
      throw new TypeError(
        `Cannot apply the leaky ReLU net: x must have shape [n, ${inputDim}], current shape is [${x.shape}]`,
      );
    }
    return tf.tidy(() => {
      const z = layer(x, params[0], width);
      const h = alpha === 0 ? tf.relu(z) : tf.add(tf.mul(alpha, z), tf.mul(1 - alpha, tf.relu(z)));
      return layer(h, params[1], k) as tf.Tensor2D;
    });
  };
  return Object.freeze({
    name: `leaky relu ${inputDim}-${width}-${k} (α = ${alpha})`,
    inputDim,
    outputDim: k,
    paramSpecs: Object.freeze(specs),
    numParams: inputDim * width + width * k,
    perSampleParams: true,
    degree: 2,
    init,
    apply,
  });
}
