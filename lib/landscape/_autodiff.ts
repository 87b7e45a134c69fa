/**
 * The one place where minima differentiates: gradients, Hessian-vector products by double
 * backprop, per-sample gradients and per-sample Hessian-vector products, all summed over chunks
 * of the data so that memory stays bounded. Every public measurement in `landscape/` and the
 * train loop call these. Private to minima.
 *
 * Conventions: the objective is L(θ) = (1/n) Σᵢ ℓᵢ(θ) over the n samples in use; a chunk's
 * contribution is (1/n) Σ_{i∈chunk} ℓᵢ, so chunk results add up to the full one. Inputs may have
 * any rank ([n, d] or images [n, h, w, c]); chunks are cut along the first axis. For a model with
 * `batchStatistics` (BatchNorm in train mode) ℓᵢ depends on the samples normalized with sample i,
 * so chunks are cut only at the boundaries of those groups, and per-sample passes refuse it.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import type { Dataset } from "../data/mod.ts";
import { subsetIndices } from "../data/dataset_subset.ts";
import type { Loss, Model, Params, ParamSpec } from "../nn/mod.ts";
import { consistentReplicas } from "../nn/_internal.ts";

/** A slice of the data: at most `chunkSize` samples. */
export interface Chunk {
  x: tf.Tensor;
  y: tf.Tensor;
  /** Samples in this chunk. */
  n: number;
  /** Whether the chunk made its own tensors (and must dispose them). */
  owned: boolean;
}

/** The samples a measurement runs on, cut in chunks. */
export interface Chunks {
  chunks: Chunk[];
  /** Samples in all. */
  n: number;
  dispose(): void;
}

/** The default number of samples per chunk for full-parameter passes. */
export const DEFAULT_CHUNK_SIZE = 1024;

/** Float32 entries a per-sample pass may hold per tensor (B·d), which sets its chunk size. */
export const PER_SAMPLE_BUDGET = 1 << 22;

/**
 * Cuts the data (or a subset: the first `subset` samples, or indices) in chunks.
 * Without a subset and with n ≤ chunkSize, the dataset's own tensors are used (no copy).
 * With a model that normalizes over groups of G samples, chunks hold whole groups (chunkSize is
 * rounded down to a multiple of G, at least G); over the whole batch, one chunk or an error.
 */
export function makeChunks(
  data: Dataset,
  subset: number | ArrayLike<number> | undefined,
  chunkSize: number,
  what: string,
  model?: Model,
): Chunks {
  checkChunkSize(chunkSize, what);
  const group = model?.batchStatistics;
  if (group !== undefined) {
    const total = subset === undefined
      ? data.n
      : typeof subset === "number"
      ? subset
      : subset.length;
    if (group === Infinity && total > chunkSize) {
      throw new RangeError(
        `Cannot ${what}: the model normalizes over the whole batch it is given (batch statistics), so the loss of these ${total} samples is one pass; set chunkSize to at least ${total}, or build the model with a ghostBatchSize`,
      );
    }
    if (group !== Infinity) chunkSize = Math.max(group, chunkSize - (chunkSize % group));
  }
  const chunks: Chunk[] = [];
  if (subset === undefined && data.n <= chunkSize) {
    chunks.push({ x: data.x, y: data.y, n: data.n, owned: false });
  } else {
    const indices = subset === undefined
      ? Int32Array.from({ length: data.n }, (_, i) => i)
      : subsetIndices(data.n, subset, what);
    try {
      for (let start = 0; start < indices.length; start += chunkSize) {
        const part = indices.subarray(start, Math.min(indices.length, start + chunkSize));
        // A gather that throws (a disposed dataset) must not leak the index or earlier chunks.
        chunks.push(tf.tidy(() => {
          const idx = tf.tensor1d(part, "int32");
          return {
            x: tf.gather(data.x, idx),
            y: tf.gather(data.y, idx),
            n: part.length,
            owned: true,
          };
        }));
      }
    } catch (error) {
      for (const c of chunks) tf.dispose([c.x, c.y]);
      throw error;
    }
  }
  const n = chunks.reduce((s, c) => s + c.n, 0);
  return {
    chunks,
    n,
    dispose() {
      for (const c of chunks) {
        if (c.owned) {
          c.x.dispose();
          c.y.dispose();
        }
      }
    },
  };
}

/** Splits a chunk into pieces of at most `size` samples (views for the per-sample passes). */
export function splitChunk(chunk: Chunk, size: number): Chunk[] {
  if (chunk.n <= size) return [{ ...chunk, owned: false }];
  const out: Chunk[] = [];
  for (let start = 0; start < chunk.n; start += size) {
    const b = Math.min(size, chunk.n - start);
    out.push({
      x: tf.slice(chunk.x, start, b),
      y: tf.slice(chunk.y, start, b),
      n: b,
      owned: true,
    });
  }
  return out;
}

/** Checks a chunk size option. */
export function checkChunkSize(chunkSize: number, what: string): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(
      `Cannot ${what}: chunkSize must be a positive integer, current value is ${chunkSize}`,
    );
  }
}

/** The scalar (scale) Σᵢ ℓᵢ(θ) over a chunk. */
export function chunkLoss(
  model: Model,
  loss: Loss,
  params: Params,
  chunk: Chunk,
  scale: number,
): tf.Scalar {
  return tf.tidy(() =>
    tf.mul(tf.sum(loss.perSample(model.apply(params, chunk.x), chunk.y)), scale)
  );
}

/**
 * ∇ of a scalar function at xs, with the value. A parameter the function does not depend on (a
 * loss linear in it, for the outer pass of an HVP) gets a zero gradient instead of the error
 * tf.grads throws: tfjs's engine is asked to allow missing gradients, at no extra cost.
 */
export function gradients(
  f: (...xs: tf.Tensor[]) => tf.Scalar,
  xs: tf.Tensor[],
): { value: tf.Scalar; grads: tf.Tensor[] } {
  const { value, grads } = tf.engine().gradients(() => f(...xs), xs, undefined, true);
  return { value, grads: grads.map((g, i) => g ?? tf.zerosLike(xs[i])) };
}

/** ∇θ of (scale)·Σᵢ ℓᵢ over a chunk, with the loss value. New tensors. */
export function chunkGradient(
  model: Model,
  loss: Loss,
  params: Params,
  chunk: Chunk,
  scale: number,
): { value: tf.Scalar; grads: Params } {
  return tf.tidy(() => gradients((...ps) => chunkLoss(model, loss, ps, chunk, scale), params));
}

/**
 * H v for (scale)·Σᵢ ℓᵢ over a chunk, by double backprop: ∇θ ⟨∇θ L(θ), v⟩. New tensors.
 */
export function chunkHvp(
  model: Model,
  loss: Loss,
  params: Params,
  v: Params,
  chunk: Chunk,
  scale: number,
): Params {
  return tf.tidy(() =>
    gradients((...ps) => {
      const inner = gradients((...qs) => chunkLoss(model, loss, qs, chunk, scale), ps);
      return seededBy(inner.grads, v, inner.value);
    }, params).grads
  );
}

/**
 * A scalar whose gradient with respect to each gⱼ is vⱼ, so that the outer pass of
 * `gradients` computes Σⱼ ∂⟨gⱼ, vⱼ⟩/∂θ = H v directly. Only valid as the function `gradients`
 * differentiates (its seed is 1), and its value (here `value`, unused) is not ⟨g, v⟩. Writing
 * ⟨g, v⟩ as Σⱼ sum(gⱼ ⊙ vⱼ) instead costs a multiply, a sum and their gradients per parameter
 * tensor: about 30 of a 3-layer MLP's 145 GPU dispatches per product.
 */
function seededBy(g: Params, v: Params, value: tf.Scalar): tf.Scalar {
  const seed = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    void args; // the inputs are g: they only route the gradient
    // Clones share the data (no copy, no GPU dispatch) but are tensors the pass may dispose.
    return { value: tf.clone(value), gradFunc: () => v.map((vj) => tf.clone(vj)) };
  }) as (...g: tf.Tensor[]) => tf.Scalar;
  return seed(...g);
}

/**
 * H v_r for b directions at once, for (scale)·Σᵢ ℓᵢ over a chunk: `v` holds tensors
 * [b, ...param shape], and so does the result. With `model.applyReplicas` (when it computes the
 * model's own `apply`: a copy of an mlp with another `apply` does not use it), one double-backprop
 * pass over b replicas of the parameters, ∇_{θ_r} Σ_r ⟨∇_{θ_r} L(θ_r), v_r⟩ with every θ_r = θ
 * (the replicas do not interact, so slot r gets H v_r); otherwise one pass per direction.
 */
export function chunkHvpBatch(
  model: Model,
  loss: Loss,
  params: Params,
  v: Params,
  chunk: Chunk,
  scale: number,
): Params {
  const b = v[0].shape[0];
  const replicas = consistentReplicas(model);
  if (replicas === undefined || b === 1) {
    return tf.tidy(() => {
      const rows: Params[] = [];
      for (let r = 0; r < b; r++) {
        const vr = v.map((t) => tf.reshape(tf.slice(t, r, 1), t.shape.slice(1)));
        rows.push(chunkHvp(model, loss, params, vr, chunk, scale));
      }
      return rows[0].map((_, j) => tf.stack(rows.map((row) => row[j])));
    });
  }
  const applyReplicas = replicas.bind(model);
  return tf.tidy(() => {
    const targets = tf.concat(Array.from({ length: b }, () => chunk.y), 0);
    const replicaLoss = (ps: tf.Tensor[]): tf.Scalar => {
      const out = applyReplicas(ps, chunk.x);
      const flat = tf.reshape(out, [b * chunk.n, out.shape[2]]) as tf.Tensor2D;
      return tf.mul(tf.sum(loss.perSample(flat, targets)), scale);
    };
    return gradients((...ps) => {
      const inner = gradients((...qs) => replicaLoss(qs), ps);
      return seededBy(inner.grads, v, inner.value);
    }, tileParams(params, b)).grads;
  });
}

/**
 * A block of b flat vectors [b, d] as parameter-shaped tensors [b, ...shape] (new tensors).
 * Through the transpose [d, b], whose parameter parts are contiguous rows: slicing columns of
 * [b, d] directly runs tfjs's generic strided Slice, which took 80% of a batched product.
 */
export function blockToParams(block: tf.Tensor2D, specs: readonly ParamSpec[]): Params {
  const b = block.shape[0];
  return tf.tidy(() => {
    const columns = tf.transpose(block);
    const out: Params = [];
    let offset = 0;
    for (const spec of specs) {
      const size = spec.shape.reduce((a, c) => a * c, 1);
      const part = tf.slice(columns, [offset, 0], [size, b]);
      out.push(tf.reshape(tf.transpose(part), [b, ...spec.shape]));
      offset += size;
    }
    return out;
  });
}

/** Float32 tensors [b, ...shape] for each parameter from b flat host vectors. */
export function vectorsToParams(
  vs: readonly ArrayLike<number>[],
  specs: readonly ParamSpec[],
): Params {
  const b = vs.length;
  const out: Params = [];
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, c) => a * c, 1);
    const values = new Float32Array(b * size);
    for (let r = 0; r < b; r++) {
      const v = vs[r];
      if (v instanceof Float64Array) values.set(v.subarray(offset, offset + size), r * size);
      else for (let i = 0; i < size; i++) values[r * size + i] = v[offset + i];
    }
    out.push(tf.tensor(values, [b, ...spec.shape] as number[], "float32"));
    offset += size;
  }
  return out;
}

/** Parameter-shaped tensors [b, ...shape] as one block [b, d] (a new tensor). */
export function paramsToBlock(parts: Params): tf.Tensor2D {
  const b = parts[0].shape[0];
  return tf.tidy(() =>
    tf.concat(parts.map((t) => tf.reshape(t, [b, t.size / b])), 1) as tf.Tensor2D
  );
}

/**
 * Parameters repeated along a new leading axis of length b, as the outer product 1_b ⊗ vec(p):
 * tfjs's Tile kernel computes an index per element and took 80% of a per-sample HVP pass.
 *
 * The right operand is a fresh copy of p (p + 0), not a reshape of p itself: the WASM backend
 * caches its matrix-multiply operators by the right operand's data, without the shape, so using
 * the parameters' data as [1, size] here and as [in, out] in the model corrupts its heap
 * ("memory access out of bounds" later, at an unrelated dispose; tensorflow/tfjs#6439).
 */
export function tileParams(params: Params, b: number): Params {
  return tf.tidy(() => {
    const ones = tf.ones([b, 1]) as tf.Tensor2D;
    return params.map((p) => {
      const row = tf.reshape(tf.add(p, 0), [1, p.size]) as tf.Tensor2D;
      return tf.reshape(tf.matMul(ones, row), [b, ...p.shape]);
    });
  });
}

/**
 * Per-sample gradients of ℓᵢ (unscaled) for the samples of a chunk, stacked: tensors shaped
 * [b, ...param shape]. Uses per-sample parameters in one batched pass when the model takes them,
 * else a loop over samples.
 */
export function chunkPerSampleGradients(
  model: Model,
  loss: Loss,
  params: Params,
  chunk: Chunk,
): Params {
  checkPerSample(model);
  if (!model.perSampleParams) {
    return loopOverSamples(chunk, (piece) => chunkGradient(model, loss, params, piece, 1).grads);
  }
  return tf.tidy(() =>
    gradients((...ps) => chunkLoss(model, loss, ps, chunk, 1), tileParams(params, chunk.n)).grads
  );
}

/**
 * Per-sample Hessian-vector products Hᵢ uᵢ of ℓᵢ (unscaled) for the samples of a chunk, each
 * with its own vector: `u` holds tensors [b, ...param shape]; so does the result.
 */
export function chunkPerSampleHvp(
  model: Model,
  loss: Loss,
  params: Params,
  u: Params,
  chunk: Chunk,
): Params {
  checkPerSample(model);
  if (!model.perSampleParams) {
    return loopOverSamples(
      chunk,
      (piece, i) => chunkHvp(model, loss, params, u.map((t) => tf.gather(t, i)), piece, 1),
    );
  }
  return tf.tidy(() =>
    gradients((...ps) => {
      const inner = gradients((...qs) => chunkLoss(model, loss, qs, chunk, 1), ps);
      return seededBy(inner.grads, u, inner.value);
    }, tileParams(params, chunk.n)).grads
  );
}

/**
 * Refuses per-sample passes for a model whose samples share batch statistics: there ℓᵢ depends
 * on the other samples of its group, and a sample alone has no batch variance.
 */
export function checkPerSample(model: Model, what = "compute per-sample quantities"): void {
  if (model.batchStatistics !== undefined) {
    throw new TypeError(
      `Cannot ${what}: the model normalizes over batches (BatchNorm in train mode), so a sample's loss depends on the other samples in its batch and per-sample gradients are not defined; measure evalMode(model, state), which uses running statistics, or a model with norm: "none"`,
    );
  }
}

/** Runs `fn` on each sample of a chunk alone and stacks the results along a new axis 0. */
function loopOverSamples(chunk: Chunk, fn: (piece: Chunk, i: number) => Params): Params {
  return tf.tidy(() => {
    const parts: Params[] = [];
    for (let i = 0; i < chunk.n; i++) {
      const piece: Chunk = {
        x: tf.slice(chunk.x, i, 1),
        y: tf.slice(chunk.y, i, 1),
        n: 1,
        owned: true,
      };
      parts.push(fn(piece, i));
    }
    return parts[0].map((_, j) => tf.stack(parts.map((p) => p[j])));
  });
}

/** Float32 tensors of the parameters' shapes from a flat vector (like unflattenParams). */
export function vectorToParams(v: ArrayLike<number>, specs: readonly ParamSpec[]): Params {
  const out: Params = [];
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (v instanceof Float64Array) {
      // Every estimator's vectors: the engine's own float64 → float32 copy.
      values = new Float32Array(v.subarray(offset, offset + size));
    } else {
      values = new Float32Array(size);
      for (let i = 0; i < size; i++) values[i] = v[offset + i];
    }
    out.push(tf.tensor(values, spec.shape as number[], "float32"));
    offset += size;
  }
  return out;
}

/**
 * Adds the tensors' entries, flattened in order, into a float64 accumulator; with `overwrite`,
 * writes them instead (scaled), as adding into zeros would, without reading `into`.
 */
export async function accumulate(
  into: Float64Array,
  tensors: Params,
  scale = 1,
  overwrite = false,
): Promise<void> {
  let offset = 0;
  for (const t of tensors) {
    const data = await t.data() as Float32Array;
    if (overwrite) {
      // The native float32 → float64 copy, then the scale: 0 + s·x = s·x exactly.
      into.set(data, offset);
      if (scale !== 1) { for (let i = 0; i < data.length; i++) into[offset + i] *= scale; }
    } else {
      for (let i = 0; i < data.length; i++) into[offset + i] += scale * data[i];
    }
    offset += data.length;
  }
}

/** Checks a flat vector against the parameter count. */
export function checkVector(v: ArrayLike<number>, dim: number, name: string, what: string): void {
  if (v === null || typeof v !== "object" || typeof v.length !== "number") {
    throw new TypeError(
      `Cannot ${what}: ${name} must be an array of length ${dim} (the parameter count), current value is ${v}`,
    );
  }
  if (v.length !== dim) {
    throw new TypeError(
      `Cannot ${what}: ${name} must have length ${dim} (the parameter count), current length is ${v.length}`,
    );
  }
  const i = v instanceof Float64Array ? firstNonFinite64(v) : firstNonFinite(v);
  if (i >= 0) {
    throw new TypeError(
      `Cannot ${what}: ${name} must be finite, entry ${i} is ${v[i]}`,
    );
  }
}

/** The index of the first non-finite entry, or −1. */
function firstNonFinite(v: ArrayLike<number>): number {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return i;
  return -1;
}

/**
 * The same for a Float64Array, in a loop of its own: a loop that has also seen other kinds of
 * arrays runs generic element loads, 4–13 ms instead of 1 ms on 1.9M entries.
 */
function firstNonFinite64(v: Float64Array): number {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return i;
  return -1;
}
