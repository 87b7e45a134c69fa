/**
 * Index kernels for the native backend: `ArgMax` and `ArgMin` over the last axis and `OneHot`
 * (float32), the ops of max pooling as minima writes it (the argmax of each window, then a
 * one-hot mask). Private to `lib/backend/`.
 *
 * The CPU backend's versions are the same loops with per-call overheads (a transpose check, a
 * fresh array): these read the input once, write the one-hot mask into a recycled array, and keep
 * the CPU backend's rule for ties and NaN (the first strict improvement wins; NaN never does).
 * Other axes and dtypes go to the CPU kernels.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";
import {
  cpuKernel,
  f32,
  type Info,
  type KernelArgs,
  type NativeKernel,
  sizeOf,
} from "./_native_util.ts";
import { pool } from "./_native_pool.ts";

function argExtreme(sign: 1 | -1, fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: Info };
    const { axis } = args.attrs as { axis: number | number[] };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    if (x.dtype !== "float32" || rank === 0 || axes[0] !== rank - 1) return fallback(args);
    const k = x.shape[rank - 1];
    const outShape = x.shape.slice(0, -1);
    const rows = sizeOf(outShape);
    const out = new Int32Array(rows);
    if (k === 0) return args.backend.makeTensorInfo(outShape, "int32", out);
    const v = f32(args.backend, x);
    if (k === 2) {
      // Without a branch: random data mispredicts one in two (8 ns a row against 1).
      if (sign > 0) { for (let r = 0; r < rows; r++) out[r] = Number(v[2 * r + 1] > v[2 * r]); }
      else for (let r = 0; r < rows; r++) out[r] = Number(v[2 * r + 1] < v[2 * r]);
      return args.backend.makeTensorInfo(outShape, "int32", out);
    }
    for (let r = 0, o = 0; r < rows; r++, o += k) {
      let best = sign * v[o];
      let at = 0;
      for (let j = 1; j < k; j++) {
        const s = sign * v[o + j];
        if (s > best) {
          best = s;
          at = j;
        }
      }
      out[r] = at;
    }
    return args.backend.makeTensorInfo(outShape, "int32", out);
  };
}

function oneHot(fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { indices } = args.inputs as { indices: Info };
    const { dtype, depth, onValue, offValue } = args.attrs as {
      dtype: string;
      depth: number;
      onValue: number;
      offValue: number;
    };
    if (dtype !== "float32") return fallback(args);
    const idx = args.backend.data.get(indices.dataId).values as ArrayLike<number>;
    const n = sizeOf(indices.shape);
    const out = pool.alloc(n * depth);
    out.fill(offValue);
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      if (j >= 0 && j < depth) out[i * depth + j] = onValue;
    }
    return args.backend.makeTensorInfo([...indices.shape, depth], "float32", out);
  };
}

/**
 * The index kernels of the native backend.
 *
 * @returns Kernel name → implementation.
 */
export function indexKernels(): Record<string, NativeKernel> {
  return {
    ArgMax: argExtreme(1, cpuKernel("ArgMax")),
    ArgMin: argExtreme(-1, cpuKernel("ArgMin")),
    OneHot: oneHot(cpuKernel("OneHot")),
  };
}
