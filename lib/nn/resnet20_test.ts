import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { disposeParams } from "./params.ts";
import { resnet20 } from "./resnet20.ts";
import { assertMatches64 } from "./_convnet_check.ts";
import {
  act64,
  batchNorm64,
  conv64,
  dense64,
  globalAvgPool64,
  type Op64,
  residual64,
  seq64,
} from "./_float64_convnet.ts";

const conv = (cin: number, cout: number, s: number) =>
  conv64({ kh: 3, kw: 3, sh: s, sw: s, pad: [1, 1, 1, 1], cin, cout, bias: false });

/** The float64 twin of resnet20({ blocks: 1 }) with channels c, 2c, 4c. */
function tinyResnet64(cin: number, c: number, bn: boolean): Op64 {
  const norm = (ch: number) => (bn ? [batchNorm64(ch)] : []);
  const block = (i: number, o: number, s: number) =>
    residual64(
      seq64([conv(i, o, s), ...norm(o), act64("relu"), conv(o, o, 1), ...norm(o)]),
      { stride: s, before: Math.floor((o - i) / 2), after: o - i - Math.floor((o - i) / 2) },
      "relu",
    );
  return seq64([
    conv(cin, c, 1),
    ...norm(c),
    act64("relu"),
    block(c, c, 1),
    block(c, 2 * c, 2),
    block(2 * c, 4 * c, 2),
    globalAvgPool64,
    dense64(4 * c, 3),
  ]);
}

// Seeds whose instances keep every ReLU input and pooled maximum away from its kink.
for (const [norm, seed] of [["batch", 16], ["none", 17]] as const) {
  Deno.test(`resnet20 (one block a stage, norm ${norm}): outputs, gradient and Hessian match float64`, async () => {
    const model = resnet20({ inputShape: [6, 6, 2], outputDim: 3, width: 0.25, blocks: 1, norm });
    await assertMatches64(model, tinyResnet64(2, 4, norm === "batch"), {
      seed,
      samples: 3,
      loss: "cross-entropy",
    });
  });
}

Deno.test("resnet20 has He et al.'s layout: names, shapes and the stage strides", () => {
  const model = resnet20();
  const specs = model.paramSpecs;
  assert.deepEqual(specs.slice(0, 6).map((s) => [s.name, s.shape]), [
    ["conv1.weight", [3, 3, 3, 16]],
    ["bn1.weight", [16]],
    ["bn1.bias", [16]],
    ["layer1.0.conv1.weight", [3, 3, 16, 16]],
    ["layer1.0.bn1.weight", [16]],
    ["layer1.0.bn1.bias", [16]],
  ]);
  assert.deepEqual(specs.find((s) => s.name === "layer2.0.conv1.weight")!.shape, [3, 3, 16, 32]);
  assert.deepEqual(specs.find((s) => s.name === "layer3.2.conv2.weight")!.shape, [3, 3, 64, 64]);
  assert.deepEqual(specs.at(-2)!.shape, [64, 10]);
  assert.equal(specs.filter((s) => s.shape.length === 4).length, 19);
  assert.equal(resnet20({ norm: "none" }).numParams, 269722 - 2 * (16 * 7 + 32 * 6 + 64 * 6));
  assert.equal(resnet20({ width: 2 }).paramSpecs[0].shape[3], 32);
});

Deno.test("resnet20 with BatchNorm on one CIFAR-sized batch: shapes, and no tensor left behind", () => {
  const model = resnet20({ width: 0.25 });
  const params = model.init(0);
  const x = tf.randomNormal([4, 32, 32, 3], 0, 1, "float32", 1);
  const before = tf.memory().numTensors;
  const y = model.apply(params, x);
  assert.deepEqual(y.shape, [4, 10]);
  y.dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  disposeParams(params);
});

Deno.test("resnet20 rejects a block count that is not a positive integer", () => {
  assert.throws(() => resnet20({ blocks: 0 }), {
    name: "RangeError",
    message: "Cannot build ResNet-20: blocks must be a positive integer, current value is 0",
  });
});
