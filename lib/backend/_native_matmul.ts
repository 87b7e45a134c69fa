/**
 * Matrix products for the native backend: `BatchMatMul` and `_FusedMatMul` through BLAS `sgemm`.
 * Private to `lib/backend/`.
 *
 * Row-major tfjs tensors are passed to row-major CBLAS as they are (a transposed operand is a
 * transpose flag, never a copy). Batch dimensions broadcast as NumPy does; when only the left
 * operand has batch dimensions (and is not transposed) the whole batch is one `sgemm` with
 * `batch·m` rows.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";
import type { Blas } from "./_blas.ts";
import {
  allFloat32,
  type CpuBackend,
  cpuKernel,
  f32,
  type Info,
  type KernelArgs,
  type NativeKernel,
  sizeOf,
} from "./_native_util.ts";
import { pool } from "./_native_pool.ts";
import { applyUnary, binaryLoops, broadcastPlan, runBinary } from "./_native_elementwise.ts";

/** The product's dimensions. */
interface MatMulShape {
  m: number;
  n: number;
  k: number;
  batchA: number[];
  batchB: number[];
  batchOut: number[];
  outShape: number[];
}

function matMulShape(a: Info, b: Info, transA: boolean, transB: boolean): MatMulShape {
  const ar = a.shape.length;
  const br = b.shape.length;
  const m = transA ? a.shape[ar - 1] : a.shape[ar - 2];
  const kA = transA ? a.shape[ar - 2] : a.shape[ar - 1];
  const kB = transB ? b.shape[br - 1] : b.shape[br - 2];
  const n = transB ? b.shape[br - 2] : b.shape[br - 1];
  if (kA !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${kA}) and (${kB}) of Tensors with shapes ${a.shape} and ` +
        `${b.shape} and transposeA=${transA} and transposeB=${transB} must match.`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchOut = tf.backend_util.assertAndGetBroadcastShape(batchA, batchB);
  return { m, n, k: kA, batchA, batchB, batchOut, outShape: [...batchOut, m, n] };
}

/** Offsets (in matrices) of each output batch into a batch shape that broadcasts to it. */
function batchOffsets(batch: number[], batchOut: number[]): Int32Array {
  const total = sizeOf(batchOut);
  const offsets = new Int32Array(total);
  const r = batchOut.length;
  const lead = r - batch.length;
  const strides = new Array<number>(r).fill(0);
  let s = 1;
  for (let j = batch.length - 1; j >= 0; j--) {
    if (batch[j] !== 1) strides[j + lead] = s;
    s *= batch[j];
  }
  const idx = new Array<number>(r).fill(0);
  let off = 0;
  for (let t = 0; t < total; t++) {
    offsets[t] = off;
    for (let d = r - 1; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < batchOut[d]) break;
      off -= strides[d] * batchOut[d];
      idx[d] = 0;
    }
  }
  return offsets;
}

/**
 * C = op(A)·op(B) for float32 values, with broadcast batches.
 *
 * @returns The product's values and shape.
 */
export function matMulValues(
  blas: Blas,
  av: Float32Array,
  bv: Float32Array,
  s: MatMulShape,
  transA: boolean,
  transB: boolean,
): Float32Array {
  const { m, n, k } = s;
  const out = pool.alloc(sizeOf(s.outShape));
  if (out.length === 0 || k === 0) return out.fill(0);
  const lda = Math.max(1, transA ? m : k);
  const ldb = Math.max(1, transB ? k : n);
  const sizeA = m * k;
  const sizeB = k * n;
  const sizeC = m * n;
  const batchesB = sizeOf(s.batchB);
  if (batchesB === 1 && !transA) {
    // Left batches stacked: one (batch·m)×k by k×n product.
    const rows = out.length / n;
    blas.sgemm(false, transB, rows, n, k, 1, av, lda, bv, ldb, 0, out, n);
    return out;
  }
  const offA = batchOffsets(s.batchA, s.batchOut);
  const offB = batchOffsets(s.batchB, s.batchOut);
  for (let t = 0; t < offA.length; t++) {
    blas.sgemm(
      transA,
      transB,
      m,
      n,
      k,
      1,
      av.subarray(offA[t] * sizeA, (offA[t] + 1) * sizeA),
      lda,
      bv.subarray(offB[t] * sizeB, (offB[t] + 1) * sizeB),
      ldb,
      0,
      out.subarray(t * sizeC, (t + 1) * sizeC),
      n,
    );
  }
  return out;
}

function batchMatMul(blas: Blas, fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    if (!allFloat32(a, b)) return fallback(args);
    const transA = Boolean(args.attrs?.transposeA);
    const transB = Boolean(args.attrs?.transposeB);
    const s = matMulShape(a, b, transA, transB);
    const out = matMulValues(blas, f32(args.backend, a), f32(args.backend, b), s, transA, transB);
    return args.backend.makeTensorInfo(s.outShape, "float32", out);
  };
}

const ACTIVATIONS: Record<string, string | undefined> = {
  linear: undefined,
  relu: "Relu",
  relu6: "Relu6",
  elu: "Elu",
  sigmoid: "Sigmoid",
  leakyrelu: "LeakyRelu",
};

/** Adds `bias` to the product in place when it broadcasts into it, else into a new array. */
function addBias(
  backend: CpuBackend,
  out: Float32Array,
  outShape: number[],
  bias: Info,
): { values: Float32Array; shape: number[] } {
  const plan = broadcastPlan(outShape, bias.shape);
  const target = sizeOf(plan.outShape) === out.length ? out : pool.alloc(sizeOf(plan.outShape));
  runBinary(binaryLoops("Add"), plan, out, f32(backend, bias), target);
  return { values: target, shape: plan.outShape };
}

function fusedMatMul(blas: Blas, fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { a, b, bias } = args.inputs as { a: Info; b: Info; bias?: Info };
    const attrs = args.attrs ?? {};
    const activation = String(attrs.activation ?? "linear");
    if (!allFloat32(a, b, bias) || !(activation in ACTIVATIONS)) return fallback(args);
    const transA = Boolean(attrs.transposeA);
    const transB = Boolean(attrs.transposeB);
    const s = matMulShape(a, b, transA, transB);
    let values = matMulValues(blas, f32(args.backend, a), f32(args.backend, b), s, transA, transB);
    let shape = s.outShape;
    if (bias !== undefined) ({ values, shape } = addBias(args.backend, values, shape, bias));
    const unary = ACTIVATIONS[activation];
    if (unary !== undefined) {
      applyUnary(unary, values, values, { alpha: attrs.leakyreluAlpha ?? 0.2 });
    }
    return args.backend.makeTensorInfo(shape, "float32", values);
  };
}

/**
 * The matrix-product kernels of the native backend.
 *
 * @param blas The opened BLAS.
 * @returns Kernel name → implementation.
 */
export function matMulKernels(blas: Blas): Record<string, NativeKernel> {
  return {
    BatchMatMul: batchMatMul(blas, cpuKernel("BatchMatMul")),
    _FusedMatMul: fusedMatMul(blas, cpuKernel("_FusedMatMul")),
  };
}
