import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { activationLayer } from "./activation_layer.ts";
import { conv2d } from "./conv2d.ts";
import { dense } from "./dense.ts";
import { flatten } from "./flatten.ts";
import { layerNorm } from "./layer_norm.ts";
import { disposeParams } from "./params.ts";
import { sequential } from "./sequential.ts";
import { assertMatches64 } from "./_convnet_check.ts";
import { act64, conv64, dense64, flatten64, layerNorm64, seq64 } from "./_float64_convnet.ts";

Deno.test("layerNorm on images: outputs, gradient and Hessian match float64", async () => {
  const model = sequential([4, 4, 2], [
    conv2d({ filters: 3, kernelSize: 3, padding: 1 }),
    layerNorm(),
    activationLayer("tanh"),
    flatten(),
    dense({ units: 2 }),
  ]);
  assert.equal(model.batchStatistics, undefined);
  assert.ok(model.perSampleParams, "no batch statistics: per-sample parameters work");
  const net = seq64([
    conv64({ kh: 3, kw: 3, sh: 1, sw: 1, pad: [1, 1, 1, 1], cin: 2, cout: 3, bias: true }),
    layerNorm64(3),
    act64("tanh"),
    flatten64,
    dense64(48, 2),
  ]);
  await assertMatches64(model, net, { seed: 8 });
});

Deno.test("layerNorm on vectors without affine parameters: outputs, gradient and Hessian match float64", async () => {
  const model = sequential([3], [
    dense({ units: 4 }),
    layerNorm({ affine: false }),
    activationLayer("tanh"),
    dense({ units: 2 }),
  ]);
  const net = seq64([
    dense64(3, 4),
    layerNorm64(4, { affine: false }),
    act64("tanh"),
    dense64(4, 2),
  ]);
  await assertMatches64(model, net, { seed: 9, samples: 1 });
});

Deno.test("layerNorm: per-sample γ and β give each sample its own scale", async () => {
  const layer = layerNorm().build([2]);
  const gamma = tf.tensor2d([[1, 1], [2, 2]]), beta = tf.tensor2d([[0, 0], [1, 1]]);
  const x = tf.tensor2d([[1, 3], [1, 3]]);
  const y = layer.apply([gamma, beta], x);
  const v = await y.data();
  assert.ok(Math.abs(v[0] + 1) < 1e-4 && Math.abs(v[3] - 3) < 1e-4, `${v}`);
  tf.dispose([gamma, beta, x, y]);
});

Deno.test("layerNorm rejects a sample of one entry and a wrong input", () => {
  assert.throws(() => layerNorm().build([1]), {
    name: "TypeError",
    message:
      'Cannot build layerNorm "ln": the input must have at least 2 entries per sample, current input shape is [1]',
  });
  const layer = layerNorm({ name: "ln1" }).build([4]);
  const params = layer.init(0);
  const x = tf.zeros([2, 3]);
  assert.throws(() => layer.apply(params, x), {
    name: "TypeError",
    message: 'Cannot apply layerNorm "ln1": x must have shape [n, 4], current shape is [2, 3]',
  });
  x.dispose();
  disposeParams(params);
});

Deno.test("layerNorm rejects a negative ε", () => {
  assert.throws(() => layerNorm({ eps: -0.1 }), {
    name: "RangeError",
    message:
      'Cannot build layerNorm "ln": eps must be a non-negative number, current value is -0.1',
  });
});
