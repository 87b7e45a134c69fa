import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { exponentialLoss, marginShiftedExponentialLoss } from "./exponential_loss.ts";
import { assertAllClose, TOL } from "../_test_util.ts";

const F = [[0.7], [-1.3], [2.1], [0.2]];
const Y = [1, 1, -1, -1];

Deno.test("exponentialLoss: values, first and second derivatives in the output are e^{−yf}, −y e^{−yf}, e^{−yf}", async () => {
  const before = tf.memory().numTensors;
  const f = tf.tensor2d(F), y = tf.tensor2d(Y.map((v) => [v]));
  const want = F.map((r, i) => Math.exp(-Y[i] * r[0]));
  const values = exponentialLoss.perSample(f, y);
  assertAllClose(await values.data(), want, { rtol: TOL.float32 }, "ℓ");
  const sum = (o: tf.Tensor) => tf.sum(exponentialLoss.perSample(o as tf.Tensor2D, y));
  const g = tf.grad(sum)(f);
  assertAllClose(await g.data(), want.map((v, i) => -Y[i] * v), { rtol: TOL.float32 }, "ℓ'");
  const d2 = tf.grad((o: tf.Tensor) => tf.sum(tf.grad(sum)(o)))(f);
  // Σ_i ∂²ℓ_i/∂f_i² with y² = 1.
  assertAllClose(await d2.data(), want, { rtol: TOL.float32 }, "ℓ''");
  tf.dispose([f, y, values, g, d2]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("marginShiftedExponentialLoss: e^{q_min}·ℓ with the shift held constant, finite where e^{−q} underflows", async () => {
  const before = tf.memory().numTensors;
  const y = tf.tensor2d(Y.map((v) => [v]));
  const f = tf.tensor2d(F);
  const q = F.map((r, i) => Y[i] * r[0]), qMin = Math.min(...q);
  const shifted = marginShiftedExponentialLoss.perSample(f, y);
  assertAllClose(await shifted.data(), q.map((v) => Math.exp(-(v - qMin))), { rtol: TOL.float32 });
  const grad = (loss: typeof exponentialLoss, o: tf.Tensor2D) =>
    tf.grad((t: tf.Tensor) => tf.sum(loss.perSample(t as tf.Tensor2D, y)))(o);
  const g = grad(marginShiftedExponentialLoss, f);
  // The gradient is e^{q_min} times the exponential loss's: no term from the shift.
  assertAllClose(
    await g.data(),
    q.map((v, i) => -Y[i] * Math.exp(-(v - qMin))),
    { rtol: TOL.float32 },
    "∇",
  );
  // At margins past 110, e^{−q} is 0 in float32 but the shifted gradient keeps its direction.
  const FAR = [[0.7], [1.3], [-2.1], [-0.2]].map((r) => [r[0] * 600]);
  const far = tf.tensor2d(FAR);
  const plain = grad(exponentialLoss, far), kept = grad(marginShiftedExponentialLoss, far);
  assert.ok((await plain.data()).every((v) => v === 0));
  const k = await kept.data();
  const qFar = FAR.map((r, i) => Y[i] * r[0]), qFarMin = Math.min(...qFar);
  assertAllClose(k, qFar.map((v, i) => -Y[i] * Math.exp(-(v - qFarMin))), {
    rtol: TOL.float32,
    atol: 1e-30,
  });
  assert.equal(k[3], 1);
  tf.dispose([y, f, shifted, g, far, plain, kept]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("exponential losses reject outputs that are not one column", () => {
  const f = tf.tensor2d([[1, 2]]), y = tf.tensor1d([1], "int32");
  assert.throws(() => exponentialLoss.perSample(f, y), {
    name: "TypeError",
    message:
      "Cannot compute the exponential loss: it is a binary loss, outputs must have shape [n, 1] with ±1 targets, current shape is [1,2]",
  });
  assert.throws(() => marginShiftedExponentialLoss.perSample(f, y), {
    name: "TypeError",
    message:
      "Cannot compute the margin-shifted exponential loss: it is a binary loss, outputs must have shape [n, 1] with ±1 targets, current shape is [1,2]",
  });
  tf.dispose([f, y]);
});
