import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { activationLayer } from "./activation_layer.ts";
import { avgPool2d } from "./avg_pool2d.ts";
import { conv2d } from "./conv2d.ts";
import { dense } from "./dense.ts";
import { flatten } from "./flatten.ts";
import { globalAvgPool2d } from "./global_avg_pool2d.ts";
import { sequential } from "./sequential.ts";
import { assertMatches64 } from "./_convnet_check.ts";
import {
  act64,
  conv64,
  dense64,
  flatten64,
  globalAvgPool64,
  pool64,
  seq64,
} from "./_float64_convnet.ts";

const CONV = {
  kh: 3,
  kw: 3,
  sh: 1,
  sw: 1,
  pad: [1, 1, 1, 1] as [number, number, number, number],
  cin: 2,
  cout: 3,
  bias: true,
};

for (
  const c of [
    { poolSize: 2, stride: 2, padding: 0, out: 2 },
    { poolSize: 3, stride: 2, padding: 1, out: 3 },
  ]
) {
  Deno.test(`avgPool2d ${c.poolSize}×${c.poolSize} stride ${c.stride} padding ${c.padding}: outputs, gradient and Hessian match float64`, async () => {
    const model = sequential([5, 5, 2], [
      conv2d({ filters: 3, kernelSize: 3, padding: 1 }),
      activationLayer("tanh"),
      avgPool2d({ poolSize: c.poolSize, stride: c.stride, padding: c.padding }),
      flatten(),
      dense({ units: 2 }),
    ]);
    const p = c.padding;
    const net = seq64([
      conv64(CONV),
      act64("tanh"),
      pool64("avg", {
        kh: c.poolSize,
        kw: c.poolSize,
        sh: c.stride,
        sw: c.stride,
        pad: [p, p, p, p],
      }),
      flatten64,
      dense64(c.out * c.out * 3, 2),
    ]);
    await assertMatches64(model, net, { seed: 2 });
  });
}

Deno.test("globalAvgPool2d: outputs, gradient and Hessian match float64", async () => {
  const model = sequential([4, 3, 2], [
    conv2d({ filters: 3, kernelSize: 3, padding: 1 }),
    activationLayer("tanh"),
    globalAvgPool2d(),
    dense({ units: 2 }),
  ]);
  const net = seq64([conv64(CONV), act64("tanh"), globalAvgPool64, dense64(3, 2)]);
  await assertMatches64(model, net, { seed: 3 });
});

Deno.test("why pooling is custom: tfjs's avgPool cannot be differentiated twice", () => {
  const x = tf.ones([1, 4, 4, 1]);
  const loss = (u: tf.Tensor) => tf.sum(tf.square(tf.avgPool(u as tf.Tensor4D, 2, 2, "valid")));
  assert.throws(
    () => tf.grad((u: tf.Tensor) => tf.sum(tf.grad(loss)(u)))(x),
    /gradient function not found for AvgPoolGrad/,
  );
  x.dispose();
});

Deno.test("avgPool2d rejects windows larger than the input and non-positive sizes", () => {
  assert.throws(() => avgPool2d({ poolSize: 3 }).build([2, 2, 1]), {
    name: "RangeError",
    message:
      'Cannot build avgPool2d "avgpool": the 3×3 window is larger than the 2×2 padded input; use a smaller kernel, more padding or a larger input',
  });
  assert.throws(() => avgPool2d({ poolSize: 2, stride: -1 }), {
    name: "RangeError",
    message:
      'Cannot build avgPool2d "avgpool": stride must be a positive integer or a pair [height, width] of them, current value is -1',
  });
  assert.throws(() => avgPool2d({ poolSize: 2, padding: 2 }).build([4, 4, 1]), {
    name: "RangeError",
    message:
      'Cannot build avgPool2d "avgpool": padding must be at most half the window (1×1), current value is 2',
  });
  assert.throws(() => globalAvgPool2d().build([10]), {
    name: "TypeError",
    message:
      'Cannot build globalAvgPool2d "pool": the input must be images [h, w, c] of positive integers, current input shape is [10]',
  });
});
