/**
 * Gather for the native backend: picking a minibatch's rows out of a dataset. Private to
 * `lib/backend/`.
 *
 * The CPU backend gathers element by element through index-to-coordinate conversions: 10 ms to
 * take 128 rows of 784 features, five times the training step it feeds. Here each gathered slice
 * is one contiguous block copied with `TypedArray.set`.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";
import {
  cpuKernel,
  type Info,
  type KernelArgs,
  type NativeKernel,
  sizeOf,
} from "./_native_util.ts";
import { pool } from "./_native_pool.ts";

type Numeric = Float32Array | Int32Array | Uint8Array;

/**
 * The GatherV2 kernel of the native backend (batchDims 0, numeric dtypes; the rest, and
 * out-of-range indices with their error, go to the CPU kernel).
 *
 * @returns Kernel name → implementation.
 */
export function gatherKernels(): Record<string, NativeKernel> {
  const fallback = cpuKernel("GatherV2");
  return {
    GatherV2: (args: KernelArgs) => {
      const { x, indices } = args.inputs as { x: Info; indices: Info };
      const attrs = args.attrs ?? {};
      const values = args.backend.data.get(x.dataId).values;
      const idx = args.backend.data.get(indices.dataId).values as ArrayLike<number>;
      const batchDims = Number(attrs.batchDims ?? 0);
      if (
        batchDims !== 0 || x.dtype === "string" || x.dtype === "complex64" ||
        !(values instanceof Float32Array || values instanceof Int32Array ||
          values instanceof Uint8Array)
      ) {
        return fallback(args);
      }
      const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
      const axisDim = x.shape[axis];
      for (let i = 0; i < idx.length; i++) {
        const j = idx[i];
        if (!(j >= 0 && j < axisDim && Number.isInteger(j))) return fallback(args);
      }
      const outer = sizeOf(x.shape.slice(0, axis));
      const inner = sizeOf(x.shape.slice(axis + 1));
      const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
      const size = outer * idx.length * inner;
      const out: Numeric = values instanceof Float32Array
        ? pool.alloc(size)
        : new (values.constructor as new (n: number) => Numeric)(size);
      const src = values as Numeric;
      let o = 0;
      for (let b = 0; b < outer; b++) {
        const base = b * axisDim * inner;
        for (let i = 0; i < idx.length; i++) {
          const start = base + idx[i] * inner;
          if (inner === 1) out[o] = src[start];
          else out.set(src.subarray(start, start + inner), o);
          o += inner;
        }
      }
      return args.backend.makeTensorInfo(outShape, x.dtype, out);
    },
  };
}
