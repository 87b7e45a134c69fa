import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { mse } from "./mse.ts";
import { crossEntropy } from "./cross_entropy.ts";
import { sampleLoss64 } from "./_float64_reference.ts";
import { assertClose, TOL } from "../_test_util.ts";

const F = [[0.2, -1.0, 2.5], [1.0, 0.0, -0.5]];
const Y = [[0, 0, 1], [1, 0, 0]];

for (const [loss, name] of [[mse, "mse"], [crossEntropy, "cross-entropy"]] as const) {
  Deno.test(`${name}: per-sample values match float64 for one-hot and integer targets`, async () => {
    const before = tf.memory().numTensors;
    const f = tf.tensor2d(F);
    const oneHot = tf.tensor2d(Y);
    const labels = tf.tensor1d([2, 0], "int32");
    const a = loss.perSample(f, oneHot), b = loss.perSample(f, labels);
    const [av, bv] = [await a.data(), await b.data()];
    F.forEach((fi, i) => {
      const want = sampleLoss64(name, Float64Array.from(fi), Y[i]).value;
      assertClose(av[i], want, { rtol: TOL.float32 }, `${name} one-hot ${i}`);
      assertClose(bv[i], want, { rtol: TOL.float32 }, `${name} integer ${i}`);
    });
    tf.dispose([f, oneHot, labels, a, b]);
    assert.equal(tf.memory().numTensors, before);
  });
}

Deno.test("crossEntropy with one output and ±1 targets is the logistic loss", async () => {
  const f = tf.tensor2d([[2], [-0.5]]), y = tf.tensor2d([[1], [1]]);
  const l = await crossEntropy.perSample(f, y).data();
  assertClose(l[0], Math.log1p(Math.exp(-2)), { rtol: TOL.float32 }, "margin 2");
  assertClose(l[1], Math.log1p(Math.exp(0.5)), { rtol: TOL.float32 }, "margin −0.5");
  tf.dispose([f, y]);
});

Deno.test("losses reject targets whose shape does not fit the outputs", () => {
  const f = tf.zeros([2, 3]) as tf.Tensor2D, y = tf.zeros([2, 4]);
  assert.throws(() => mse.perSample(f, y), {
    name: "TypeError",
    message:
      "Cannot compute the mse: targets must be integer labels [2] or have shape [2, 3] like the outputs, current shape is [2,4] (float32)",
  });
  const v = tf.zeros([3]) as unknown as tf.Tensor2D;
  assert.throws(() => crossEntropy.perSample(v, y), {
    name: "TypeError",
    message:
      "Cannot compute the cross-entropy: outputs must have rank 2 [n, k], current shape is [3]",
  });
  tf.dispose([f, y, v]);
});
