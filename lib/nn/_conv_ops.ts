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
    const xp = tf.pad(x, [[0, 0], [g.pad[0], g.pad[1]], [g.pad[2], g.pad[3]], [0, 0]]);
    const image = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const full = tf.conv2d(image, filter, 1, "valid", "NHWC", strides);
    const cut = tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cut, [1, 2, 0, 3]);
  });
}

/**
 * A filter [kh, kw, cin, cout] spread out by a dilation d, with zeros between its taps:
 * [(kh−1)d + 1, (kw−1)d + 1, cin, cout]. Built from pad, reshape and slice, whose derivatives of
 * every order are exact.
 */
export function dilateFilter(w: tf.Tensor, dilation: readonly [number, number]): tf.Tensor {
  const [dh, dw] = dilation;
  if (dh === 1 && dw === 1) return w;
  return tf.tidy(() => {
    const [kh, kw, cin, cout] = w.shape;
    const spread = tf.pad(tf.reshape(w, [kh, 1, kw, 1, cin, cout]), [
      [0, 0],
      [0, dh - 1],
      [0, 0],
      [0, dw - 1],
      [0, 0],
      [0, 0],
    ]);
    return tf.slice(tf.reshape(spread, [kh * dh, kw * dw, cin, cout]), [0, 0, 0, 0], [
      (kh - 1) * dh + 1,
      (kw - 1) * dw + 1,
      cin,
      cout,
    ]);
  });
}

/** How a window slides over an image: its size, stride, dilation and zero padding. */
export interface WindowGeometry extends ConvGeometry {
  readonly kernel: readonly [number, number];
  readonly dilation: readonly [number, number];
  /** Output height and width. */
  readonly out: readonly [number, number];
}

/**
 * The windows of an image batch, [n, oh, ow, kh·kw, c] (taps in row-major order), from slices,
 * reshapes and a stack: derivatives of every order are exact (tfjs's strided slice has no
 * gradient, so a stride s takes s·o rows and keeps every s-th through a reshape).
 *
 * @param x Images [n, h, w, c].
 * @param g The window geometry.
 * @param padValue The value of padded entries (0, or a large negative number for max pooling).
 */
export function extractPatches(x: tf.Tensor, g: WindowGeometry, padValue = 0): tf.Tensor {
  return tf.tidy(() => {
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
        if (sh > 1 || sw > 1) {
          t = tf.slice(tf.reshape(t, [n, oh, sh, ow, sw, c]), [0, 0, 0, 0, 0, 0], [
            n,
            oh,
            1,
            ow,
            1,
            c,
          ]);
        }
        taps.push(tf.reshape(t, [n, oh, ow, c]));
      }
    }
    // One tap: expandDims, not stack, whose gradient (unstack) has a gradient that fails for a
    // single output in tfjs (it passes a tensor where stack expects a list).
    return taps.length === 1 ? tf.expandDims(taps[0], 3) : tf.stack(taps, 3);
  });
}
