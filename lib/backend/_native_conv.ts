/**
 * 2-D convolutions for the native backend: `Conv2D`, `Conv2DBackpropInput` and
 * `Conv2DBackpropFilter` (NHWC, float32) as BLAS `sgemm` calls, one per filter tap, with no
 * patch matrix. Private to `lib/backend/`.
 *
 * The usual im2col copies every input value kh·kw times into a patch matrix before one product;
 * in JavaScript that copy costs 10–20× the product itself (a 3×3 convolution of 64 images
 * 32×32×16: 55–80 ms to build the patches, 4 ms of `sgemm`). Here the images are laid out once,
 * zero-padded, in a scratch array of `Hs × Ws` pixels each, and the output is computed on a
 * grid of `Gh × Gw` positions per image (the `oh × ow` real ones and a few extra columns and
 * rows that are discarded). On that grid the input pixel that tap (a, b) of the filter meets at
 * grid row r lies at a fixed offset plus r·(sw·cin) floats, so each tap is one product
 *
 *   out_grid[r, :] (+)= xp[offset(a, b) + r·sw·cin, 0:cin] · W[a, b]   (rows r of the grid)
 *
 * with the padded images as a matrix of leading dimension sw·cin: a strided view, not a copy.
 * The filter gradient is the transposed product (Aᵀ·dy), and the input gradient scatters
 * dy·W[a, b]ᵀ back through the same strided view (disjoint rows within a call). Images are
 * processed in blocks sized to stay in cache. The extra grid positions cost Gh·Gw/(oh·ow) − 1
 * more arithmetic (about 13% for 32×32 images with a 3×3 filter, 2.3× on a stride-2 layer).
 *
 * Values are exactly the sums tfjs's CPU kernels compute, in another order (float32 rounding
 * differs in the last bits). One difference with non-finite values: a discarded grid position can
 * read an Infinity or NaN of the input, and the filter gradient multiplies it by an exact zero,
 * so a NaN can reach entries of the filter gradient that tfjs's kernel leaves finite.
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
  sizeOf,
} from "./_native_util.ts";
import { pool } from "./_native_pool.ts";

/** Scratch bytes per block of images (packed input and output grid together). */
export const BLOCK_BYTES = { value: 1 << 19 };

/** The geometry of one convolution and the packed layout its products use. */
export interface ConvPlan {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  top: number;
  left: number;
  oh: number;
  ow: number;
  /** `"gaps"` (stride 1) or `"phases"` (a stride above 1). */
  layout: "gaps" | "phases";
  /** Grid rows per image and grid columns: the grid is [images, gh, gw] positions. */
  gh: number;
  gw: number;
  /** Leading zero rows of the packed block (gaps layout). */
  lead: number;
  /** Phase images packed per image (1 for stride 1; those some tap reads for a stride). */
  phases: number;
  /** Phases layout: the packed slot of each phase (ph·sw + pw), −1 when no tap reads it. */
  phaseSlot?: number[];
  /** Per tap (a·kw + b): offset in pixels of its input in the packed block of b images. */
  tapOffset(a: number, b: number, images: number): number;
  /** Pixels of a packed block of b images. */
  packedPixels(images: number): number;
  /** Whether the packed block is x itself (no padding, no gaps). */
  inPlace: boolean;
  /**
   * Few input channels: the plan of the same convolution on the widened input (each pixel holding
   * the kw·cin values of its row of the window) with a kh×1 filter, which is the kh×kw filter's
   * memory as it is, for the filter gradient. See {@linkcode widened}.
   */
  widen?: ConvPlan;
  /** Whether the grid is the output itself (no extra positions). */
  exactGrid: boolean;
}

/**
 * The plan of a convolution from tfjs's conv info (NHWC).
 *
 * Stride 1 (`"gaps"`): each image row is followed by gw − w zero pixels and each image by
 * gh − h zero rows, which serve as the right padding of one row and the left padding of the next
 * (and likewise between images), so a 3×3 "same" convolution computes (h+1)(w+1) grid
 * positions for h·w outputs. Tap (a, b) reads the grid's rows at a fixed pixel offset.
 *
 * A stride s (`"phases"`): the zero-padded image is split into its s_h·s_w phase images
 * (every s-th row and column from each offset), each stored as a valid (unpadded) image; tap
 * (a, b) reads the phase of (a·d_h mod s_h, b·d_w mod s_w) at an offset, so every tap is again
 * a plain product with no positions skipped.
 *
 * @param info `backend_util.computeConv2DInfo`'s result.
 * @returns The plan.
 */
export function convPlan(info: tf.backend_util.Conv2DInfo): ConvPlan {
  const plan = basePlan(info);
  if (info.inChannels >= WIDEN_BELOW || info.filterWidth === 1 || info.batchSize === 0) return plan;
  const wide = tf.backend_util.computeConv2DInfo(
    [info.batchSize, info.inHeight, info.outWidth, info.filterWidth * info.inChannels],
    [info.filterHeight, 1, info.filterWidth * info.inChannels, info.outChannels],
    [info.strideHeight, 1],
    [info.dilationHeight, 1],
    [[0, 0], [info.padInfo.top, Math.max(0, info.padInfo.bottom)], [0, 0], [0, 0]],
    undefined,
    false,
    "channelsLast",
  );
  // (A rounding mode can give a height the explicit padding does not reproduce.)
  if (wide.outHeight !== info.outHeight || wide.outWidth !== info.outWidth) return plan;
  return { ...plan, widen: basePlan(wide) };
}

/** Below this many input channels (and for filters wider than 1) filter gradients run widened. */
const WIDEN_BELOW = 8;

function basePlan(info: tf.backend_util.Conv2DInfo): ConvPlan {
  const n = info.batchSize, h = info.inHeight, w = info.inWidth;
  const kh = info.filterHeight, kw = info.filterWidth;
  const sh = info.strideHeight, sw = info.strideWidth;
  const dh = info.dilationHeight, dw = info.dilationWidth;
  const top = info.padInfo.top, left = info.padInfo.left;
  const bottom = Math.max(0, info.padInfo.bottom), right = Math.max(0, info.padInfo.right);
  const oh = info.outHeight, ow = info.outWidth;
  const base = {
    n,
    h,
    w,
    cin: info.inChannels,
    cout: info.outChannels,
    kh,
    kw,
    sh,
    sw,
    dh,
    dw,
    top,
    left,
    oh,
    ow,
  };
  if (sh === 1 && sw === 1) {
    // Zero rows (columns) after each image (row): at least the padding on either side, and
    // enough for the last output's window and for the grid to hold every output.
    const gapRows = Math.max(top, bottom, oh + (kh - 1) * dh - top - h, oh - h, 0);
    const gapCols = Math.max(left, right, ow + (kw - 1) * dw - left - w, ow - w, 0);
    const gh = h + gapRows, gw = w + gapCols;
    // Leading zero rows: the first image's top padding, and one more row whose tail is the
    // first row's left padding.
    const lead = top + (left > 0 ? 1 : 0);
    return {
      ...base,
      layout: "gaps",
      gh,
      gw,
      lead,
      phases: 1,
      tapOffset: (a, b) => (lead + a * dh - top) * gw + b * dw - left,
      packedPixels: (images) => (lead + images * gh) * gw,
      inPlace: lead === 0 && gapRows === 0 && gapCols === 0,
      exactGrid: gh === oh && gw === ow,
    };
  }
  // Phase images of the padded image, tall and wide enough for every output's window.
  const hp = Math.max(h + top + bottom, sh * (oh - 1) + (kh - 1) * dh + 1);
  const wp = Math.max(w + left + right, sw * (ow - 1) + (kw - 1) * dw + 1);
  const gh = Math.ceil(hp / sh), gw = Math.ceil(wp / sw);
  // Only the phases some tap reads are packed (a 1×1 filter of stride 2 reads one of four).
  const slot = new Array<number>(sh * sw).fill(-1);
  let phases = 0;
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const phase = ((a * dh) % sh) * sw + (b * dw) % sw;
      if (slot[phase] < 0) slot[phase] = phases++;
    }
  }
  return {
    ...base,
    layout: "phases",
    gh,
    gw,
    lead: 0,
    phases,
    phaseSlot: slot,
    tapOffset: (a, b, images) => {
      const phase = ((a * dh) % sh) * sw + (b * dw) % sw;
      return slot[phase] * images * gh * gw + Math.floor((a * dh) / sh) * gw +
        Math.floor((b * dw) / sw);
    },
    packedPixels: (images) => phases * images * gh * gw,
    inPlace: false,
    exactGrid: gh === oh && gw === ow,
  };
}

/** Images per block: as many as fit in {@linkcode BLOCK_BYTES}, at least one. */
function blockSize(p: ConvPlan, gridChannels: number): number {
  const perImage = 4 * (p.phases * p.gh * p.gw * p.cin + p.gh * p.gw * gridChannels);
  return Math.max(1, Math.min(p.n, Math.floor(BLOCK_BYTES.value / perImage)));
}

/** Rows of the grid a block of b images needs: up to its last real position. */
function gridRows(p: ConvPlan, b: number): number {
  return ((b - 1) * p.gh + p.oh - 1) * p.gw + p.ow;
}

let scratchA = new Float32Array(0);
let scratchB = new Float32Array(0);

/** A scratch array of at least n floats (contents unspecified; never handed to a tensor). */
function scratch(which: "a" | "b", n: number): Float32Array {
  if (which === "a") {
    if (scratchA.length < n) scratchA = new Float32Array(Math.max(n, scratchA.length * 1.5));
    return scratchA;
  }
  if (scratchB.length < n) scratchB = new Float32Array(Math.max(n, scratchB.length * 1.5));
  return scratchB;
}

/** Copies `len` floats (a short run: a loop; a long one: `set`). */
function copyRun(src: Float32Array, from: number, dst: Float32Array, to: number, len: number) {
  if (len >= 64) dst.set(src.subarray(from, from + len), to);
  else for (let i = 0; i < len; i++) dst[to + i] = src[from + i];
}

/**
 * Images first..first+b−1 of x [n, h, w, cin] packed into the plan's layout (every pixel of the
 * block written), or, with `back`, the packed block's real pixels added... written back into x
 * (for the input gradient).
 */
function pack(
  p: ConvPlan,
  x: Float32Array,
  first: number,
  b: number,
  packed: Float32Array,
  back = false,
): void {
  const { h, w, cin } = p;
  const run = w * cin;
  if (p.layout === "gaps") {
    const rowLen = p.gw * cin;
    if (!back) packed.fill(0, 0, p.lead * rowLen);
    for (let k = 0; k < b; k++) {
      const src = (first + k) * h * run;
      const dst = (p.lead + k * p.gh) * rowLen;
      for (let y = 0; y < h; y++) {
        const at = dst + y * rowLen;
        if (back) copyRun(packed, at, x, src + y * run, run);
        else {
          copyRun(x, src + y * run, packed, at, run);
          packed.fill(0, at + run, at + rowLen);
        }
      }
      if (!back) packed.fill(0, dst + h * rowLen, dst + p.gh * rowLen);
    }
    return;
  }
  // Phase (ph, pw) of image k holds padded pixel (sh·u + ph, sw·v + pw) at (u, v).
  const { sh, sw, top, left, gh, gw } = p;
  const region = b * gh * gw * cin;
  for (let ph = 0; ph < sh; ph++) {
    for (let pw = 0; pw < sw; pw++) {
      const s = p.phaseSlot![ph * sw + pw];
      if (s < 0) continue;
      const base = s * region;
      for (let k = 0; k < b; k++) {
        const src = (first + k) * h * run;
        for (let u = 0; u < gh; u++) {
          const y = sh * u + ph - top;
          const at = base + (k * gh + u) * gw * cin;
          if (y < 0 || y >= h) {
            if (!back) packed.fill(0, at, at + gw * cin);
            continue;
          }
          const rowSrc = src + y * run;
          for (let v = 0; v < gw; v++) {
            const xc = sw * v + pw - left;
            const to = at + v * cin;
            if (xc < 0 || xc >= w) {
              if (!back) packed.fill(0, to, to + cin);
            } else if (back) copyRun(packed, to, x, rowSrc + xc * cin, cin);
            else copyRun(x, rowSrc + xc * cin, packed, to, cin);
          }
        }
      }
    }
  }
}

/** Output images first..first+b−1 (channels c) spread onto the grid, zero elsewhere (rows < m). */
function spreadOnGrid(
  p: ConvPlan,
  y: Float32Array,
  c: number,
  first: number,
  b: number,
  grid: Float32Array,
  m: number,
): void {
  const { oh, ow, gh, gw } = p;
  const runLen = ow * c;
  const end = m * c;
  for (let k = 0; k < b; k++) {
    for (let r = 0; r < gh; r++) {
      const dst = ((k * gh + r) * gw) * c;
      if (dst >= end) return;
      if (r < oh) {
        const src = ((first + k) * oh + r) * runLen;
        copyRun(y, src, grid, dst, runLen);
        grid.fill(0, dst + runLen, Math.min(end, dst + gw * c));
      } else grid.fill(0, dst, Math.min(end, dst + gw * c));
    }
  }
}

/** The real positions of a grid block back into output images [b, oh, ow, c]. */
function gatherFromGrid(
  p: ConvPlan,
  grid: Float32Array,
  c: number,
  first: number,
  b: number,
  y: Float32Array,
): void {
  const { oh, ow, gh, gw } = p;
  const runLen = ow * c;
  for (let k = 0; k < b; k++) {
    for (let r = 0; r < oh; r++) {
      copyRun(grid, ((k * gh + r) * gw) * c, y, ((first + k) * oh + r) * runLen, runLen);
    }
  }
}

let scratchWide = new Float32Array(0);

/**
 * x [n, h, w, cin] widened to [n, h, ow, kw·cin]: pixel (y, j) holds x[y, sw·j + b·dw − left, :]
 * for b = 0..kw−1 (zero outside the image), the row of every window. The filter gradient of a
 * convolution with few input channels then runs kh products of kw·cin rows each instead of kh·kw
 * of cin rows: for a 3-channel image and a 3×3 filter, 5.8–6.2 ms instead of 8.0–8.3 (128 images
 * 32×32, 16 filters), the copy included. The forward pass and the input gradient gain nothing
 * (the copy costs what the longer products save) and run unwidened. The copy is kw times the
 * input (a scratch array, never a tensor's).
 */
function widened(p: ConvPlan, x: Float32Array): Float32Array {
  const { n, h, w, cin, kw, sw, dw, left, ow } = p;
  const k = kw * cin;
  const out = scratchWide.length >= n * h * ow * k
    ? scratchWide
    : (scratchWide = new Float32Array(n * h * ow * k));
  // Output columns whose whole window row lies inside the image.
  const jFirst = Math.min(ow, Math.max(0, Math.ceil(left / sw)));
  const jEnd = Math.max(jFirst, Math.min(ow, Math.floor((w - 1 + left - (kw - 1) * dw) / sw) + 1));
  const contiguous = dw === 1;
  for (let row = 0; row < n * h; row++) {
    const src = row * w * cin;
    let o = row * ow * k;
    for (let j = 0; j < ow; j++, o += k) {
      if (contiguous && j >= jFirst && j < jEnd) {
        // The window row is one run of kw·cin values.
        const from = src + (sw * j - left) * cin;
        for (let i = 0; i < k; i++) out[o + i] = x[from + i];
        continue;
      }
      for (let b = 0; b < kw; b++) {
        const col = sw * j + b * dw - left;
        const at = o + b * cin;
        if (col < 0 || col >= w) out.fill(0, at, at + cin);
        else for (let c = 0, from = src + col * cin; c < cin; c++) out[at + c] = x[from + c];
      }
    }
  }
  return out;
}

/**
 * y = conv(x, filter) [n, oh, ow, cout].
 *
 * @returns A pooled array with every element written.
 */
export function convForward(
  blas: Blas,
  p: ConvPlan,
  x: Float32Array,
  filter: Float32Array,
): Float32Array {
  const { n, cin, cout, kh, kw } = p;
  const y = pool.alloc(n * p.oh * p.ow * cout);
  if (y.length === 0) return y;
  const b = p.inPlace && p.exactGrid ? n : blockSize(p, cout);
  for (let first = 0; first < n; first += b) {
    const count = Math.min(b, n - first);
    const xp = p.inPlace
      ? x.subarray(first * p.h * p.w * cin)
      : scratch("a", p.packedPixels(count) * cin);
    if (!p.inPlace) pack(p, x, first, count, xp);
    const m = gridRows(p, count);
    const grid = p.exactGrid
      ? y.subarray(first * p.oh * p.ow * cout)
      : scratch("b", count * p.gh * p.gw * cout);
    for (let a = 0; a < kh; a++) {
      for (let c = 0; c < kw; c++) {
        const tap = a * kw + c;
        blas.sgemm(
          false,
          false,
          m,
          cout,
          cin,
          1,
          xp.subarray(p.tapOffset(a, c, count) * cin),
          cin,
          filter.subarray(tap * cin * cout),
          cout,
          tap === 0 ? 0 : 1,
          grid,
          cout,
        );
      }
    }
    if (!p.exactGrid) gatherFromGrid(p, grid, cout, first, count, y);
  }
  return y;
}

/**
 * dx = convᵀ(dy, filter) [n, h, w, cin], the gradient of conv in x.
 *
 * @returns A pooled array with every element written.
 */
export function convBackpropInput(
  blas: Blas,
  p: ConvPlan,
  dy: Float32Array,
  filter: Float32Array,
): Float32Array {
  const { n, cin, cout, kh, kw } = p;
  const dx = pool.alloc(n * p.h * p.w * cin);
  if (dx.length === 0) return dx;
  // Pixels of phases no tap reads get no gradient, and the copy back skips them.
  if (p.phases < p.sh * p.sw) dx.fill(0);
  const b = p.inPlace && p.exactGrid ? n : blockSize(p, cout);
  for (let first = 0; first < n; first += b) {
    const count = Math.min(b, n - first);
    const len = p.packedPixels(count) * cin;
    const start = first * p.h * p.w * cin;
    const dxp = p.inPlace ? dx.subarray(start, start + len) : scratch("a", len).subarray(0, len);
    dxp.fill(0);
    const m = gridRows(p, count);
    let grid: Float32Array;
    if (p.exactGrid) grid = dy.subarray(first * p.oh * p.ow * cout);
    else {
      grid = scratch("b", m * cout);
      spreadOnGrid(p, dy, cout, first, count, grid, m);
    }
    for (let a = 0; a < kh; a++) {
      for (let c = 0; c < kw; c++) {
        const tap = a * kw + c;
        blas.sgemm(
          false,
          true,
          m,
          cin,
          cout,
          1,
          grid,
          cout,
          filter.subarray(tap * cin * cout),
          cout,
          1,
          dxp.subarray(p.tapOffset(a, c, count) * cin),
          cin,
        );
      }
    }
    if (!p.inPlace) pack(p, dx, first, count, dxp, true);
  }
  return dx;
}

/**
 * dW = conv_w(x, dy) [kh, kw, cin, cout], the gradient of conv in the filter.
 *
 * @returns A pooled array with every element written.
 */
export function convBackpropFilter(
  blas: Blas,
  p: ConvPlan,
  x: Float32Array,
  dy: Float32Array,
): Float32Array {
  const { n, cin, cout, kh, kw } = p;
  if (p.widen !== undefined) return convBackpropFilter(blas, p.widen, widened(p, x), dy);
  const dw = pool.alloc(kh * kw * cin * cout);
  if (dw.length === 0) return dw;
  if (n === 0) return dw.fill(0);
  const b = p.inPlace && p.exactGrid ? n : blockSize(p, cout);
  for (let first = 0; first < n; first += b) {
    const count = Math.min(b, n - first);
    const xp = p.inPlace
      ? x.subarray(first * p.h * p.w * cin)
      : scratch("a", p.packedPixels(count) * cin);
    if (!p.inPlace) pack(p, x, first, count, xp);
    const m = gridRows(p, count);
    let grid: Float32Array;
    if (p.exactGrid) grid = dy.subarray(first * p.oh * p.ow * cout);
    else {
      grid = scratch("b", m * cout);
      spreadOnGrid(p, dy, cout, first, count, grid, m);
    }
    for (let a = 0; a < kh; a++) {
      for (let c = 0; c < kw; c++) {
        const tap = a * kw + c;
        blas.sgemm(
          true,
          false,
          cin,
          cout,
          m,
          1,
          xp.subarray(p.tapOffset(a, c, count) * cin),
          cin,
          grid,
          cout,
          first === 0 ? 0 : 1,
          dw.subarray(tap * cin * cout),
          cout,
        );
      }
    }
  }
  return dw;
}

/** Whether a conv runs natively: float32, NHWC, nothing empty but possibly the batch. */
function supported(info: tf.backend_util.Conv2DInfo, ...tensors: Info[]): boolean {
  return allFloat32(...tensors) && info.dataFormat === "channelsLast" &&
    info.inHeight > 0 && info.inWidth > 0 && info.inChannels > 0 && info.outChannels > 0 &&
    info.outHeight > 0 && info.outWidth > 0;
}

type ConvAttrs = {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: [number, number] | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
};

function conv2dInfo(
  xShape: number[],
  filterShape: number[],
  attrs: ConvAttrs,
  dilations: [number, number] | number,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? "NHWC"),
  );
}

function conv2D(blas: Blas, fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { x, filter } = args.inputs as { x: Info; filter: Info };
    const attrs = args.attrs as unknown as ConvAttrs;
    const info = conv2dInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
    if (!supported(info, x, filter)) return fallback(args);
    const p = convPlan(info);
    const y = convForward(blas, p, f32(args.backend, x), f32(args.backend, filter));
    return args.backend.makeTensorInfo(info.outShape, "float32", y);
  };
}

function conv2DBackpropInput(blas: Blas, fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { dy, filter } = args.inputs as { dy: Info; filter: Info };
    const attrs = args.attrs as unknown as ConvAttrs;
    const info = conv2dInfo(attrs.inputShape!, filter.shape, attrs, 1);
    if (!supported(info, dy, filter) || sizeOf(info.outShape) !== sizeOf(dy.shape)) {
      return fallback(args);
    }
    const p = convPlan(info);
    const dx = convBackpropInput(blas, p, f32(args.backend, dy), f32(args.backend, filter));
    return args.backend.makeTensorInfo(info.inShape, "float32", dx);
  };
}

function conv2DBackpropFilter(blas: Blas, fallback: NativeKernel): NativeKernel {
  return (args: KernelArgs) => {
    const { x, dy } = args.inputs as { x: Info; dy: Info };
    const attrs = args.attrs as unknown as ConvAttrs;
    const info = conv2dInfo(x.shape, attrs.filterShape!, attrs, 1);
    if (!supported(info, x, dy) || sizeOf(info.outShape) !== sizeOf(dy.shape)) {
      return fallback(args);
    }
    const p = convPlan(info);
    const dw = convBackpropFilter(blas, p, f32(args.backend, x), f32(args.backend, dy));
    return args.backend.makeTensorInfo([...attrs.filterShape!], "float32", dw);
  };
}

/**
 * The convolution kernels of the native backend.
 *
 * @param blas The opened BLAS.
 * @returns Kernel name → implementation.
 */
export function convKernels(blas: Blas): Record<string, NativeKernel> {
  return {
    Conv2D: conv2D(blas, cpuKernel("Conv2D")),
    Conv2DBackpropInput: conv2DBackpropInput(blas, cpuKernel("Conv2DBackpropInput")),
    Conv2DBackpropFilter: conv2DBackpropFilter(blas, cpuKernel("Conv2DBackpropFilter")),
  };
}
