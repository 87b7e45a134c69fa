import assert from "node:assert/strict";
import { tf } from "./mod.ts";

/** Runs `f`, which must throw `message`, and checks that no tensor outlived it. */
function assertThrowsClean(f: () => unknown, message: string): void {
  const before = tf.memory().numTensors;
  assert.throws(f, (e: Error) => e.message === message);
  assert.equal(tf.memory().numTensors, before, `tensors leaked by "${message}"`);
}

Deno.test("a gradient pass that throws in its function frees what it saved for backprop", () => {
  const x = tf.tensor1d([0.5, -1, 2]);
  // exp, tanh and mul each save tensors for the backward pass: 9 leaked per exception before.
  const f = (v: tf.Tensor) => {
    const y = tf.sum(tf.mul(tf.exp(v), tf.tanh(v)));
    if (y) throw new Error("the loss failed");
    return y as tf.Scalar;
  };
  for (let i = 0; i < 3; i++) assertThrowsClean(() => tf.grad(f)(x), "the loss failed");
  assertThrowsClean(() => tf.valueAndGrads((v: tf.Tensor) => f(v))([x]), "the loss failed");
  // The engine is usable after: a plain gradient is right and leaves nothing behind either.
  const before = tf.memory().numTensors;
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(v)))(x);
  assert.deepEqual(Array.from(g.dataSync()), [1, -2, 4]);
  g.dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

Deno.test("a nested pass (an HVP) that throws inside the inner gradient leaks nothing", () => {
  const x = tf.tensor1d([0.3, 0.7]);
  let calls = 0;
  const loss = (v: tf.Tensor) =>
    tf.tidy(() => {
      const y = tf.sum(tf.pow(tf.sigmoid(v), 3));
      if (++calls > 0) throw new Error("model failed in the inner pass");
      return y as tf.Scalar;
    });
  assertThrowsClean(
    () => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.grad(loss)(v), x)))(x),
    "model failed in the inner pass",
  );
  x.dispose();
});

Deno.test("a gradient that throws during the backward sweep leaks nothing", () => {
  const x = tf.tensor1d([1, 2]);
  const broken = tf.customGrad(
    ((v: tf.Tensor, save: tf.GradSaveFunc) => {
      save([tf.square(v)]);
      return {
        value: tf.exp(v),
        gradFunc: () => {
          throw new Error("gradient failed");
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0],
  );
  assertThrowsClean(
    () => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(broken(tf.tanh(v)) as tf.Tensor, v)))(x),
    "gradient failed",
  );
  x.dispose();
});
