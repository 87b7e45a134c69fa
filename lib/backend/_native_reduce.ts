/**
 * Reductions (Sum, Mean, Max, Min) and Softmax for the native backend. Private to
 * `lib/backend/`.
 *
 * The CPU backend reduces by first transposing the reduced axes to the end (an element-by-element
 * index conversion), then summing rows. Here a reduction over trailing axes sums rows in place and
 * one over leading axes sums columns, with BLAS `sgemv` against a vector of ones when the matrix
 * is large (a bias gradient is the column sum of the batch). Other axis patterns go to the CPU
 * kernel.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";
import type { Blas } from "./_blas.ts";
import {
  cpuKernel,
  f32,
  type Info,
  type KernelArgs,
  type NativeKernel,
  onesOf,
} from "./_native_util.ts";
import { pool } from "./_native_pool.ts";

/** Above this many elements a sum goes to BLAS (below it the FFI call costs more than it saves). */
const BLAS_SUM_MIN = 4096;

/** A reduction seen as a matrix: `rows × cols`, reduced along rows (`"rows"`) or columns. */
interface ReducePlan {
  rows: number;
  cols: number;
  /** "inner": reduce each row (trailing axes); "outer": reduce each column (leading axes). */
  kind: "inner" | "outer";
  outShape: number[];
}

/**
 * Sees a reduction over `axes` of `shape` as a row or column reduction of a matrix, or returns
 * undefined when the axes are neither leading nor trailing.
 */
function reducePlan(shape: number[], axis: unknown, keepDims: boolean): ReducePlan | undefined {
  const axes = tf.util.parseAxisParam(axis as number | number[], shape).sort((x, y) => x - y);
  const rank = shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) reduced[a] = true;
  const outShape: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (!reduced[i]) outShape.push(shape[i]);
    else if (keepDims) outShape.push(1);
  }
  // Size-1 dimensions do not change the layout: ignore them when classifying.
  const big = shape.map((d, i) => ({ d, r: reduced[i] })).filter((x) => x.d !== 1);
  let kept = 1;
  let red = 1;
  for (const x of big) x.r ? (red *= x.d) : (kept *= x.d);
  const firstReduced = big.findIndex((x) => x.r);
  const lastKept = big.findLastIndex((x) => !x.r);
  if (firstReduced === -1 || lastKept < firstReduced) {
    return { rows: kept, cols: red, kind: "inner", outShape };
  }
  const firstKept = big.findIndex((x) => !x.r);
  const lastReduced = big.findLastIndex((x) => x.r);
  if (lastReduced < firstKept) return { rows: red, cols: kept, kind: "outer", outShape };
  return undefined;
}

/** Sums (scaled by `scale`) of the rows or columns of x. */
function sumPlan(blas: Blas, x: Float32Array, plan: ReducePlan, scale: number): Float32Array {
  const { rows, cols, kind } = plan;
  const out = pool.alloc(kind === "inner" ? rows : cols);
  if (rows * cols >= BLAS_SUM_MIN) {
    // inner: out = x·1 (x is rows×cols); outer: out = xᵀ·1.
    const trans = kind === "outer";
    blas.sgemv(trans, rows, cols, scale, x, cols, onesOf(trans ? rows : cols), 0, out);
    return out;
  }
  if (kind === "inner") {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const o = r * cols;
      for (let c = 0; c < cols; c++) s += x[o + c];
      out[r] = s * scale;
    }
  } else {
    const acc = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let c = 0; c < cols; c++) acc[c] += x[o + c];
    }
    for (let c = 0; c < cols; c++) out[c] = acc[c] * scale;
  }
  return out;
}

/** Max (sign 1) or min (sign -1) of rows or columns; NaN wins, as in the CPU backend. */
function extremePlan(x: Float32Array, plan: ReducePlan, sign: 1 | -1): Float32Array {
  const { rows, cols, kind } = plan;
  if (kind === "inner") {
    const out = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let m = x[o];
      for (let c = 1; c < cols; c++) {
        const v = x[o + c];
        if (v !== v || sign * v > sign * m) m = v;
      }
      out[r] = m;
    }
    return out;
  }
  const out = x.slice(0, cols);
  for (let r = 1; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = x[o + c];
      if (v !== v || sign * v > sign * out[c]) out[c] = v;
    }
  }
  return out;
}

function reduceKernel(
  blas: Blas,
  name: "Sum" | "Mean" | "Max" | "Min",
  axisAttr: string,
): NativeKernel {
  const fallback = cpuKernel(name);
  return (args: KernelArgs) => {
    const x = args.inputs.x as Info;
    const attrs = args.attrs ?? {};
    if (x.dtype !== "float32" || x.shape.includes(0)) return fallback(args);
    const plan = reducePlan(x.shape, attrs[axisAttr], Boolean(attrs.keepDims));
    if (plan === undefined) return fallback(args);
    const xs = f32(args.backend, x);
    let out: Float32Array;
    if (name === "Sum") out = sumPlan(blas, xs, plan, 1);
    else if (name === "Mean") {
      out = sumPlan(blas, xs, plan, 1 / (plan.kind === "inner" ? plan.cols : plan.rows));
    } else out = extremePlan(xs, plan, name === "Max" ? 1 : -1);
    return args.backend.makeTensorInfo(plan.outShape, "float32", out);
  };
}

/** Softmax over the last axis: exp(x − max) / Σ exp(x − max), one pass per row. */
function softmaxKernel(): NativeKernel {
  const fallback = cpuKernel("Softmax");
  return (args: KernelArgs) => {
    const logits = args.inputs.logits as Info;
    const rank = logits.shape.length;
    const dim = Number(args.attrs?.dim ?? -1);
    if (logits.dtype !== "float32" || logits.shape.includes(0) || rank === 0) {
      return fallback(args);
    }
    if (dim !== -1 && dim !== rank - 1) return fallback(args);
    const x = f32(args.backend, logits);
    const cols = logits.shape[rank - 1];
    const rows = x.length / cols;
    const out = pool.alloc(x.length);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let m = x[o];
      for (let c = 1; c < cols; c++) if (x[o + c] > m || x[o + c] !== x[o + c]) m = x[o + c];
      let s = 0;
      for (let c = 0; c < cols; c++) {
        const e = Math.fround(Math.exp(Math.fround(x[o + c] - m)));
        out[o + c] = e;
        s += e;
      }
      const sf = Math.fround(s);
      for (let c = 0; c < cols; c++) out[o + c] /= sf;
    }
    return args.backend.makeTensorInfo(logits.shape, "float32", out);
  };
}

/**
 * The reduction kernels of the native backend.
 *
 * @param blas The opened BLAS.
 * @returns Kernel name → implementation.
 */
export function reduceKernels(blas: Blas): Record<string, NativeKernel> {
  return {
    Sum: reduceKernel(blas, "Sum", "axis"),
    Mean: reduceKernel(blas, "Mean", "axis"),
    Max: reduceKernel(blas, "Max", "reductionIndices"),
    Min: reduceKernel(blas, "Min", "axis"),
    Softmax: softmaxKernel(),
  };
}
