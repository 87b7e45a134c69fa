import { tf } from "../backend/mod.ts";
import type { LinearOperator } from "../linalg/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import {
  checkChunkSize,
  checkPerSample,
  checkVector,
  chunkPerSampleGradients,
  DEFAULT_CHUNK_SIZE,
  makeChunks,
  PER_SAMPLE_BUDGET,
  splitChunk,
} from "./_autodiff.ts";
import { checkPoint } from "./_point.ts";
import { perSampleGradients } from "./per_sample_gradients.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode gradientNoiseCovariance}. */
export interface GradientNoiseCovarianceOptions {
  /** The first `subset` samples, or these indices; by default all. */
  subset?: number | ArrayLike<number>;
  /**
   * Keep the per-sample gradient matrix G (n·d float32 entries) for fast products, or recompute
   * the gradients at every product. `"auto"` keeps it when n·d ≤ 2²⁴ (64 MB).
   * @default {"auto"}
   */
  materialize?: boolean | "auto";
  /** Samples per batched per-sample pass (see `perSampleGradients`). */
  chunkSize?: number;
}

/** The gradient-noise covariance as an operator; holds tensors until disposed. */
export interface NoiseCovarianceOperator extends LinearOperator {
  /** The parameter count d. */
  readonly dim: number;
  /** Σ v, for v flattened like `flattenParams`. */
  matvec(v: Float64Array): Promise<Float64Array>;
  /** The samples n the covariance is over. */
  readonly samples: number;
  /** Whether G is kept in memory. */
  readonly materialized: boolean;
  /** Frees the tensors it holds. */
  dispose(): void;
}

/**
 * The covariance of the per-sample gradients, Σ = (1/n) Σᵢ gᵢgᵢᵀ − ḡḡᵀ with ḡ = ∇L(θ), as a
 * {@linkcode LinearOperator} (never a dense d×d matrix): Σv = (1/n) Gᵀ(Gv) − ḡ(ḡ·v). The noise of
 * a minibatch gradient of B samples drawn with replacement has covariance Σ/B (without
 * replacement, Σ(n−B)/(B(n−1))); the SGD SDE's diffusion is (ηΣ/B)^{1/2}.
 *
 * @see Li, Tai, E, "Stochastic modified equations and adaptive stochastic gradient algorithms", ICML 2017.
 *
 * @example Two samples with gradients 3 and 10: Σ = ((3 − 6.5)² + (10 − 6.5)²)/2
 * ```ts
 * import { createDataset, gradientNoiseCovariance, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1], [2]], [[0], [1]]);
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[3]])];
 * const sigma = gradientNoiseCovariance({ model, loss: mse, data, params });
 * assert.ok(Math.abs((await sigma.matvec(Float64Array.of(1)))[0] - 12.25) < 1e-4);
 * sigma.dispose();
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Subset, materialization and chunk size.
 * @returns The operator (call `dispose()` when done).
 */
export function gradientNoiseCovariance(
  point: ObjectivePoint,
  options: GradientNoiseCovarianceOptions = {},
): NoiseCovarianceOperator {
  checkCall("gradientNoiseCovariance", arguments);
  const what = "build the gradient-noise covariance";
  checkPoint(point, what);
  checkPerSample(point.model, what);
  const d = point.model.numParams;
  const materialize = options.materialize ?? "auto";
  if (materialize !== "auto" && typeof materialize !== "boolean") {
    throw new TypeError(
      `Cannot ${what}: materialize must be true, false or "auto", current value is ${
        JSON.stringify(materialize)
      }`,
    );
  }
  const pieceSize = options.chunkSize ?? Math.max(1, Math.floor(PER_SAMPLE_BUDGET / d));
  checkChunkSize(pieceSize, what);
  const chunks = makeChunks(point.data, options.subset, DEFAULT_CHUNK_SIZE, what, point.model);
  const n = chunks.n;
  const keep = materialize === true || (materialize === "auto" && n * d <= 4 * PER_SAMPLE_BUDGET);
  /** Runs fn on the per-sample gradient rows of each piece of the data, [b, d]. */
  const eachPiece = (fn: (g: tf.Tensor2D) => void) => {
    for (const chunk of chunks.chunks) {
      for (const piece of splitChunk(chunk, pieceSize)) {
        tf.tidy(() => {
          const grads = chunkPerSampleGradients(point.model, point.loss, point.params, piece);
          fn(tf.concat(grads.map((g) => tf.reshape(g, [piece.n, -1])), 1) as tf.Tensor2D);
        });
        if (piece.owned) tf.dispose([piece.x, piece.y]);
      }
    }
  };
  let G: tf.Tensor2D | undefined;
  let mean: tf.Tensor1D;
  if (keep) {
    G = perSampleGradients(point, { subset: options.subset, chunkSize: pieceSize });
    mean = tf.tidy(() => tf.mean(G!, 0)) as tf.Tensor1D;
  } else {
    let sum: tf.Tensor1D = tf.zeros([d]);
    eachPiece((g) => {
      const next = tf.add(sum, tf.sum(g, 0)) as tf.Tensor1D;
      sum.dispose();
      sum = tf.keep(next);
    });
    mean = tf.tidy(() => tf.div(sum, n)) as tf.Tensor1D;
    sum.dispose();
  }
  let disposed = false;
  return {
    dim: d,
    samples: n,
    materialized: keep,
    async matvec(v: Float64Array): Promise<Float64Array> {
      if (disposed) {
        throw new Error("Cannot apply the gradient-noise covariance: the operator was disposed");
      }
      checkVector(v, d, "v", "apply the gradient-noise covariance");
      const vt = tf.tensor2d(Float32Array.from(v), [d, 1]);
      // Gᵀ(Gv), over the whole matrix or piece by piece.
      let second: tf.Tensor2D;
      if (G) {
        second = tf.tidy(() => tf.matMul(G!, tf.matMul(G!, vt), true, false));
      } else {
        second = tf.zeros([d, 1]);
        eachPiece((g) => {
          const next = tf.add(second, tf.matMul(g, tf.matMul(g, vt), true, false)) as tf.Tensor2D;
          second.dispose();
          second = tf.keep(next);
        });
      }
      const result = tf.tidy(() =>
        tf.sub(
          tf.div(tf.reshape(second, [d]), n),
          tf.mul(mean, tf.sum(tf.mul(mean, tf.reshape(vt, [d])))),
        )
      );
      tf.dispose([vt, second]);
      const out = Float64Array.from(await result.data() as Float32Array);
      result.dispose();
      return out;
    },
    dispose() {
      if (!disposed) {
        G?.dispose();
        mean.dispose();
        chunks.dispose();
      }
      disposed = true;
    },
  };
}
