import assert from "node:assert/strict";
import { dense } from "./dense.ts";
import { flatten } from "./flatten.ts";
import { residualBlock } from "./residual_block.ts";
import { sequential } from "./sequential.ts";
import { assertMatches64 } from "./_convnet_check.ts";
import {
  act64,
  batchNorm64,
  conv64,
  dense64,
  flatten64,
  residual64,
  seq64,
} from "./_float64_convnet.ts";

const conv = (cin: number, cout: number, s: number, k = 3) =>
  conv64({
    kh: k,
    kw: k,
    sh: s,
    sw: s,
    pad: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0],
    cin,
    cout,
    bias: false,
  });

Deno.test("residualBlock with BatchNorm, stride 2 and the padding shortcut: outputs, gradient and Hessian match float64", async () => {
  const model = sequential([5, 5, 2], [
    residualBlock({ filters: 4, stride: 2, activation: "tanh" }),
    flatten(),
    dense({ units: 2 }),
  ]);
  assert.deepEqual(model.paramSpecs.map((s) => [s.name, s.layer]), [
    ["block.conv1.weight", 0],
    ["block.bn1.weight", 1],
    ["block.bn1.bias", 1],
    ["block.conv2.weight", 2],
    ["block.bn2.weight", 3],
    ["block.bn2.bias", 3],
    ["linear.weight", 4],
    ["linear.bias", 4],
  ]);
  const net = seq64([
    residual64(
      seq64([conv(2, 4, 2), batchNorm64(4), act64("tanh"), conv(4, 4, 1), batchNorm64(4)]),
      { stride: 2, before: 1, after: 1 },
      "tanh",
    ),
    flatten64,
    dense64(36, 2),
  ]);
  await assertMatches64(model, net, { samples: 4, seed: 10 });
});

Deno.test("residualBlock without normalization, a projection shortcut and a residual scale: matches float64", async () => {
  const model = sequential([5, 5, 2], [
    residualBlock({
      filters: 4,
      stride: 2,
      norm: "none",
      shortcut: "projection",
      activation: "tanh",
      residualScale: 0.5,
    }),
    flatten(),
    dense({ units: 2 }),
  ]);
  assert.equal(model.paramSpecs[2].name, "block.shortcut.0.weight");
  const net = seq64([
    residual64(
      seq64([conv(2, 4, 2), act64("tanh"), conv(4, 4, 1)]),
      conv(2, 4, 2, 1),
      "tanh",
      0.5,
    ),
    flatten64,
    dense64(36, 2),
  ]);
  await assertMatches64(model, net, { seed: 11 });
});

Deno.test("residualBlock with ReLU and the identity shortcut: matches float64 away from kinks", async () => {
  const model = sequential([4, 4, 3], [
    residualBlock({ filters: 3 }),
    flatten(),
    dense({ units: 2 }),
  ]);
  const net = seq64([
    residual64(
      seq64([conv(3, 3, 1), batchNorm64(3), act64("relu"), conv(3, 3, 1), batchNorm64(3)]),
      { stride: 1, before: 0, after: 0 },
      "relu",
    ),
    flatten64,
    dense64(48, 2),
  ]);
  await assertMatches64(model, net, { samples: 3, seed: 12 });
});

Deno.test("residualBlock rejects what it cannot build", () => {
  assert.throws(() => residualBlock({ filters: 2 }).build([4, 4, 4]), {
    name: "RangeError",
    message:
      'Cannot build residualBlock "block": the "pad" shortcut can only add channels (4 → 2); use shortcut: "projection"',
  });
  assert.throws(() => residualBlock({ filters: 2, stride: 0 }), {
    name: "RangeError",
    message:
      'Cannot build residualBlock "block": stride must be a positive integer, current value is 0',
  });
  assert.throws(() => residualBlock({ filters: 2, norm: "layer" as "none" }), {
    name: "TypeError",
    message:
      'Cannot build residualBlock "block": norm must be "batch" or "none", current value is "layer"',
  });
});

Deno.test("residualBlock rejects bad options, naming them", () => {
  assert.throws(() => residualBlock({ filters: 0 }), {
    name: "RangeError",
    message:
      'Cannot build residualBlock "block": filters must be a positive integer, current value is 0',
  });
  assert.throws(() => residualBlock({ filters: 2, shortcut: "identity" as "pad" }), {
    name: "TypeError",
    message:
      'Cannot build residualBlock "block": shortcut must be "pad" or "projection", current value is "identity"',
  });
  assert.throws(() => residualBlock({ filters: 2, activation: "swish" as "relu" }), {
    name: "TypeError",
    message:
      'Cannot build residualBlock "block": activation must be one of "relu", "tanh", "sigmoid", "softplus", "gelu", "silu", "identity", current value is "swish"',
  });
  assert.throws(() => residualBlock({ filters: 2, residualScale: Infinity }), {
    name: "RangeError",
    message:
      'Cannot build residualBlock "block": residualScale must be a finite number, current value is Infinity',
  });
});
