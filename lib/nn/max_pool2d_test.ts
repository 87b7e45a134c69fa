import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { activationLayer } from "./activation_layer.ts";
import { conv2d } from "./conv2d.ts";
import { dense } from "./dense.ts";
import { flatten } from "./flatten.ts";
import { maxPool2d } from "./max_pool2d.ts";
import { sequential } from "./sequential.ts";
import { assertMatches64 } from "./_convnet_check.ts";
import { act64, conv64, dense64, flatten64, pool64, seq64 } from "./_float64_convnet.ts";

for (
  const c of [
    { poolSize: 2, stride: 2, padding: 0, out: 2 },
    { poolSize: 3, stride: 2, padding: 1, out: 3 },
  ]
) {
  Deno.test(`maxPool2d ${c.poolSize}×${c.poolSize} stride ${c.stride} padding ${c.padding}: outputs, gradient and Hessian match float64`, async () => {
    const model = sequential([5, 5, 2], [
      conv2d({ filters: 3, kernelSize: 3, padding: 1 }),
      maxPool2d({ poolSize: c.poolSize, stride: c.stride, padding: c.padding }),
      activationLayer("tanh"),
      flatten(),
      dense({ units: 2 }),
    ]);
    const p = c.padding;
    const net = seq64([
      conv64({ kh: 3, kw: 3, sh: 1, sw: 1, pad: [1, 1, 1, 1], cin: 2, cout: 3, bias: true }),
      pool64("max", {
        kh: c.poolSize,
        kw: c.poolSize,
        sh: c.stride,
        sw: c.stride,
        pad: [p, p, p, p],
      }),
      act64("tanh"),
      flatten64,
      dense64(c.out * c.out * 3, 2),
    ]);
    await assertMatches64(model, net, { seed: 4 });
  });
}

Deno.test("maxPool2d: padded entries are never chosen, even when every real entry is negative", async () => {
  const layer = maxPool2d({ poolSize: 3, stride: 2, padding: 1 }).build([3, 3, 1]);
  const x = tf.tensor4d([-9, -8, -7, -6, -5, -4, -3, -2, -1], [1, 3, 3, 1]);
  const y = layer.apply([], x);
  assert.deepEqual(Array.from(await y.data()), [-5, -4, -2, -1]);
  tf.dispose([x, y]);
});

Deno.test("why pooling is custom: tfjs's maxPool and max cannot be differentiated twice", () => {
  const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  const pooled = (u: tf.Tensor) => tf.sum(tf.square(tf.maxPool(u as tf.Tensor4D, 2, 2, "valid")));
  assert.throws(
    () => tf.grad((u: tf.Tensor) => tf.sum(tf.grad(pooled)(u)))(x),
    /gradient function not found for MaxPoolGrad/,
  );
  const reduced = (u: tf.Tensor) => tf.sum(tf.square(tf.max(u)));
  assert.throws(
    () => tf.grad((u: tf.Tensor) => tf.sum(tf.grad(reduced)(u)))(x),
    /gradient function not found for Equal/,
  );
  x.dispose();
});

Deno.test("maxPool2d rejects bad sizes and inputs with messages that name them", () => {
  assert.throws(() => maxPool2d({ poolSize: 0 }), {
    name: "RangeError",
    message:
      'Cannot build maxPool2d "maxpool": poolSize must be a positive integer or a pair [height, width] of them, current value is 0',
  });
  const layer = maxPool2d({ poolSize: 2, name: "pool1" }).build([4, 4, 3]);
  const x = tf.zeros([1, 4, 4, 1]);
  assert.throws(() => layer.apply([], x), {
    name: "TypeError",
    message:
      'Cannot apply maxPool2d "pool1": x must be images [n, h, w, c] with [h, w, c] = [4, 4, 3], current shape is [1, 4, 4, 1]',
  });
  x.dispose();
});
