/**
 * A {@linkcode VectorStore} whose vectors are float32 tensors on the current backend, for the
 * Krylov estimators to run without sending d-vectors through the host: products take and return
 * blocks [b, d], inner products come back as one small m×b matrix per call, and updates are
 * matrix products on the device. Private to `lib/landscape/`.
 *
 * A vector is a row of a block tensor [b, d]: a product returns its b results as the rows of one
 * tensor, so inner products against a Lanczos basis are one matrix product per block, with no
 * stacking copies. Blocks are reference counted and freed with their last row.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import type { VectorStore } from "../linalg/mod.ts";

/** A block [b, d] and how many of its rows are alive. */
interface Block {
  tensor: tf.Tensor2D;
  alive: number;
}

/** One vector: row `row` of a block. */
export interface TensorRow {
  readonly block: Block;
  readonly row: number;
  /** Set once disposed, so a double dispose is harmless. */
  disposed: boolean;
}

/** What the store's products and its owner need. */
export interface TensorStoreOptions {
  /** The dimension d. */
  dim: number;
  /** A B for a block B [b, d] (new tensor [b, d]; B is not disposed). */
  applyBlock(block: tf.Tensor2D): Promise<tf.Tensor2D>;
}

/**
 * A store on the current tfjs backend.
 *
 * @param options The dimension and the block product.
 * @returns The store; rows it makes must be disposed through it (the backend counters,
 *   `countBackend`, show what crosses between host and device).
 */
export function tensorVectorStore(options: TensorStoreOptions): VectorStore<TensorRow> {
  const dim = options.dim;

  const wrap = (tensor: tf.Tensor2D): TensorRow[] => {
    const block: Block = { tensor, alive: tensor.shape[0] };
    return Array.from({ length: tensor.shape[0] }, (_, row) => ({ block, row, disposed: false }));
  };
  const release = (v: TensorRow) => {
    if (v.disposed) return;
    v.disposed = true;
    if (--v.block.alive === 0) v.block.tensor.dispose();
  };
  /** The rows as one [b, d] tensor: the block itself when they are all its rows, in order. */
  const matrix = (vs: readonly TensorRow[]): { t: tf.Tensor2D; owned: boolean } => {
    const block = vs[0].block;
    if (
      vs.length === block.tensor.shape[0] && vs.every((v, i) => v.block === block && v.row === i)
    ) {
      return { t: block.tensor, owned: false };
    }
    return {
      t: tf.tidy(() =>
        tf.concat(vs.map((v) => tf.slice(v.block.tensor, [v.row, 0], [1, dim])), 0) as tf.Tensor2D
      ),
      owned: true,
    };
  };
  /** Groups of consecutive rows that share a block, in order: one matrix product each. */
  const groups = (xs: readonly TensorRow[]) => {
    const out: { block: Block; rows: number[] }[] = [];
    for (const x of xs) {
      const last = out[out.length - 1];
      if (last && last.block === x.block) last.rows.push(x.row);
      else out.push({ block: x.block, rows: [x.row] });
    }
    return out;
  };
  /** The part of a block's rows that a group uses ([rows, d]). */
  const groupMatrix = (g: { block: Block; rows: number[] }): tf.Tensor2D => {
    const n = g.block.tensor.shape[0];
    const contiguous = g.rows.every((r, i) => r === g.rows[0] + i);
    if (contiguous && g.rows.length === n) return g.block.tensor;
    if (contiguous) return tf.slice(g.block.tensor, [g.rows[0], 0], [g.rows.length, dim]);
    return tf.gather(g.block.tensor, tf.tensor1d(g.rows, "int32")) as tf.Tensor2D;
  };
  const read = async (t: tf.Tensor): Promise<Float64Array> =>
    Float64Array.from(await t.data() as Float32Array);

  return {
    dim,
    location: "device",
    async apply(vs) {
      const { t, owned } = matrix(vs);
      try {
        return wrap(await options.applyBlock(t));
      } finally {
        if (owned) t.dispose();
      }
    },
    fromHost(v) {
      return wrap(tf.tensor2d(Float32Array.from(v), [1, dim]))[0];
    },
    async toHost(v) {
      const row = tf.slice(v.block.tensor, [v.row, 0], [1, dim]);
      try {
        return await read(row);
      } finally {
        row.dispose();
      }
    },
    async inner(xs, ys) {
      if (xs.length === 0 || ys.length === 0) return new Float64Array(xs.length * ys.length);
      const { t: y, owned } = matrix(ys);
      const c = tf.tidy(() =>
        tf.concat(groups(xs).map((g) => tf.matMul(groupMatrix(g), y, false, true)), 0)
      );
      if (owned) y.dispose();
      try {
        return await read(c);
      } finally {
        c.dispose();
      }
    },
    subtract(ys, xs, c) {
      if (xs.length === 0) return ys;
      const b = ys.length;
      const { t: y, owned } = matrix(ys);
      const next = tf.tidy(() => {
        let acc: tf.Tensor2D = y;
        let offset = 0;
        for (const g of groups(xs)) {
          const part = tf.tensor2d(
            Float32Array.from(c.subarray(offset * b, (offset + g.rows.length) * b)),
            [g.rows.length, b],
          );
          acc = tf.sub(acc, tf.matMul(part, groupMatrix(g), true, false));
          offset += g.rows.length;
        }
        return acc;
      });
      if (owned) y.dispose();
      for (const v of ys) release(v);
      return wrap(next);
    },
    combine(xs, c, cols) {
      const out = tf.tidy(() => {
        let acc: tf.Tensor2D | undefined;
        let offset = 0;
        for (const g of groups(xs)) {
          const part = tf.tensor2d(
            Float32Array.from(c.subarray(offset * cols, (offset + g.rows.length) * cols)),
            [g.rows.length, cols],
          );
          const term = tf.matMul(part, groupMatrix(g), true, false);
          acc = (acc === undefined ? term : tf.add(acc, term)) as tf.Tensor2D;
          offset += g.rows.length;
        }
        return acc ?? tf.zeros([cols, dim]);
      }) as tf.Tensor2D;
      return wrap(out);
    },
    scale(y, s) {
      const out = tf.tidy(() =>
        tf.mul(tf.slice(y.block.tensor, [y.row, 0], [1, dim]), s) as tf.Tensor2D
      );
      release(y);
      return wrap(out)[0];
    },
    dispose(vs) {
      for (const v of vs) release(v);
    },
  };
}
