import { tf } from "../backend/mod.ts";
import { Rng, type Seed } from "../random/mod.ts";
import { activation, type ActivationName, ACTIVATIONS } from "./activation.ts";
import type { Model, Params, ParamSpec } from "./types.ts";
import { pairReplicas } from "./_replicas.ts";
import { checkInitSize } from "./_layer_util.ts";
import { checkCall } from "../_checks.ts";

/** How {@linkcode mlp} draws initial parameters (fan_in = the layer's input width). */
export type InitScheme = "uniform" | "lecun" | "he" | "normal";

/** Options for {@linkcode mlp}. */
export interface MlpOptions {
  /**
   * The hidden layers' activation (the output layer is linear).
   * @default {"relu"}
   */
  activation?: ActivationName;
  /**
   * Whether layers have biases (bias-free ReLU networks are homogeneous).
   * @default {true}
   */
  bias?: boolean;
  /**
   * Initialization: `"uniform"` is PyTorch's `nn.Linear` default, weights and biases
   * U(−1/√fan_in, 1/√fan_in); `"lecun"` N(0, 1/fan_in); `"he"` N(0, 2/fan_in); `"normal"`
   * N(0, 1) (mean-field two-layer nets). The last three start biases at 0. An array gives one
   * scheme per layer.
   * @default {"uniform"}
   */
  init?: InitScheme | readonly InitScheme[];
  /**
   * A factor α on every initial parameter (large α: the kernel regime).
   * @default {1}
   */
  initScale?: number;
  /**
   * A constant c multiplying the output, f = c·(last layer): 1/m gives the mean-field scaling
   * of a two-layer net of width m, 1/√m the NTK scaling.
   * @default {1}
   */
  outputScale?: number;
}

const INITS: readonly InitScheme[] = ["uniform", "lecun", "he", "normal"];

/**
 * A fully connected network over explicit parameters: for layers l = 1..L,
 * h_l = σ(h_{l−1} W_l + b_l), with the last layer linear and multiplied by `outputScale`.
 *
 * Parameters are `[W1, b1, W2, b2, ...]` (W_l of shape [n_{l−1}, n_l]), or `[W1, W2, ...]`
 * without biases. `apply` also takes per-sample parameters (every tensor with a leading axis of
 * length n), which makes per-sample gradients and Hessian-vector products one batched pass.
 *
 * @example A 2-3-1 tanh network
 * ```ts
 * import { disposeParams, mlp, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const model = mlp([2, 3, 1], { activation: "tanh" });
 * assert.equal(model.numParams, 2 * 3 + 3 + 3 * 1 + 1);
 * const params = model.init(0);
 * const y = tf.tidy(() => model.apply(params, tf.tensor2d([[1, 2]])));
 * assert.deepEqual(y.shape, [1, 1]);
 * y.dispose();
 * disposeParams(params);
 * ```
 *
 * @param sizes The widths [input, hidden..., output], at least two positive integers.
 * @param options Activation, biases, initialization and scaling.
 * @returns The model.
 */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Model {
  checkCall("mlp", arguments);
  if (
    !Array.isArray(sizes) || sizes.length < 2 ||
    !sizes.every((s) => Number.isInteger(s) && s >= 1)
  ) {
    // An undefined size is most often a property of a dataset still a Promise: say so.
    const missing = Array.isArray(sizes) && sizes.some((s) => s === undefined);
    throw new TypeError(
      `Cannot build the MLP: sizes must be at least two positive integers, current value is ${
        Array.isArray(sizes) ? `[${sizes.map((s) => String(s)).join(",")}]` : JSON.stringify(sizes)
      }${
        missing
          ? "; an undefined size often comes from a dataset not awaited (data.inputDim of fashionMnist(...) without await)"
          : ""
      }`,
    );
  }
  const actName = options.activation ?? "relu";
  if (!ACTIVATIONS.includes(actName)) {
    throw new TypeError(
      `Cannot build the MLP: activation must be one of ${
        ACTIVATIONS.map((a) => `"${a}"`).join(", ")
      }, current value is ${JSON.stringify(actName)}`,
    );
  }
  const bias = options.bias ?? true;
  const layers = sizes.length - 1;
  const schemeOption = options.init ?? "uniform";
  const schemes: InitScheme[] = Array.isArray(schemeOption)
    ? [...schemeOption]
    : Array(layers).fill(schemeOption);
  if (schemes.length !== layers || !schemes.every((s) => INITS.includes(s))) {
    throw new TypeError(
      `Cannot build the MLP: init must be one of ${
        INITS.map((a) => `"${a}"`).join(", ")
      } or an array of ${layers} of them, current value is ${JSON.stringify(schemeOption)}`,
    );
  }
  const initScale = options.initScale ?? 1;
  const outputScale = options.outputScale ?? 1;
  for (const [what, v] of [["initScale", initScale], ["outputScale", outputScale]] as const) {
    if (!Number.isFinite(v)) {
      throw new RangeError(
        `Cannot build the MLP: ${what} must be a finite number, current value is ${v}`,
      );
    }
  }
  const act = activation(actName);
  const specs: ParamSpec[] = [];
  for (let l = 0; l < layers; l++) {
    specs.push({ name: `W${l + 1}`, shape: [sizes[l], sizes[l + 1]], role: "weight", layer: l });
    if (bias) specs.push({ name: `b${l + 1}`, shape: [sizes[l + 1]], role: "bias", layer: l });
  }
  const numParams = specs.reduce((s, p) => s + p.shape[0] * (p.shape[1] ?? 1), 0);
  const perLayer = bias ? 2 : 1;

  const init = (seed: Seed): Params => {
    checkInitSize(specs, "initialize the MLP");
    const rng = new Rng(seed);
    return specs.map((spec) => {
      const fanIn = sizes[spec.layer];
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const scheme = schemes[spec.layer];
      const values = new Float32Array(size);
      if (scheme === "uniform") {
        const bound = 1 / Math.sqrt(fanIn);
        for (let i = 0; i < size; i++) values[i] = initScale * bound * (2 * rng.uniform() - 1);
      } else if (spec.role === "weight") {
        const std = scheme === "lecun"
          ? 1 / Math.sqrt(fanIn)
          : scheme === "he"
          ? Math.sqrt(2 / fanIn)
          : 1;
        for (let i = 0; i < size; i++) values[i] = initScale * std * rng.normal();
      }
      return tf.tensor(values, spec.shape as number[], "float32");
    });
  };

  const apply = (params: Params, x: tf.Tensor2D): tf.Tensor2D => {
    if (params.length !== specs.length) {
      throw new TypeError(
        `Cannot apply the MLP: params must hold ${specs.length} tensors, current length is ${params.length}`,
      );
    }
    if (x.rank !== 2 || x.shape[1] !== sizes[0]) {
      throw new TypeError(
        `Cannot apply the MLP: x must have shape [n, ${sizes[0]}], current shape is [${x.shape}]`,
      );
    }
    return tf.tidy(() => {
      let h: tf.Tensor = x;
      for (let l = 0; l < layers; l++) {
        const w = params[l * perLayer];
        // Per-sample weights [n, in, out]: each row of h times its own matrix.
        let z: tf.Tensor = w.rank === 3
          ? tf.reshape(tf.matMul(tf.expandDims(h, 1) as tf.Tensor3D, w as tf.Tensor3D), [
            h.shape[0],
            sizes[l + 1],
          ])
          : tf.matMul(h as tf.Tensor2D, w as tf.Tensor2D);
        if (bias) z = tf.add(z, params[l * perLayer + 1]);
        h = l < layers - 1 ? act(z) : z;
      }
      if (outputScale !== 1) h = tf.mul(h, outputScale);
      return h as tf.Tensor2D;
    });
  };

  // b parameter sets at once: the first layer as one matrix product x·[W^(1) … W^(b)], the
  // others as batched products [b, n, in]·[b, in, out]; biases enter through a product with a
  // column of ones, so their gradient is a batched product too (the sum over the middle axis of
  // [b, n, out] that a broadcast add leaves has no fast kernel: 70 ms of a 200 ms product).
  const applyReplicas = pairReplicas(apply, (params: Params, x: tf.Tensor): tf.Tensor3D => {
    if (params.length !== specs.length || params[0].rank !== 3) {
      throw new TypeError(
        `Cannot apply the MLP to parameter replicas: params must hold ${specs.length} tensors with a leading replica axis`,
      );
    }
    const b = params[0].shape[0], n = x.shape[0];
    return tf.tidy(() => {
      const ones = bias ? tf.ones([b, n, 1]) as tf.Tensor3D : undefined;
      let h: tf.Tensor;
      let z: tf.Tensor = tf.transpose(
        tf.reshape(
          tf.matMul(x, tf.reshape(tf.transpose(params[0], [1, 0, 2]), [sizes[0], b * sizes[1]])),
          [n, b, sizes[1]],
        ),
        [1, 0, 2],
      );
      for (let l = 0; l < layers; l++) {
        if (l > 0) z = tf.matMul(h! as tf.Tensor3D, params[l * perLayer] as tf.Tensor3D);
        if (ones) {
          z = tf.add(
            z,
            tf.matMul(ones, tf.expandDims(params[l * perLayer + 1], 1) as tf.Tensor3D),
          );
        }
        h = l < layers - 1 ? act(z) : z;
      }
      if (outputScale !== 1) h = tf.mul(h!, outputScale);
      return h! as tf.Tensor3D;
    });
  });

  return Object.freeze({
    name: `mlp ${sizes.join("-")} ${actName}${bias ? "" : " no-bias"}`,
    inputDim: sizes[0],
    outputDim: sizes[layers],
    paramSpecs: Object.freeze(specs),
    numParams,
    perSampleParams: true,
    init,
    apply,
    applyReplicas,
  });
}
