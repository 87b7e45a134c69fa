/**
 * Sum and Mean over a block of middle axes for the native backend, e.g. a global average pool
 * (mean of [n, h, w, c] over h and w). Private to `lib/backend/`.
 *
 * The native reductions handle leading and trailing axes; a middle block went to the CPU kernel,
 * which transposes the reduced axes to the end element by element first (32 ms for a ResNet's
 * 128×8×8×64 pool, against 0.1 ms here). The tensor is seen as [outer, middle, inner] and summed
 * over the middle in float64, one row of `inner` accumulators per outer index, as the CPU backend
 * sums in float64.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";
import { f32, type Info, type KernelArgs, type NativeKernel } from "./_native_util.ts";
import { pool } from "./_native_pool.ts";

/** The reduction as [outer, middle, inner] with the middle reduced, or undefined. */
function middlePlan(
  shape: number[],
  axis: unknown,
  keepDims: boolean,
): { outer: number; middle: number; inner: number; outShape: number[] } | undefined {
  const axes = tf.util.parseAxisParam(axis as number | number[], shape);
  const rank = shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) reduced[a] = true;
  const outShape: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (!reduced[i]) outShape.push(shape[i]);
    else if (keepDims) outShape.push(1);
  }
  // Size-1 dimensions do not change the layout.
  const big = shape.map((d, i) => ({ d, r: reduced[i] })).filter((x) => x.d !== 1);
  const first = big.findIndex((x) => x.r);
  const last = big.findLastIndex((x) => x.r);
  if (first <= 0 || last === big.length - 1) return undefined; // leading or trailing: not ours
  for (let i = first; i <= last; i++) if (!big[i].r) return undefined;
  const product = (xs: { d: number }[]) => xs.reduce((p, x) => p * x.d, 1);
  return {
    outer: product(big.slice(0, first)),
    middle: product(big.slice(first, last + 1)),
    inner: product(big.slice(last + 1)),
    outShape,
  };
}

let acc = new Float64Array(0);

function reduceMiddle(name: "Sum" | "Mean", fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: Info };
    if (x.dtype !== "float32") return fallback(args);
    const attrs = args.attrs as { axis: number | number[]; keepDims?: boolean };
    const plan = middlePlan(x.shape, attrs.axis, Boolean(attrs.keepDims));
    if (plan === undefined) return fallback(args);
    const { outer, middle, inner } = plan;
    const xs = f32(args.backend, x);
    const out = pool.alloc(outer * inner);
    if (acc.length < inner) acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(0, 0, inner);
      let p = o * middle * inner;
      for (let m = 0; m < middle; m++) {
        for (let i = 0; i < inner; i++) acc[i] += xs[p + i];
        p += inner;
      }
      const q = o * inner;
      if (name === "Mean") { for (let i = 0; i < inner; i++) out[q + i] = acc[i] / middle; }
      else for (let i = 0; i < inner; i++) out[q + i] = acc[i];
    }
    return args.backend.makeTensorInfo(plan.outShape, "float32", out);
  };
}

/**
 * Middle-axes Sum and Mean in front of the kernels in `general`, which handle every other case.
 *
 * @param general The kernels to fall back to (the native reductions).
 * @returns Kernel name → implementation.
 */
export function reduceMiddleKernels(
  general: Record<string, NativeKernel>,
): Record<string, NativeKernel> {
  return {
    Sum: reduceMiddle("Sum", general.Sum),
    Mean: reduceMiddle("Mean", general.Mean),
  };
}
