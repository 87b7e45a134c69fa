import { tf } from "../backend/mod.ts";
import { denseOperator, lanczos } from "../linalg/mod.ts";
import type { Model, ObjectivePoint, Params } from "../nn/mod.ts";
import {
  checkChunkSize,
  checkPerSample,
  type Chunk,
  DEFAULT_CHUNK_SIZE,
  makeChunks,
  PER_SAMPLE_BUDGET,
  splitChunk,
  tileParams,
} from "./_autodiff.ts";
import { checkPoint } from "./_point.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode inputSmoothness}. */
export interface InputSmoothnessOptions {
  /** The first `subset` samples, or these indices; by default all. */
  subset?: number | ArrayLike<number>;
  /** Samples per batched per-sample pass (default 2²²/d). */
  chunkSize?: number;
}

/** Input smoothness at a point and the flatness bound on it (a flat record). */
export interface InputSmoothnessResult {
  /** (1/n) Σᵢ ‖∇ₓf(xᵢ)‖ (the Frobenius norm of the input Jacobian for several outputs). */
  meanInputGradientNorm: number;
  /** (1/n) Σᵢ ‖xᵢ‖² ‖∇ₓf(xᵢ)‖², the left side of the bound. */
  weightedInputGradient: number;
  /** ‖W₁‖₂, the spectral norm of the first layer's weights. */
  firstLayerNorm: number;
  /**
   * tr G with G = (1/n) Σᵢ Jᵢᵀ Jᵢ, Jᵢ = ∂f(xᵢ)/∂θ: the Gauss–Newton matrix, equal to the Hessian
   * of the `mse` loss (½‖f − y‖²) at an interpolating minimum.
   */
  gaussNewtonTrace: number;
  /** ‖W₁‖₂² · tr G, the right side. */
  bound: number;
  /** Whether the left side is at most the bound (up to float32 rounding, 1e-4 relative). */
  holds: boolean;
  /** The samples n. */
  samples: number;
  /** Lets the result go into a table as a plain record. */
  [key: string]: number | boolean;
}

/**
 * How smooth the model is in its input, and the bound flatness puts on it (Ma and Ying): since the
 * first layer is multiplicative, z = W₁x, ∇_{W₁}f = (∇_z f)xᵀ and ∇ₓf = W₁ᵀ∇_z f, so
 * (1/n) Σᵢ ‖xᵢ‖²‖∇ₓf(xᵢ)‖² ≤ ‖W₁‖₂² · tr G, and at an interpolating minimum of the square loss
 * G = H: flat minima have small input gradients.
 *
 * Computes the input Jacobians (one backward pass per output) and tr G exactly from per-sample
 * output gradients (batched with per-sample parameters).
 *
 * @see Ma, Ying, "On linear stability of SGD and input-smoothness of neural networks", arXiv:2105.13462.
 *
 * @example A linear model f = wᵀx: ∇ₓf = w, G = mean xxᵀ
 * ```ts
 * import { createDataset, inputSmoothness, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1, 0], [0, 2]], [[0], [0]]);
 * const model = mlp([2, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[3], [4]])];
 * const r = await inputSmoothness({ model, loss: mse, data, params });
 * assert.ok(Math.abs(r.meanInputGradientNorm - 5) < 1e-5);
 * assert.ok(Math.abs(r.gaussNewtonTrace - 2.5) < 1e-5); // (1 + 4)/2
 * assert.ok(r.holds);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Subset and chunk size.
 * @returns The measured quantities and whether the bound holds.
 */
export async function inputSmoothness(
  point: ObjectivePoint,
  options: InputSmoothnessOptions = {},
): Promise<InputSmoothnessResult> {
  checkCall("inputSmoothness", arguments);
  const what = "measure input smoothness";
  checkPoint(point, what);
  checkPerSample(point.model, what);
  const { model, params } = point;
  const first = model.paramSpecs.findIndex((s) => s.role === "weight" && s.layer === 0);
  if (first < 0 || model.paramSpecs[first].shape.length !== 2) {
    throw new TypeError(
      `Cannot ${what}: the model must have a first-layer weight matrix (role "weight", layer 0), as mlp and twoLayerNet do`,
    );
  }
  const pieceSize = options.chunkSize ??
    Math.max(1, Math.floor(PER_SAMPLE_BUDGET / model.numParams));
  checkChunkSize(pieceSize, what);
  const chunks = makeChunks(point.data, options.subset, DEFAULT_CHUNK_SIZE, what, point.model);
  const k = model.outputDim;
  let sumNorm = 0, sumWeighted = 0, sumTrace = 0;
  try {
    for (const chunk of chunks.chunks) {
      // ‖∇ₓf(xᵢ)‖_F² and ‖xᵢ‖², one backward pass per output.
      const [jac2, x2] = tf.tidy(() => {
        let acc: tf.Tensor = tf.zeros([chunk.n]);
        for (let c = 0; c < k; c++) {
          const g = tf.grad((x: tf.Tensor) =>
            tf.sum(tf.slice(model.apply(params, x), [0, c], [chunk.n, 1]))
          )(chunk.x);
          acc = tf.add(acc, sampleSquares(g));
        }
        return [acc, sampleSquares(chunk.x)];
      });
      const [j2, xs] = [await jac2.data(), await x2.data()];
      tf.dispose([jac2, x2]);
      for (let i = 0; i < chunk.n; i++) {
        sumNorm += Math.sqrt(j2[i]);
        sumWeighted += xs[i] * j2[i];
      }
      for (const piece of splitChunk(chunk, pieceSize)) {
        const t = perSampleOutputGradientSquares(model, params, piece);
        sumTrace += (await t.data())[0];
        t.dispose();
        if (piece.owned) tf.dispose([piece.x, piece.y]);
      }
    }
  } finally {
    chunks.dispose();
  }
  const n = chunks.n;
  const firstLayerNorm = await spectralNorm(params[first] as tf.Tensor2D);
  const weighted = sumWeighted / n, gaussNewtonTrace = sumTrace / n;
  const bound = firstLayerNorm ** 2 * gaussNewtonTrace;
  return {
    meanInputGradientNorm: sumNorm / n,
    weightedInputGradient: weighted,
    firstLayerNorm,
    gaussNewtonTrace,
    bound,
    holds: weighted <= bound * (1 + 1e-4),
    samples: n,
  };
}

/** Σᵢ Σ_c ‖∇θ f_c(xᵢ)‖² over the samples of a piece, as a scalar tensor. */
function perSampleOutputGradientSquares(model: Model, params: Params, piece: Chunk): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    for (let c = 0; c < model.outputDim; c++) {
      const output = (ps: Params, x: tf.Tensor, n: number) =>
        tf.sum(tf.slice(model.apply(ps, x), [0, c], [n, 1])) as tf.Scalar;
      let grads: tf.Tensor[];
      if (model.perSampleParams) {
        grads = tf.grads((...ps: tf.Tensor[]) => output(ps, piece.x, piece.n))(
          tileParams(params, piece.n),
        );
      } else {
        grads = [];
        for (let i = 0; i < piece.n; i++) {
          const xi = tf.slice(piece.x, i, 1);
          grads.push(...tf.grads((...ps: tf.Tensor[]) => output(ps, xi, 1))(params));
        }
      }
      for (const g of grads) total = tf.add(total, tf.sum(tf.square(g)));
    }
    return total as tf.Scalar;
  });
}

/** ‖xᵢ‖² for each sample of a batch of any rank, [n]. */
function sampleSquares(x: tf.Tensor): tf.Tensor {
  return tf.sum(tf.square(tf.reshape(x, [x.shape[0], -1])), 1);
}

/** ‖W‖₂ by Lanczos on WᵀW in float64. */
async function spectralNorm(w: tf.Tensor2D): Promise<number> {
  const [rows, cols] = w.shape;
  const values = await w.data() as Float32Array;
  const gram = new Float64Array(cols * cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let a = 0; a < cols; a++) {
      const va = values[o + a];
      if (va === 0) continue;
      for (let b = 0; b < cols; b++) gram[a * cols + b] += va * values[o + b];
    }
  }
  const { values: top } = await lanczos(denseOperator(gram, cols), { k: 1, tol: 1e-10 });
  return Math.sqrt(Math.max(0, top[0]));
}
