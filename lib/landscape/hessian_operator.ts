import { tf } from "../backend/mod.ts";
import type { LinearOperator, VectorLocation, VectorStore } from "../linalg/mod.ts";
import type { ObjectivePoint, Params } from "../nn/mod.ts";
import {
  accumulate,
  blockToParams,
  checkVector,
  chunkGradient,
  chunkHvp,
  chunkHvpBatch,
  type Chunks,
  DEFAULT_CHUNK_SIZE,
  makeChunks,
  paramsToBlock,
  PER_SAMPLE_BUDGET,
  vectorsToParams,
  vectorToParams,
} from "./_autodiff.ts";
import { checkPoint } from "./_point.ts";
import { checkExactHessianOnce } from "./_check_exact_hessian_once.ts";
import { tensorVectorStore } from "./_tensor_vector_store.ts";
import { checkCall } from "../_checks.ts";

/** How Hessian-vector products are computed. */
export type HvpMode = "exact" | "finite-difference";

/** Options shared by every measurement that uses Hessian-vector products. */
export interface HessianOptions {
  /**
   * `"exact"`: double backprop, ∇θ⟨∇θL, v⟩ (exact up to float32 rounding). `"finite-difference"`:
   * (∇L(θ + εv) − ∇L(θ − εv))/(2ε) with ε = step/‖v‖; an explicit opt-in that prints a warning,
   * since on ReLU networks perturbations crossing kinks bias it (8% low at step 1e-3).
   * @default {"exact"}
   */
  mode?: HvpMode;
  /**
   * The length of the finite-difference perturbation εv (finite-difference mode only).
   * @default {1e-3}
   */
  step?: number;
  /**
   * Which samples the loss is averaged over: the first `subset` samples, or these indices; by
   * default all. Use the same subset throughout a run to track one fixed objective.
   */
  subset?: number | ArrayLike<number>;
  /**
   * Samples per chunk: products are summed over chunks, so memory stays bounded.
   * @default {1024}
   */
  chunkSize?: number;
  /**
   * In exact mode, compare double backprop with finite differences once per model
   * (`checkExactHessian`, a few products on 8 samples) before the first product, and warn on
   * the console, naming the operation, when they disagree; `false` skips it.
   * @default {true}
   */
  checkExact?: boolean;
}

/** A Hessian as an operator on float64 vectors; holds tensors until disposed. */
export interface HessianOperator extends LinearOperator {
  /** The parameter count d. */
  readonly dim: number;
  /** H v, for v flattened like `flattenParams`. */
  matvec(v: Float64Array): Promise<Float64Array>;
  /**
   * H v for several vectors in batched passes (one double-backprop pass over replicas of the
   * parameters when the model has `applyReplicas`, e.g. `mlp`), each summed over the chunks in
   * float64 like `matvec`.
   */
  matmat(vs: readonly Float64Array[]): Promise<Float64Array[]>;
  /**
   * A store whose vectors are float32 tensors on the current backend, so that the estimators'
   * `vectors: "device"` keeps the d-vectors off the host; products on a block of vectors are
   * the batched passes of `matmat`, summed over chunks on the device.
   */
  vectorStore(): VectorStore<unknown>;
  /**
   * `"device"` on the WebGPU backend (the estimators then keep their vectors there unless their
   * `vectors` option says otherwise), `"host"` elsewhere.
   */
  readonly preferredVectors: VectorLocation;
  /** The samples the loss is averaged over. */
  readonly samples: number;
  /** Hessian-vector products computed so far. */
  readonly products: number;
  /**
   * The relative error ε of one product, ‖H̃v − Hv‖ ≤ ε·‖H‖·‖v‖, that the eigensolvers add to
   * their residuals: 4·2⁻²³ ≈ 4.8e-7 for exact (float32 double-backprop) products, whose
   * measured error along top eigenvectors is 0.4–1.8·2⁻²³·‖H‖ (MLPs with d from 124 to 269,322
   * on 32 to 1,024 samples, against float64 R-operator products); 2⁻²³/step for finite
   * differences, whose rounding error grows as the step shrinks (their truncation bias on
   * ReLU networks is not included).
   */
  readonly relativeError: number;
  /** Frees the chunk tensors this operator made (the point's tensors are not touched). */
  dispose(): void;
}

const warned = new Set<string>();

/** 2⁻²³, the spacing of float32 numbers at 1. */
const FLOAT32_EPSILON = 2 ** -23;

/** The bound on an exact float32 Hessian-vector product's relative error (see `relativeError`). */
export const FLOAT32_HVP_RELATIVE_ERROR = 4 * FLOAT32_EPSILON;

/**
 * The Hessian H = ∇²L(θ) of the objective at a point, as a {@linkcode LinearOperator} whose
 * `matvec` is minima's one Hessian-vector-product primitive: exact double backprop
 * Hv = ∇θ⟨∇θL(θ), v⟩, summed over chunks of the data. Every spectral measurement (sharpness,
 * top eigenvalues, trace, density) is this operator handed to a `linalg` estimator.
 *
 * The operator reads `point.params` at every product (it does not copy them): do not dispose
 * them while it is in use. Dispose the operator when done.
 *
 * @see Pearlmutter, "Fast exact multiplication by the Hessian", Neural Computation 1994.
 *
 * @example The Hessian of ½(wx − y)² in w is x²
 * ```ts
 * import { createDataset, hessianOperator, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[2]], [[1]]);
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[0.5]])];
 * const H = hessianOperator({ model, loss: mse, data, params });
 * assert.deepEqual(Array.from(await H.matvec(Float64Array.of(1))), [4]);
 * H.dispose();
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param options Mode, subset and chunk size.
 * @returns The operator (call `dispose()` when done).
 */
export function hessianOperator(
  point: ObjectivePoint,
  options: HessianOptions = {},
): HessianOperator {
  checkCall("hessianOperator", arguments);
  const what = "build the Hessian operator";
  checkPoint(point, what);
  const mode = options.mode ?? "exact";
  if (mode !== "exact" && mode !== "finite-difference") {
    throw new TypeError(
      `Cannot ${what}: mode must be "exact" or "finite-difference", current value is ${
        JSON.stringify(mode)
      }`,
    );
  }
  const step = options.step ?? 1e-3;
  if (!(Number.isFinite(step) && step > 0)) {
    throw new RangeError(
      `Cannot ${what}: step must be a positive number, current value is ${step}`,
    );
  }
  if (mode === "finite-difference" && !warned.has("fd")) {
    warned.add("fd");
    console.warn(
      `minima: Hessian-vector products by central finite differences (step ${step}) are approximate and biased on ReLU networks, where perturbations cross kinks; use mode "exact" unless you are comparing the two`,
    );
  }
  const chunks = makeChunks(
    point.data,
    options.subset,
    options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    what,
    point.model,
  );
  const dim = point.model.numParams;
  let products = 0;
  let disposed = false;
  return {
    dim,
    samples: chunks.n,
    relativeError: mode === "exact" ? FLOAT32_HVP_RELATIVE_ERROR : FLOAT32_EPSILON / step,
    // On a GPU every host round trip of a d-vector costs a blocking transfer per iteration.
    preferredVectors: tf.getBackend() === "webgpu" ? "device" : "host",
    get products() {
      return products;
    },
    async matvec(v: Float64Array): Promise<Float64Array> {
      if (disposed) {
        throw new Error("Cannot compute a Hessian-vector product: the operator was disposed");
      }
      checkVector(v, dim, "v", "compute a Hessian-vector product");
      if (mode === "exact" && options.checkExact !== false) await checkExactHessianOnce(point);
      products++;
      return mode === "exact"
        ? await exactHvp(point, chunks, v)
        : await finiteDifferenceHvp(point, chunks, v, step);
    },
    async matmat(vs: readonly Float64Array[]): Promise<Float64Array[]> {
      if (disposed) {
        throw new Error("Cannot compute a Hessian-vector product: the operator was disposed");
      }
      vs.forEach((v, i) => checkVector(v, dim, `vs[${i}]`, "compute Hessian-vector products"));
      const out = vs.map(() => new Float64Array(dim));
      if (vs.length === 0) return out;
      if (mode === "exact" && options.checkExact !== false) await checkExactHessianOnce(point);
      products += vs.length;
      if (mode !== "exact") {
        for (const [i, v] of vs.entries()) {
          out[i] = await finiteDifferenceHvp(point, chunks, v, step);
        }
        return out;
      }
      const per = batchLimit(dim);
      for (let start = 0; start < vs.length; start += per) {
        const part = vs.slice(start, start + per);
        const v = vectorsToParams(part, point.model.paramSpecs);
        try {
          await eachChunkBlock(point, chunks, v, async (hv) => {
            const rows = await hv.data() as Float32Array;
            for (let i = 0; i < part.length; i++) {
              const into = out[start + i];
              for (let j = 0; j < dim; j++) into[j] += rows[i * dim + j];
            }
          });
        } finally {
          tf.dispose(v);
        }
      }
      return out;
    },
    vectorStore(): VectorStore<unknown> {
      return tensorVectorStore({
        dim,
        async applyBlock(block: tf.Tensor2D): Promise<tf.Tensor2D> {
          if (disposed) {
            throw new Error("Cannot compute a Hessian-vector product: the operator was disposed");
          }
          if (mode === "exact" && options.checkExact !== false) {
            await checkExactHessianOnce(point);
          }
          products += block.shape[0];
          if (mode !== "exact") {
            const host = await block.data() as Float32Array;
            const rows: Float64Array[] = [];
            for (let i = 0; i < block.shape[0]; i++) {
              const v = Float64Array.from(host.subarray(i * dim, (i + 1) * dim));
              rows.push(await finiteDifferenceHvp(point, chunks, v, step));
            }
            const flat = new Float32Array(rows.length * dim);
            rows.forEach((r, i) => flat.set(r, i * dim));
            return tf.tensor2d(flat, [rows.length, dim]);
          }
          const per = batchLimit(dim);
          const parts: tf.Tensor2D[] = [];
          for (let start = 0; start < block.shape[0]; start += per) {
            const b = Math.min(per, block.shape[0] - start);
            const sub = tf.slice(block, [start, 0], [b, dim]);
            const v = blockToParams(sub, point.model.paramSpecs);
            sub.dispose();
            let sum: tf.Tensor2D | undefined;
            await eachChunkBlock(point, chunks, v, (hv) => {
              const next = sum === undefined ? tf.clone(hv) : tf.add(sum, hv) as tf.Tensor2D;
              sum?.dispose();
              sum = next;
              return Promise.resolve();
            });
            tf.dispose(v);
            parts.push(sum!);
          }
          if (parts.length === 1) return parts[0];
          const all = tf.concat(parts, 0) as tf.Tensor2D;
          tf.dispose(parts);
          return all;
        },
      });
    },
    dispose() {
      if (!disposed) chunks.dispose();
      disposed = true;
    },
  };
}

/** Directions per batched pass: the replicated parameters and gradients hold b·d entries each. */
function batchLimit(dim: number): number {
  return Math.max(1, Math.floor(PER_SAMPLE_BUDGET / dim));
}

/**
 * H v_r over each chunk for b directions v (tensors [b, ...shape]): calls `use` with each
 * chunk's contribution as a block [b, d] (disposed after `use` resolves).
 */
async function eachChunkBlock(
  point: ObjectivePoint,
  chunks: Chunks,
  v: Params,
  use: (hv: tf.Tensor2D) => Promise<void>,
): Promise<void> {
  const { model, loss, params } = point;
  for (const chunk of chunks.chunks) {
    const hv = tf.tidy(() =>
      paramsToBlock(chunkHvpBatch(model, loss, params, v, chunk, 1 / chunks.n))
    );
    try {
      await use(hv);
    } finally {
      hv.dispose();
    }
  }
}

async function exactHvp(point: ObjectivePoint, chunks: Chunks, v: Float64Array) {
  const { model, loss, params } = point;
  const out = new Float64Array(model.numParams);
  const vt = vectorToParams(v, model.paramSpecs);
  try {
    for (const [c, chunk] of chunks.chunks.entries()) {
      const hv = chunkHvp(model, loss, params, vt, chunk, 1 / chunks.n);
      await accumulate(out, hv, 1, c === 0);
      tf.dispose(hv);
    }
  } finally {
    tf.dispose(vt);
  }
  return out;
}

async function finiteDifferenceHvp(
  point: ObjectivePoint,
  chunks: Chunks,
  v: Float64Array,
  step: number,
) {
  const { model, loss, params } = point;
  const out = new Float64Array(model.numParams);
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
  norm = Math.sqrt(norm);
  if (norm === 0) return out;
  const eps = step / norm;
  const vt = vectorToParams(v, model.paramSpecs);
  const plus = tf.tidy(() => params.map((p, j) => tf.add(p, tf.mul(eps, vt[j]))));
  const minus = tf.tidy(() => params.map((p, j) => tf.sub(p, tf.mul(eps, vt[j]))));
  try {
    for (const chunk of chunks.chunks) {
      for (const [ps, sign] of [[plus, 1], [minus, -1]] as const) {
        const { value, grads } = chunkGradient(model, loss, ps, chunk, 1 / chunks.n);
        await accumulate(out, grads, sign / (2 * eps));
        tf.dispose([value, ...grads]);
      }
    }
  } finally {
    tf.dispose([...vt, ...plus, ...minus]);
  }
  return out;
}

/**
 * One Hessian-vector product H v at a point (see {@linkcode hessianOperator}, which is cheaper
 * for many products: it cuts the data once).
 *
 * @example
 * ```ts
 * import { createDataset, hessianVectorProduct, mlp, mse, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1], [3]], [[0], [0]]);
 * const model = mlp([1, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[1]])];
 * // L = ½·mean(w²x²): H = (1 + 9)/2 = 5.
 * const hv = await hessianVectorProduct({ model, loss: mse, data, params }, Float64Array.of(2));
 * assert.deepEqual(Array.from(hv), [10]);
 * params[0].dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param vector v, flattened like `flattenParams`.
 * @param options Mode, subset and chunk size.
 * @returns H v as a new Float64Array.
 */
export async function hessianVectorProduct(
  point: ObjectivePoint,
  vector: ArrayLike<number>,
  options: HessianOptions = {},
): Promise<Float64Array> {
  checkCall("hessianVectorProduct", arguments);
  const op = hessianOperator(point, options);
  try {
    checkVector(vector, op.dim, "vector", "compute a Hessian-vector product");
    return await op.matvec(Float64Array.from(vector));
  } finally {
    op.dispose();
  }
}
