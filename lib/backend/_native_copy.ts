/**
 * Copies of boxes between tensors for the native backend: `Slice` (a box out of a tensor) and
 * `PadV2` (a tensor into a box of a constant-filled one), float32. Private to `lib/backend/`.
 *
 * The CPU backend copies these element by element through coordinate arrays (`indexToLoc` and
 * `locToIndex`, 50–100 ns per element): the pad shortcut of a ResNet and its gradient spent more
 * time there than in every convolution together. Here the box is walked as runs of contiguous
 * elements (trailing dimensions the box covers whole are merged into one run), copied with
 * `TypedArray.set` when long and a loop when short. A slice that is one contiguous range stays
 * the CPU backend's (it returns a view, no copy).
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

/** Runs shorter than this are copied by a loop (a subarray costs more than the copy). */
const SET_MIN = 32;

/**
 * Copies a box of `size` from `src` (shape `srcShape`, box at `srcBegin`) to `dst` (shape
 * `dstShape`, box at `dstBegin`).
 */
export function copyBox(
  src: Float32Array,
  srcShape: readonly number[],
  srcBegin: readonly number[],
  dst: Float32Array,
  dstShape: readonly number[],
  dstBegin: readonly number[],
  size: readonly number[],
): void {
  const rank = size.length;
  if (sizeOf(size) === 0) return;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  // Merge trailing dimensions the box covers whole in both tensors into one run.
  let run = 1;
  let d = rank - 1;
  while (d > 0 && size[d] === srcShape[d] && size[d] === dstShape[d]) run *= size[d--];
  run *= size[d];
  // Strides of the outer dimensions 0..d (in elements), and the run's start offsets.
  const srcStrides = new Array<number>(rank);
  const dstStrides = new Array<number>(rank);
  let s = 1, t = 1;
  for (let i = rank - 1; i >= 0; i--) {
    srcStrides[i] = s;
    dstStrides[i] = t;
    s *= srcShape[i];
    t *= dstShape[i];
  }
  let srcOff = 0, dstOff = 0;
  for (let i = 0; i < rank; i++) {
    srcOff += srcBegin[i] * srcStrides[i];
    dstOff += dstBegin[i] * dstStrides[i];
  }
  const outer = d; // dimensions 0..d−1 are walked; d is inside the run
  const idx = new Array<number>(outer).fill(0);
  for (;;) {
    if (run >= SET_MIN) dst.set(src.subarray(srcOff, srcOff + run), dstOff);
    else for (let i = 0; i < run; i++) dst[dstOff + i] = src[srcOff + i];
    let k = outer - 1;
    while (k >= 0) {
      idx[k]++;
      srcOff += srcStrides[k];
      dstOff += dstStrides[k];
      if (idx[k] < size[k]) break;
      srcOff -= srcStrides[k] * size[k];
      dstOff -= dstStrides[k] * size[k];
      idx[k] = 0;
      k--;
    }
    if (k < 0) return;
  }
}

function slice(fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: Info };
    if (x.dtype !== "float32") return fallback(args);
    const attrs = args.attrs as { begin: number | number[]; size?: number | number[] };
    const [begin, size] = tf.slice_util.parseSliceParams(
      x as unknown as tf.TensorInfo,
      attrs.begin,
      attrs.size,
    );
    tf.slice_util.assertParamsValid(x as unknown as tf.TensorInfo, begin, size);
    if (tf.slice_util.isSliceContinous(x.shape, begin, size)) return fallback(args);
    const out = pool.alloc(sizeOf(size));
    copyBox(f32(args.backend, x), x.shape, begin, out, size, size.map(() => 0), size);
    return args.backend.makeTensorInfo(size, "float32", out);
  };
}

function padV2(fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: Info };
    if (x.dtype !== "float32") return fallback(args);
    const attrs = args.attrs as { paddings: [number, number][]; constantValue: number };
    if (attrs.paddings.some((p) => p[0] < 0 || p[1] < 0)) return fallback(args);
    const outShape = attrs.paddings.map((p, i) => p[0] + x.shape[i] + p[1]);
    const out = pool.alloc(sizeOf(outShape));
    out.fill(attrs.constantValue ?? 0);
    copyBox(
      f32(args.backend, x),
      x.shape,
      x.shape.map(() => 0),
      out,
      outShape,
      attrs.paddings.map((p) => p[0]),
      x.shape,
    );
    return args.backend.makeTensorInfo(outShape, "float32", out);
  };
}

/**
 * The box-copy kernels of the native backend.
 *
 * @returns Kernel name → implementation.
 */
export function copyKernels(): Record<string, NativeKernel> {
  return {
    Slice: slice(cpuKernel("Slice")),
    PadV2: padV2(cpuKernel("PadV2")),
  };
}
