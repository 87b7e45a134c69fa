/**
 * Convolution with exact derivatives of every order, and patch extraction, for the layers of
 * lib/nn. Private.
 *
 * tfjs's conv2d gradient uses the kernels Conv2DBackpropInput and Conv2DBackpropFilter, and the
 * latter has no gradient of its own, so double backprop through tf.conv2d throws. The three
 * operations are bilinear and each one's derivatives are the other two, so here each is a
 * `tf.customGrad` op whose gradient is written with the other two: derivatives of any order stay
 * on the tape and run on the backend's own convolution kernels.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";

/** Strides and explicit zero padding [top, bottom, left, right] of a 2-D convolution. */
export interface ConvGeometry {
  readonly stride: readonly [number, number];
  readonly pad: readonly [number, number, number, number];
}

type Op2 = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

interface ConvOps {
  /** y = conv(x, w). */
  conv: Op2;
  /** dx = convᵀ(dy, w), the transpose of conv in x (x's shape is fixed). */
  convInput: Op2;
  /** dw = conv_w(x, dy), the transpose of conv in w (w's shape is fixed). */
  convFilter: Op2;
}

const cache = new Map<string, ConvOps>();

/** The convolution y = x ⋆ w (x [n, h, w, cin], w [kh, kw, cin, cout], dilation 1). */
export function convolve(x: tf.Tensor, w: tf.Tensor, geometry: ConvGeometry): tf.Tensor {
  return opsFor(x.shape, w.shape, geometry).conv(x, w);
}

function opsFor(
  xShape: readonly number[],
  wShape: readonly number[],
  g: ConvGeometry,
): ConvOps {
  // Keyed without the batch size, which the kernels read from their inputs.
  const key = JSON.stringify([xShape.slice(1), wShape, g.stride, g.pad]);
  const found = cache.get(key);
  if (found) return found;
  const strides = [g.stride[0], g.stride[1]] as [number, number];
  const pad = [[0, 0], [g.pad[0], g.pad[1]], [g.pad[2], g.pad[3]], [
    0,
    0,
  ]] as tf.backend_util.ExplicitPadding;
  const binary = (
    forward: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
    backward: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => [tf.Tensor, tf.Tensor],
  ): Op2 => {
    const op = tf.customGrad(
      ((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
        save([a, b]);
        return {
          value: forward(a, b),
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy, saved[0], saved[1]),
        };
      }) as unknown as CustomGradientFunc,
    );
    return (a, b) => op(a, b) as tf.Tensor;
  };
  const ops = {} as ConvOps;
  ops.conv = binary(
    (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad),
    (dy, x, w) => [ops.convInput(dy, w), ops.convFilter(x, dy)],
  );
  ops.convInput = binary(
    (dy, w) =>
      tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: w }, {
        strides,
        pad,
        dataFormat: "NHWC",
        dimRoundingMode: undefined,
        inputShape: [dy.shape[0], ...xShape.slice(1)],
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
    (ddx, dy, w) => [ops.conv(ddx, w), ops.convFilter(ddx, dy)],
  );
  ops.convFilter = binary(
    (x, dy) => filterGradient(x, dy, wShape, strides, pad, g),
    (ddw, x, dy) => [ops.convInput(dy, ddw), ops.conv(x, ddw)],
  );
  cache.set(key, ops);
  return ops;
}

/**
 * Σ over samples and positions of input patches times output gradients, [kh, kw, cin, cout]: the
 * backend's own Conv2DBackpropFilter kernel where it has one other than tfjs's CPU kernel, else
 * the same sum as a dilated convolution of the transposed input with the transposed output
 * gradient. tfjs's CPU kernel (which the cpu and native backends register) took 32 s where the
 * convolution took 0.37 s (32 images 32×32, 16 → 16 channels); WASM has no such kernel. A
 * backend that registers its own (WebGPU, or a native kernel) is used as is.
 */
function filterGradient(
  x: tf.Tensor,
  dy: tf.Tensor,
  wShape: readonly number[],
  strides: [number, number],
  pad: tf.backend_util.ExplicitPadding,
  g: ConvGeometry,
): tf.Tensor {
  if (ownFilterKernel()) {
    return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
      strides,
      pad,
      dataFormat: "NHWC",
      dimRoundingMode: undefined,
      filterShape: [...wShape],
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  return filterGradientByConvolution(x, dy, wShape, g);
}

/**
 * The padding of a filter-gradient convolution, as explicit tfjs padding: the forward's, less
 * the bottom and right rows and columns no window reaches (so the output is exactly kh × kw and
 * needs no slice, whose CPU kernel copies element by element), where those are padding.
 */
function trimmedPadding(
  g: ConvGeometry,
  input: readonly [number, number],
  kernel: readonly [number, number],
  out: readonly [number, number],
): tf.backend_util.ExplicitPadding {
  const spare = (a: number) =>
    input[a] + g.pad[2 * a] + g.pad[2 * a + 1] - g.stride[a] * (out[a] - 1) - kernel[a];
  return [
    [0, 0],
    [g.pad[0], Math.max(0, g.pad[1] - spare(0))],
    [g.pad[2], Math.max(0, g.pad[3] - spare(1))],
    [0, 0],
  ] as tf.backend_util.ExplicitPadding;
}

/** Whether the backend in use has a Conv2DBackpropFilter kernel that is not tfjs's CPU one. */
function ownFilterKernel(): boolean {
  const kernel = tf.getKernel("Conv2DBackpropFilter", tf.getBackend());
  return kernel != null &&
    kernel.kernelFunc !== tf.getKernel("Conv2DBackpropFilter", "cpu")?.kernelFunc;
}

/** The filter gradient as a dilated convolution (for backends without Conv2DBackpropFilter). */
export function filterGradientByConvolution(
  x: tf.Tensor,
  dy: tf.Tensor,
  wShape: readonly number[],
  g: ConvGeometry,
): tf.Tensor {
  const strides = [g.stride[0], g.stride[1]] as [number, number];
  return tf.tidy(() => {
    // dw[a, b, i, o] = Σ_{n,p,q} xp[n, s·p + a, s·q + b, i] dy[n, p, q, o]: a convolution of
    // xp as [cin, H, W, n] with dy as a [oh, ow, n, cout] filter dilated by the stride.
    const [kh, kw] = wShape;
    const image = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D;
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const [, h, w] = x.shape, [, oh, ow] = dy.shape;
    const pad = trimmedPadding(g, [h, w], [kh, kw], [oh, ow]);
    const full = tf.conv2d(image, filter, 1, pad, "NHWC", strides);
    const cut = full.shape[1] === kh && full.shape[2] === kw
      ? full
      : tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cut, [1, 2, 0, 3]);
  });
}

/**
 * A filter [kh, kw, cin, cout] (or per-sample filters [n, kh, kw, cin, cout]) spread out by a
 * dilation d, with zeros between its taps: [(kh−1)d + 1, (kw−1)d + 1, cin, cout]. Built from pad,
 * reshape and slice of rank at most 4, whose derivatives of every order are exact.
 */
export function dilateFilter(w: tf.Tensor, dilation: readonly [number, number]): tf.Tensor {
  const [dh, dw] = dilation;
  if (dh === 1 && dw === 1) return w;
  return tf.tidy(() => {
    if (w.rank === 5) {
      // Samples next to the channels, dilate, and back.
      const [n, kh, kw, cin, cout] = w.shape;
      const spread = dilateFilter(
        tf.reshape(tf.transpose(w, [1, 2, 0, 3, 4]), [kh, kw, n * cin, cout]),
        dilation,
      );
      const [eh, ew] = spread.shape;
      return tf.transpose(tf.reshape(spread, [eh, ew, n, cin, cout]), [2, 0, 1, 3, 4]);
    }
    const [kh, kw, cin, cout] = w.shape;
    const m = cin * cout, eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
    // Rows: [kh, 1, kw·m] padded to [kh, dh, kw·m], then the first (kh − 1)dh + 1 rows.
    let t = tf.pad(tf.reshape(w, [kh, 1, kw * m]), [[0, 0], [0, dh - 1], [0, 0]]);
    t = tf.slice(tf.reshape(t, [kh * dh, kw * m]), [0, 0], [eh, kw * m]);
    // Columns: [eh·kw, 1, m] padded to [eh·kw, dw, m], then the first (kw − 1)dw + 1 columns.
    t = tf.pad(tf.reshape(t, [eh * kw, 1, m]), [[0, 0], [0, dw - 1], [0, 0]]);
    t = tf.slice(tf.reshape(t, [eh, kw * dw, m]), [0, 0, 0], [eh, ew, m]);
    return tf.reshape(t, [eh, ew, cin, cout]);
  });
}

/**
 * Per-sample convolution y_i = x_i ⋆ W_i (x [n, h, w, cin], W [n, kh, kw, cin, cout], dilation
 * 1), for per-sample gradients and Hessian-vector products in one batched pass. Like
 * {@linkcode convolve} it is three custom-gradient ops defined by each other (the convolution,
 * its transpose in x and in W). Each runs as one depthwise convolution over the samples' channels
 * side by side (n·cin channels, cout filters each), then a sum over cin: the same arithmetic as a
 * batched convolution, with cin times its output held at once. tfjs has no grouped convolution;
 * the alternatives measured slower than a loop over samples on the CPU backends (patches by
 * slicing: 4–20 times slower; depthwise's own filter-gradient kernel: 36 s where its forward took
 * 0.4 s).
 */
export function convolvePerSample(x: tf.Tensor, w: tf.Tensor, geometry: ConvGeometry): tf.Tensor {
  return perSampleOpsFor(x.shape, w.shape, geometry).conv(x, w);
}

const perSampleCache = new Map<string, ConvOps>();

function perSampleOpsFor(
  xShape: readonly number[],
  wShape: readonly number[],
  g: ConvGeometry,
): ConvOps {
  const key = JSON.stringify([xShape.slice(1), wShape.slice(1), g.stride, g.pad]);
  const found = perSampleCache.get(key);
  if (found) return found;
  const [, h, w, cin] = xShape;
  const [, kh, kw, , cout] = wShape;
  const strides = [g.stride[0], g.stride[1]] as [number, number];
  const pad = [[0, 0], [g.pad[0], g.pad[1]], [g.pad[2], g.pad[3]], [
    0,
    0,
  ]] as tf.backend_util.ExplicitPadding;
  const oh = Math.floor((h + g.pad[0] + g.pad[1] - kh) / strides[0]) + 1;
  const ow = Math.floor((w + g.pad[2] + g.pad[3] - kw) / strides[1]) + 1;
  // Samples' channels side by side, channel (i, c) at i·cin + c: [1, h, w, n·cin].
  const sideBySide = (x: tf.Tensor) =>
    tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, w, x.shape[0] * cin]);
  // Per-sample filters as depthwise filters [kh, kw, n·cin, cout].
  const depthwiseFilter = (f: tf.Tensor) =>
    tf.reshape(tf.transpose(f, [1, 2, 0, 3, 4]), [kh, kw, f.shape[0] * cin, cout]);
  const filterPad = trimmedPadding(g, [h, w], [kh, kw], [oh, ow]);
  const stackedIdentity = () =>
    tf.oneHot(tf.tensor1d(Array.from({ length: cin * cout }, (_, i) => i % cout), "int32"), cout)
      .asType("float32") as tf.Tensor2D;
  const forward = (x: tf.Tensor, f: tf.Tensor) =>
    tf.tidy(() => {
      const n = x.shape[0];
      const out = tf.depthwiseConv2d(
        sideBySide(x) as tf.Tensor4D,
        depthwiseFilter(f) as tf.Tensor4D,
        strides,
        pad,
      );
      // Σ over cin as a product with stacked identities [cin·cout, cout]: tfjs's CPU sum over a
      // middle axis took 1.4 s where this product took 0.07 s (65,536 × 16 × 16).
      const summed = tf.matMul(tf.reshape(out, [oh * ow * n, cin * cout]), stackedIdentity());
      return tf.transpose(tf.reshape(summed, [oh, ow, n, cout]), [2, 0, 1, 3]);
    });
  const inputTranspose = (dy: tf.Tensor, f: tf.Tensor) =>
    tf.tidy(() => {
      const n = dy.shape[0];
      if (tf.getKernel("DepthwiseConv2dNativeBackpropInput", tf.getBackend()) == null) {
        // Sample by sample with the ordinary transposed convolution.
        return tf.concat(
          Array.from({ length: n }, (_, i) =>
            tf.engine().runKernel("Conv2DBackpropInput", {
              dy: tf.slice(dy, i, 1),
              filter: tf.reshape(tf.slice(f, i, 1), [kh, kw, cin, cout]),
            }, {
              strides,
              pad,
              dataFormat: "NHWC",
              dimRoundingMode: undefined,
              inputShape: [1, h, w, cin],
            } as unknown as tf.NamedAttrMap) as tf.Tensor),
          0,
        );
      }
      // dy_i repeated for each input channel: depthwise output channel (i, c, o).
      const spread = tf.mul(
        tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [1, oh, ow, n, 1, cout]),
        tf.ones([1, 1, 1, 1, cin, 1]),
      );
      const dx = tf.engine().runKernel("DepthwiseConv2dNativeBackpropInput", {
        dy: tf.reshape(spread, [1, oh, ow, n * cin * cout]),
        filter: depthwiseFilter(f),
      }, {
        strides,
        pad,
        dilations: [1, 1],
        dimRoundingMode: undefined,
        inputShape: [1, h, w, n * cin],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return tf.transpose(tf.reshape(dx, [h, w, n, cin]), [2, 0, 1, 3]);
    });
  const filterTranspose = (x: tf.Tensor, dy: tf.Tensor) =>
    tf.tidy(() => {
      // dW_i[a, b, c, o] = Σ_{p,q} xp_i[s·p + a, s·q + b, c] dy_i[p, q, o]: a depthwise
      // convolution of xp as [cin, H, W, n] with dy as [oh, ow, n, cout], dilated by the stride.
      const n = x.shape[0];
      const out = tf.depthwiseConv2d(
        tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D,
        tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D,
        1,
        filterPad,
        "NHWC",
        strides,
      );
      const cut = out.shape[1] === kh && out.shape[2] === kw
        ? out
        : tf.slice(out, [0, 0, 0, 0], [cin, kh, kw, n * cout]);
      return tf.transpose(tf.reshape(cut, [cin, kh, kw, n, cout]), [3, 1, 2, 0, 4]);
    });
  const binary = (
    fwd: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
    backward: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => [tf.Tensor, tf.Tensor],
  ): Op2 => {
    const op = tf.customGrad(
      ((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
        save([a, b]);
        return {
          value: fwd(a, b),
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy, saved[0], saved[1]),
        };
      }) as unknown as CustomGradientFunc,
    );
    return (a, b) => op(a, b) as tf.Tensor;
  };
  const ops = {} as ConvOps;
  ops.conv = binary(forward, (dy, x, f) => [ops.convInput(dy, f), ops.convFilter(x, dy)]);
  ops.convInput = binary(
    inputTranspose,
    (ddx, dy, f) => [ops.conv(ddx, f), ops.convFilter(ddx, dy)],
  );
  ops.convFilter = binary(
    filterTranspose,
    (ddf, x, dy) => [ops.convInput(dy, ddf), ops.conv(x, ddf)],
  );
  perSampleCache.set(key, ops);
  return ops;
}

/** How a window slides over an image: its size, stride, dilation and zero padding. */
export interface WindowGeometry extends ConvGeometry {
  readonly kernel: readonly [number, number];
  readonly dilation: readonly [number, number];
  /** Output height and width. */
  readonly out: readonly [number, number];
}

/**
 * The taps of the windows sliding over an image batch: for each offset (a, b) of the window, in
 * row-major order, the [n, oh, ow, c] image of the entries at that offset. Built from pad, slice
 * and reshape of rank at most 4 (WebGPU handles no higher rank for some ops, and computed a
 * rank-6 pad wrongly here): derivatives of every order are exact. tfjs's strided slice has no
 * gradient, so a stride s takes s·o rows and keeps every s-th through a reshape.
 *
 * @param x Images [n, h, w, c].
 * @param g The window geometry.
 * @param padValue The value of padded entries (0, or a large negative number for max pooling).
 */
export function extractPatches(x: tf.Tensor, g: WindowGeometry, padValue = 0): tf.Tensor[] {
  const [n, h, w, c] = x.shape;
  const [kh, kw] = g.kernel, [sh, sw] = g.stride, [dh, dw] = g.dilation, [oh, ow] = g.out;
  // Pad, and extend at the bottom and right so that every tap's s·o rows fit.
  const needH = (kh - 1) * dh + sh * oh, needW = (kw - 1) * dw + sw * ow;
  const padded = h + g.pad[0] + g.pad[1], paddedW = w + g.pad[2] + g.pad[3];
  const xp = tf.pad(x, [
    [0, 0],
    [g.pad[0], g.pad[1] + Math.max(0, needH - padded)],
    [g.pad[2], g.pad[3] + Math.max(0, needW - paddedW)],
    [0, 0],
  ], padValue);
  const taps: tf.Tensor[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      let t = tf.slice(xp, [0, a * dh, b * dw, 0], [n, sh * oh, sw * ow, c]);
      if (sh > 1) {
        // Rows: [n·oh, s, sw·ow·c], keep the first of each s.
        t = tf.slice(tf.reshape(t, [n * oh, sh, sw * ow * c]), [0, 0, 0], [n * oh, 1, sw * ow * c]);
      }
      if (sw > 1) {
        t = tf.slice(tf.reshape(t, [n * oh * ow, sw, c]), [0, 0, 0], [n * oh * ow, 1, c]);
      }
      taps.push(tf.reshape(t, [n, oh, ow, c]));
    }
  }
  return taps;
}
