import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { activationLayer } from "./activation_layer.ts";
import { conv2d } from "./conv2d.ts";
import { dense } from "./dense.ts";
import { flatten } from "./flatten.ts";
import { disposeParams, flattenParams } from "./params.ts";
import { sequential } from "./sequential.ts";
import { filterGradientByConvolution } from "./_conv_ops.ts";
import { assertMatches64 } from "./_convnet_check.ts";
import { act64, conv64, dense64, flatten64, seq64 } from "./_float64_convnet.ts";
import { assertAllClose } from "../_test_util.ts";
import { withKernels } from "../backend/_test_backends.ts";

const CASES = [
  { input: 5, stride: 1, padding: 0, dilation: 1, out: [3, 3], pad: [0, 0, 0, 0] },
  { input: 5, stride: 2, padding: 1, dilation: 1, out: [3, 3], pad: [1, 1, 1, 1] },
  { input: 5, stride: 1, padding: 2, dilation: 2, out: [5, 5], pad: [2, 2, 2, 2] },
  { input: 5, stride: 2, padding: 1, dilation: 2, out: [2, 2], pad: [1, 1, 1, 1] },
  // TF's "same" on 6 rows with stride 2: 3 outputs, the one padded row at the bottom.
  { input: 6, stride: 2, padding: "same", dilation: 1, out: [3, 3], pad: [0, 1, 0, 1] },
] as const;

for (const c of CASES) {
  Deno.test(`conv2d stride ${c.stride} padding ${c.padding} dilation ${c.dilation}: shape, outputs, gradient and Hessian match float64`, async () => {
    const model = sequential([c.input, c.input, 2], [
      conv2d({
        filters: 3,
        kernelSize: 3,
        stride: c.stride,
        padding: c.padding,
        dilation: c.dilation,
      }),
      activationLayer("tanh"),
      flatten(),
      dense({ units: 2 }),
    ]);
    const [oh, ow] = c.out;
    const net = seq64([
      conv64({
        kh: 3,
        kw: 3,
        sh: c.stride,
        sw: c.stride,
        dh: c.dilation,
        dw: c.dilation,
        pad: [...c.pad],
        cin: 2,
        cout: 3,
        bias: true,
      }),
      act64("tanh"),
      flatten64,
      dense64(oh * ow * 3, 2),
    ]);
    assert.deepEqual(model.paramSpecs[2].shape, [oh * ow * 3, 2]);
    await assertMatches64(model, net, { samples: 3, seed: 1 });
  });
}

Deno.test("conv2d: per-sample filters give each sample its own convolution", async () => {
  const layer = conv2d({ filters: 3, kernelSize: 3, stride: 2, padding: 1, dilation: 2 }).build([
    6,
    5,
    2,
  ]);
  const [a, b] = [layer.init(1), layer.init(2)];
  const x = tf.randomNormal([2, 6, 5, 2], 0, 1, "float32", 3);
  const stacked = a.map((p, j) => tf.stack([p, b[j]]));
  const [both, first, second] = tf.tidy(() => [
    layer.apply(stacked, x),
    layer.apply(a, tf.slice(x, 0, 1)),
    layer.apply(b, tf.slice(x, 1, 1)),
  ]);
  assertAllClose(await both.data(), [...await first.data(), ...await second.data()], {
    atol: 1e-5,
  });
  tf.dispose([x, both, first, second, ...stacked]);
  disposeParams([a, b]);
});

Deno.test("conv2d: the filter gradient as a dilated convolution equals the backend's kernel", () =>
  withKernels(["Conv2DBackpropFilter"], async () => {
    const x = tf.randomNormal([2, 7, 6, 3], 0, 1, "float32", 1);
    const dy = tf.randomNormal([2, 4, 3, 4], 0, 1, "float32", 2);
    const g = { stride: [2, 2], pad: [1, 1, 1, 0] } as const;
    const [kernel, viaConv] = tf.tidy(() => [
      tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
        strides: [2, 2],
        pad: [[0, 0], [1, 1], [1, 0], [0, 0]],
        dataFormat: "NHWC",
        filterShape: [3, 3, 3, 4],
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
      filterGradientByConvolution(x, dy, [3, 3, 3, 4], g),
    ]);
    assert.deepEqual(viaConv.shape, [3, 3, 3, 4]);
    assertAllClose(await viaConv.data(), await kernel.data(), { atol: 1e-4 });
    tf.dispose([x, dy, kernel, viaConv]);
  }));

Deno.test("why conv2d is custom: tfjs's own conv2d cannot be differentiated twice", () =>
  withKernels(["Conv2DBackpropFilter"], () => {
    const x = tf.ones([1, 4, 4, 1]);
    const w = tf.ones([3, 3, 1, 1]);
    const loss = (u: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, u as tf.Tensor4D, 1, 0)));
    assert.throws(
      () => tf.grad((u: tf.Tensor) => tf.sum(tf.grad(loss)(u)))(w),
      /gradient function not found for Conv2DBackpropFilter/,
    );
    tf.dispose([x, w]);
  }));

Deno.test("conv2d: the same seed gives the same He-initialized filters", async () => {
  const layer = conv2d({ filters: 16, kernelSize: 3 }).build([8, 8, 8]);
  const [p1, p2, p3] = [layer.init(5), layer.init(5), layer.init(6)];
  const [t1, t2, t3] = await Promise.all([p1, p2, p3].map(flattenParams));
  assert.deepEqual(t1, t2);
  assert.notDeepEqual(t1, t3);
  const w = t1.subarray(0, 3 * 3 * 8 * 16);
  const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
  assert.ok(Math.abs(variance / (2 / 72) - 1) < 0.1, `Var W = ${variance}, He: ${2 / 72}`);
  assert.ok(t1.subarray(w.length).every((v) => v === 0), "biases start at 0");
  disposeParams([p1, p2, p3]);
});

Deno.test("conv2d rejects bad options and inputs with messages that name them", () => {
  assert.throws(() => conv2d({ filters: 2, kernelSize: 3, stride: 0 }), {
    name: "RangeError",
    message:
      'Cannot build conv2d "conv": stride must be a positive integer or a pair [height, width] of them, current value is 0',
  });
  assert.throws(() => conv2d({ filters: 2, kernelSize: [3, -1] }), {
    name: "RangeError",
    message:
      'Cannot build conv2d "conv": kernelSize must be a positive integer or a pair [height, width] of them, current value is [3,-1]',
  });
  assert.throws(() => conv2d({ filters: 0, kernelSize: 3 }), {
    name: "RangeError",
    message: 'Cannot build conv2d "conv": filters must be a positive integer, current value is 0',
  });
  assert.throws(() => conv2d({ filters: 2, kernelSize: 5, name: "conv1" }).build([4, 4, 1]), {
    name: "RangeError",
    message:
      'Cannot build conv2d "conv1": the 5×5 window is larger than the 4×4 padded input; use a smaller kernel, more padding or a larger input',
  });
  assert.throws(() => conv2d({ filters: 2, kernelSize: 3, dilation: 2 }).build([4, 4, 1]), {
    name: "RangeError",
    message:
      'Cannot build conv2d "conv": the 5×5 window (dilated) is larger than the 4×4 padded input; use a smaller kernel, more padding or a larger input',
  });
  assert.throws(() => conv2d({ filters: 2, kernelSize: 3 }).build([784]), {
    name: "TypeError",
    message:
      'Cannot build conv2d "conv": the input must be images [h, w, c] of positive integers, current input shape is [784]',
  });
  const layer = conv2d({ filters: 2, kernelSize: 3, name: "conv1" }).build([8, 8, 3]);
  const params = layer.init(0);
  const gray = tf.zeros([2, 8, 8, 1]);
  assert.throws(() => layer.apply(params, gray), {
    name: "TypeError",
    message:
      'Cannot apply conv2d "conv1": x must be images [n, h, w, c] with [h, w, c] = [8, 8, 3], current shape is [2, 8, 8, 1]',
  });
  gray.dispose();
  disposeParams(params);
});

Deno.test("conv2d rejects an unknown padding name", () => {
  assert.throws(
    () => conv2d({ filters: 2, kernelSize: 3, padding: "full" as "same" }).build([4, 4, 1]),
    {
      name: "TypeError",
      message:
        'Cannot build conv2d "conv": padding must be "valid", "same", a non-negative integer or a pair of them, current value is "full"',
    },
  );
});
