/**
 * Depthwise convolutions for the native backend: `DepthwiseConv2dNative` and
 * `DepthwiseConv2dNativeBackpropInput` (NHWC, float32) as one BLAS product per channel. Private
 * to `lib/backend/`.
 *
 * minima's per-sample convolutions (per-sample gradients, the gradient-noise covariance of a
 * CNN) run as depthwise convolutions over the samples' channels side by side, with a channel
 * multiplier of the layer's output channels; the CPU backend's kernels spent three quarters of a
 * small CNN's per-sample gradients there (300 of 400 ms for 64 MNIST images). A depthwise
 * convolution is, for each channel, a product of its patches [positions, kh·kw] with its filter
 * [kh·kw, multiplier]: the patches of every channel are gathered once per image (channel-major,
 * so each channel's are contiguous) and each channel is one `sgemm` whose filter and output are
 * strided views of the tensors (leading dimension channels·multiplier), not copies. The input
 * gradient is the transposed product per channel, scattered back onto the image.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";
import type { Blas } from "./_blas.ts";
import {
  allFloat32,
  cpuKernel,
  f32,
  type Info,
  type KernelArgs,
  type NativeKernel,
} from "./_native_util.ts";
import { pool } from "./_native_pool.ts";

let patches = new Float32Array(0);
let sources = new Int32Array(0);

/**
 * For each output position p and tap t, the offset of its input pixel within an image (−1 in the
 * padding): `sources[p·K + t]`.
 */
function windowSources(info: tf.backend_util.Conv2DInfo): Int32Array {
  const { outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = info;
  const k = kh * kw;
  if (sources.length < oh * ow * k) sources = new Int32Array(oh * ow * k);
  const { inHeight: h, inWidth: w, inChannels: c } = info;
  let i = 0;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      for (let a = 0; a < kh; a++) {
        const y = oy * info.strideHeight + a * info.dilationHeight - info.padInfo.top;
        for (let b = 0; b < kw; b++) {
          const x = ox * info.strideWidth + b * info.dilationWidth - info.padInfo.left;
          sources[i++] = y < 0 || y >= h || x < 0 || x >= w ? -1 : (y * w + x) * c;
        }
      }
    }
  }
  return sources;
}

function supported(info: tf.backend_util.Conv2DInfo, ...tensors: Info[]): boolean {
  return allFloat32(...tensors) && info.dataFormat === "channelsLast" && info.batchSize > 0 &&
    info.inChannels > 0 && info.outChannels > 0 && info.outHeight > 0 && info.outWidth > 0;
}

type Attrs = {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dilations?: [number, number] | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape?: [number, number, number, number];
};

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: Attrs) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
    "channelsLast",
  );
}

function forward(blas: Blas, fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { x, filter } = args.inputs as { x: Info; filter: Info };
    const info = depthwiseInfo(x.shape, filter.shape, args.attrs as unknown as Attrs);
    if (!supported(info, x, filter)) return fallback(args);
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c } = info;
    const p = info.outHeight * info.outWidth, k = info.filterHeight * info.filterWidth;
    const m = info.outChannels / c;
    const src = windowSources(info);
    const xv = f32(args.backend, x), fv = f32(args.backend, filter);
    const y = pool.alloc(n * p * c * m);
    if (patches.length < c * p * k) patches = new Float32Array(c * p * k);
    for (let img = 0; img < n; img++) {
      const base = img * h * w * c;
      // Patches channel-major: channel ch's [p, k] matrix at ch·p·k.
      for (let i = 0; i < p * k; i++) {
        const s = src[i];
        if (s < 0) { for (let ch = 0; ch < c; ch++) patches[ch * p * k + i] = 0; }
        else for (let ch = 0; ch < c; ch++) patches[ch * p * k + i] = xv[base + s + ch];
      }
      const out = y.subarray(img * p * c * m);
      for (let ch = 0; ch < c; ch++) {
        blas.sgemm(
          false,
          false,
          p,
          m,
          k,
          1,
          patches.subarray(ch * p * k),
          k,
          fv.subarray(ch * m),
          c * m,
          0,
          out.subarray(ch * m),
          c * m,
        );
      }
    }
    return args.backend.makeTensorInfo(info.outShape, "float32", y);
  };
}

function backpropInput(blas: Blas, fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { dy, filter } = args.inputs as { dy: Info; filter: Info };
    const attrs = args.attrs as unknown as Attrs;
    const info = depthwiseInfo(attrs.inputShape!, filter.shape, attrs);
    const plain = info.dilationHeight === 1 && info.dilationWidth === 1;
    if (!plain || !supported(info, dy, filter)) return fallback(args);
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c } = info;
    const p = info.outHeight * info.outWidth, k = info.filterHeight * info.filterWidth;
    const m = info.outChannels / c;
    const src = windowSources(info);
    const dyv = f32(args.backend, dy), fv = f32(args.backend, filter);
    const dx = pool.alloc(n * h * w * c);
    dx.fill(0);
    if (patches.length < c * p * k) patches = new Float32Array(c * p * k);
    for (let img = 0; img < n; img++) {
      const g = dyv.subarray(img * p * c * m);
      // Each channel's patch gradient [p, k] = dy_ch [p, m] · filter_chᵀ [m, k].
      for (let ch = 0; ch < c; ch++) {
        blas.sgemm(
          false,
          true,
          p,
          k,
          m,
          1,
          g.subarray(ch * m),
          c * m,
          fv.subarray(ch * m),
          c * m,
          0,
          patches.subarray(ch * p * k),
          k,
        );
      }
      const base = img * h * w * c;
      for (let i = 0; i < p * k; i++) {
        const s = src[i];
        if (s < 0) continue;
        for (let ch = 0; ch < c; ch++) dx[base + s + ch] += patches[ch * p * k + i];
      }
    }
    return args.backend.makeTensorInfo(info.inShape, "float32", dx);
  };
}

/**
 * The depthwise convolution kernels of the native backend.
 *
 * @param blas The opened BLAS.
 * @returns Kernel name → implementation.
 */
export function depthwiseKernels(blas: Blas): Record<string, NativeKernel> {
  return {
    DepthwiseConv2dNative: forward(blas, cpuKernel("DepthwiseConv2dNative")),
    DepthwiseConv2dNativeBackpropInput: backpropInput(
      blas,
      cpuKernel("DepthwiseConv2dNativeBackpropInput"),
    ),
  };
}
