import assert from "node:assert/strict";
import { vgg } from "./vgg.ts";
import { assertMatches64 } from "./_convnet_check.ts";
import {
  act64,
  batchNorm64,
  conv64,
  dense64,
  flatten64,
  pool64,
  seq64,
} from "./_float64_convnet.ts";

Deno.test("vgg with a custom layout and BatchNorm: outputs, gradient and Hessian match float64", async () => {
  const model = vgg({
    inputShape: [8, 8, 2],
    outputDim: 2,
    layers: [4, "M", 4, 6, "M"],
    norm: "batch",
  });
  assert.deepEqual(model.paramSpecs.filter((s) => s.shape.length === 4).map((s) => s.name), [
    "conv1.weight",
    "conv2.weight",
    "conv3.weight",
  ]);
  const conv = (cin: number, cout: number) =>
    conv64({ kh: 3, kw: 3, sh: 1, sw: 1, pad: [1, 1, 1, 1], cin, cout, bias: false });
  const pool = pool64("max", { kh: 2, kw: 2, sh: 2, sw: 2, pad: [0, 0, 0, 0] });
  const net = seq64([
    conv(2, 4),
    batchNorm64(4),
    act64("relu"),
    pool,
    conv(4, 4),
    batchNorm64(4),
    act64("relu"),
    conv(4, 6),
    batchNorm64(6),
    act64("relu"),
    pool,
    flatten64,
    dense64(2 * 2 * 6, 2),
  ]);
  await assertMatches64(model, net, { seed: 15, samples: 3 });
});

Deno.test("vgg: the default layout on CIFAR images, the width multiplier, and a layout too deep for its input", () => {
  const model = vgg();
  assert.deepEqual(model.paramSpecs.at(-2)!.shape, [128, 10]);
  assert.equal(vgg({ width: 2 }).paramSpecs[0].shape[3], 32);
  assert.throws(() => vgg({ inputShape: [28, 28, 1] }), {
    name: "RangeError",
    message:
      'Cannot build maxPool2d "pool5": the 2×2 window is larger than the 1×1 padded input; use a smaller kernel, more padding or a larger input',
  });
  assert.throws(() => vgg({ layers: [8, "P"] as unknown as number[] }), {
    name: "TypeError",
    message:
      'Cannot build the VGG network: layers must be positive integers (channels) and "M" (max pooling), current value is [8,"P"]',
  });
});
