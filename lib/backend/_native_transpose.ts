/**
 * Transpose for the native backend. Private to `lib/backend/`.
 *
 * The permutation is first simplified (size-1 axes dropped, axes that stay neighbours merged), so
 * a matrix transpose inside any batch becomes `[batch, rows, cols] → [batch, cols, rows]`, done
 * with OpenBLAS's `somatcopy` (or a cache-blocked loop); other permutations walk the output in
 * order with strided reads of the input.
 *
 * @module
 */
import type { Blas } from "./_blas.ts";
import { cpuKernel, f32, type Info, type KernelArgs, type NativeKernel } from "./_native_util.ts";
import { pool } from "./_native_pool.ts";

const TILE = 32;

/** Cache-blocked 2-D transpose of a rows×cols block at `ao` into `b` at `bo`. */
function transposeBlocked(
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  rows: number,
  cols: number,
): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let r = r0; r < r1; r++) {
        const src = ao + r * cols;
        for (let c = c0; c < c1; c++) b[bo + c * rows + r] = a[src + c];
      }
    }
  }
}

/** Simplified permutation: merged input dims and the permutation of the merged axes. */
export function simplifyPermutation(
  shape: number[],
  perm: number[],
): { dims: number[]; perm: number[] } {
  // Drop size-1 axes.
  const keep = shape.map((d) => d !== 1);
  const newIndex = new Array<number>(shape.length).fill(-1);
  let k = 0;
  for (let i = 0; i < shape.length; i++) if (keep[i]) newIndex[i] = k++;
  const dims0 = shape.filter((d) => d !== 1);
  const perm0 = perm.filter((p) => keep[p]).map((p) => newIndex[p]);
  // Merge runs of input axes that appear consecutively in the permutation.
  const groups: number[][] = [];
  for (const p of perm0) {
    const last = groups.at(-1);
    if (last !== undefined && last.at(-1)! + 1 === p) last.push(p);
    else groups.push([p]);
  }
  const order = groups.map((g, i) => ({ first: g[0], i })).sort((x, y) => x.first - y.first);
  const dims = order.map(({ i }) => groups[i].reduce((s, p) => s * dims0[p], 1));
  const rank = new Array<number>(groups.length);
  order.forEach(({ i }, j) => (rank[i] = j));
  return { dims, perm: groups.map((_, i) => rank[i]) };
}

/**
 * Transposes float32 values of `shape` by `perm` into a new array.
 *
 * @param blas The BLAS (its `somatcopy` when present).
 * @param x The values.
 * @param shape Their shape.
 * @param perm The permutation.
 * @returns The transposed values.
 */
export function transposeValues(
  blas: Blas,
  x: Float32Array,
  shape: number[],
  perm: number[],
): Float32Array {
  const out = pool.alloc(x.length);
  const s = simplifyPermutation(shape, perm);
  const r = s.dims.length;
  if (r <= 1) {
    out.set(x);
    return out;
  }
  const isBatchedMatrix = s.perm[r - 1] === r - 2 && s.perm[r - 2] === r - 1 &&
    s.perm.slice(0, r - 2).every((p, i) => p === i);
  if (isBatchedMatrix) {
    const rows = s.dims[r - 2];
    const cols = s.dims[r - 1];
    const size = rows * cols;
    const batch = x.length / size;
    for (let i = 0; i < batch; i++) {
      if (blas.transpose !== undefined && size >= 1024) {
        blas.transpose(rows, cols, x.subarray(i * size), out.subarray(i * size));
      } else {
        transposeBlocked(x, i * size, out, i * size, rows, cols);
      }
    }
    return out;
  }
  // General case: walk the output in order; strides of the input along each output axis.
  const inStrides = new Array<number>(r);
  let stride = 1;
  for (let i = r - 1; i >= 0; i--) {
    inStrides[i] = stride;
    stride *= s.dims[i];
  }
  const od = s.perm.map((p) => s.dims[p]);
  const os = s.perm.map((p) => inStrides[p]);
  const inner = od[r - 1];
  const innerStride = os[r - 1];
  const idx = new Array<number>(r - 1).fill(0);
  let base = 0;
  for (let o = 0; o < out.length; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = x[base + j * innerStride];
    for (let k = r - 2; k >= 0; k--) {
      idx[k]++;
      base += os[k];
      if (idx[k] < od[k]) break;
      base -= os[k] * od[k];
      idx[k] = 0;
    }
  }
  return out;
}

/**
 * The Transpose kernel of the native backend (float32; other dtypes go to the CPU kernel).
 *
 * @param blas The opened BLAS.
 * @returns Kernel name → implementation.
 */
export function transposeKernels(blas: Blas): Record<string, NativeKernel> {
  const fallback = cpuKernel("Transpose");
  return {
    Transpose: (args: KernelArgs) => {
      const x = args.inputs.x as Info;
      const perm = args.attrs?.perm as number[];
      if (x.dtype !== "float32" || x.shape.includes(0)) return fallback(args);
      const values = transposeValues(blas, f32(args.backend, x), x.shape, perm);
      const outShape = perm.map((p) => x.shape[p]);
      return args.backend.makeTensorInfo(outShape, "float32", values);
    },
  };
}
