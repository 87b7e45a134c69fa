import { tf } from "../backend/mod.ts";
import type { Model, Params, ParamSpec } from "./types.ts";
import { checkInitSize } from "./_layer_util.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode diagonalLinearNet}. */
export interface DiagonalLinearNetOptions {
  /**
   * The depth L: f(x) = ⟨u^L − v^L, x⟩ (powers taken entrywise), L-homogeneous in (u, v).
   * @default {2}
   */
  depth?: number;
  /**
   * The initialization scale α: u = v = α·1, so f = 0 at initialization. Large α is the kernel
   * (lazy) regime, small α the rich (sparse) one.
   * @default {1}
   */
  initScale?: number;
}

/** A diagonal linear network, with its depth and initialization scale. */
export interface DiagonalLinearModel extends Model {
  /** The homogeneity degree L (the depth). */
  readonly degree: number;
  /** The initialization scale α. */
  readonly initScale: number;
}

/**
 * A diagonal linear network f(x) = ⟨w, x⟩ with w = u^L − v^L (entrywise powers), parameters
 * [u, v] of shape [d]: a linear predictor whose implicit bias moves from ℓ₂ (the kernel regime,
 * large initialization α) to ℓ₁-like sparsity (the rich regime, small α). It is positively
 * homogeneous of degree L. With weight decay λ and a large α, the weights shrink like α e^{−λt}
 * once the data are fit, so the kernel regime ends, and the test accuracy jumps, around
 * t ≈ (log α)/λ (Lyu et al.). The initialization u = v = α·1 does not depend on the seed.
 *
 * @see Woodworth et al., "Kernel and rich regimes in overparametrized models", COLT 2020,
 * arXiv 2002.09277; Lyu, Jin, Li, Du, Lee, Hu, "Dichotomy of early and late phase implicit biases
 * can provably induce grokking", ICLR 2024, arXiv 2311.18817.
 *
 * @example At initialization the predictor is 0
 * ```ts
 * import { diagonalLinearNet, disposeParams, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const net = diagonalLinearNet(3, { initScale: 2 });
 * const p = net.init(0);
 * assert.deepEqual(Array.from(await p[0].data()), [2, 2, 2]);
 * const f = net.apply(p, tf.tensor2d([[1, -1, 4]]));
 * assert.deepEqual(Array.from(await f.data()), [0]);
 * disposeParams([p, [f]]);
 * ```
 *
 * @param inputDim The input dimension d.
 * @param options Depth and initialization scale.
 * @returns The model (one output).
 */
export function diagonalLinearNet(
  inputDim: number,
  options: DiagonalLinearNetOptions = {},
): DiagonalLinearModel {
  checkCall("diagonalLinearNet", arguments);
  const what = "build the diagonal linear net";
  if (!Number.isInteger(inputDim) || inputDim < 1) {
    throw new TypeError(
      `Cannot ${what}: inputDim must be a positive integer, current value is ${inputDim}`,
    );
  }
  const depth = options.depth ?? 2;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new RangeError(
      `Cannot ${what}: depth must be a positive integer, current value is ${depth}`,
    );
  }
  const alpha = options.initScale ?? 1;
  if (!(Number.isFinite(alpha) && alpha >= 0)) {
    throw new RangeError(
      `Cannot ${what}: initScale must be a non-negative number, current value is ${alpha}`,
    );
  }
  const d = inputDim;
  const specs: ParamSpec[] = [
    { name: "u", shape: [d], role: "weight", layer: 0 },
    { name: "v", shape: [d], role: "weight", layer: 0 },
  ];
  const power = (t: tf.Tensor): tf.Tensor => {
    let out = t;
    for (let k = 1; k < depth; k++) out = tf.mul(out, t);
    return out;
  };
  const apply = (params: Params, x: tf.Tensor2D): tf.Tensor2D => {
    if (!Array.isArray(params) || params.length !== 2) {
      throw new TypeError(
        `Cannot apply the diagonal linear net: params must hold 2 tensors [u, v], current length is ${
          Array.isArray(params) ? params.length : "none"
        }`,
      );
    }
    if (x.rank !== 2 || x.shape[1] !== d) {
      throw new TypeError(
        `Cannot apply the diagonal linear net: x must have shape [n, ${d}], current shape is [${x.shape}]`,
      );
    }
    return tf.tidy(() => {
      const w = tf.sub(power(params[0]), power(params[1]));
      // Per-sample parameters [n, d]: each row of x with its own w.
      if (w.rank === 2) return tf.sum(tf.mul(x, w), 1, true) as tf.Tensor2D;
      return tf.matMul(x, tf.reshape(w, [d, 1])) as tf.Tensor2D;
    });
  };
  return Object.freeze({
    name: `diagonal linear net d=${d} L=${depth} α=${alpha}`,
    inputDim: d,
    outputDim: 1,
    paramSpecs: Object.freeze(specs),
    numParams: 2 * d,
    perSampleParams: true,
    init: () => {
      checkInitSize(specs, "initialize the diagonal linear net");
      return [tf.fill([d], alpha), tf.fill([d], alpha)];
    },
    apply,
    degree: depth,
    initScale: alpha,
  });
}
