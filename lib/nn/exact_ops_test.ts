import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { exactOps } from "./exact_ops.ts";
import { assertAllClose, assertClose, TOL } from "../_test_util.ts";

const sig = (z: number) => 1 / (1 + Math.exp(-z));
const XS = [-3, -1.2, -0.3, 0, 0.4, 1.1, 2.5];

/** Value, first and second derivative in float64, derived by hand. */
const REF: Record<string, [(z: number) => number, (z: number) => number, (z: number) => number]> = {
  exp: [Math.exp, Math.exp, Math.exp],
  tanh: [
    Math.tanh,
    (z) => 1 - Math.tanh(z) ** 2,
    (z) => -2 * Math.tanh(z) * (1 - Math.tanh(z) ** 2),
  ],
  sigmoid: [sig, (z) => sig(z) * (1 - sig(z)), (z) => sig(z) * (1 - sig(z)) * (1 - 2 * sig(z))],
  softplus: [(z) => Math.log1p(Math.exp(z)), sig, (z) => sig(z) * (1 - sig(z))],
  logCosh: [(z) => Math.log(Math.cosh(z)), Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
};

for (const [name, [f, df, d2f]] of Object.entries(REF)) {
  Deno.test(`exactOps.${name}: value, first and second derivative match float64`, async () => {
    const op = exactOps[name as keyof typeof exactOps];
    const x = tf.tensor1d(XS);
    const before = tf.memory().numTensors;
    const [v, g, h] = tf.tidy(() => [
      op(x),
      tf.grad((t: tf.Tensor) => op(t).sum())(x),
      tf.grad((t: tf.Tensor) => tf.grad((u: tf.Tensor) => op(u).sum())(t).sum())(x),
    ]);
    const scale = (fn: (z: number) => number) => XS.map((z) => Math.max(1, Math.abs(fn(z))));
    const check = async (t: tf.Tensor, fn: (z: number) => number, what: string) => {
      const got = await t.data();
      const s = scale(fn);
      XS.forEach((z, i) => assertClose(got[i], fn(z), { atol: 5 * TOL.float32 * s[i] }, what));
    };
    await check(v, f, `${name}(x)`);
    await check(g, df, `${name}'(x)`);
    await check(h, d2f, `${name}''(x)`);
    tf.dispose([v, g, h]);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
}

Deno.test("exactOps.logSumExp: value, gradient softmax and Hessian diag(p) − ppᵀ match float64", async () => {
  const z = [0.3, -1.1, 2.0, 0.5];
  const v = [1, -2, 0.5, 3];
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, t) => s + Math.exp(t - m), 0));
  const p = z.map((t) => Math.exp(t - lse));
  const pv = p.reduce((s, pi, i) => s + pi * v[i], 0);
  const hv = p.map((pi, i) => pi * v[i] - pi * pv);
  const x = tf.tensor2d([z]);
  const vt = tf.tensor2d([v]);
  const [value, grad, hvp] = tf.tidy(() => {
    const f = (t: tf.Tensor) => exactOps.logSumExp(t).sum();
    return [
      exactOps.logSumExp(x),
      tf.grad(f)(x),
      tf.grad((t: tf.Tensor) => tf.grad(f)(t).mul(vt).sum())(x),
    ];
  });
  assertClose((await value.data())[0], lse, { rtol: TOL.float32 }, "lse");
  assertAllClose(await grad.data(), p, { atol: TOL.float32 }, "softmax");
  assertAllClose(await hvp.data(), hv, { atol: 1e-5 }, "Hessian·v");
  tf.dispose([x, vt, value, grad, hvp]);
});

Deno.test("exactOps.logSoftmax and softmax agree with float64 and are stable for large logits", async () => {
  const z = [1000, 1001, 999];
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, t) => s + Math.exp(t - m), 0));
  const x = tf.tensor2d([z]);
  const [ls, sm] = tf.tidy(() => [exactOps.logSoftmax(x), exactOps.softmax(x)]);
  // Float32 spacing at 1000 is 6.1e-5: that is the resolution of the logits themselves.
  assertAllClose(await ls.data(), z.map((t) => t - lse), { atol: 2e-4 }, "logSoftmax");
  assertAllClose(await sm.data(), z.map((t) => Math.exp(t - lse)), { atol: 2e-4 }, "softmax");
  assert.ok((await sm.data()).every(Number.isFinite));
  tf.dispose([x, ls, sm]);
});

Deno.test("exactOps.tanh's third derivative is exact too (gradients are written with exact ops)", async () => {
  // tanh''' = −2(1 − t²)(1 − 3t²).
  const z = 0.7, t = Math.tanh(z);
  const d3 = tf.tidy(() =>
    tf.grad(tf.grad(tf.grad((u: tf.Tensor) => exactOps.tanh(u))))(tf.scalar(z))
  );
  assertClose((await d3.data())[0], -2 * (1 - t * t) * (1 - 3 * t * t), { atol: 1e-5 }, "tanh'''");
  d3.dispose();
});

Deno.test("why exactOps exist: tfjs's own exp gives a wrong second derivative under nested grad", async () => {
  // tanh written as (e^{2x} − 1)/(e^{2x} + 1): with tf.exp the nested gradient loses the path
  // through exp's saved output; with exactOps.exp it is right. tanh''(0.3) = −0.5332.
  const viaExp = (exp: (t: tf.Tensor) => tf.Tensor) => (x: tf.Tensor) => {
    const e = exp(tf.mul(2, x));
    return tf.div(tf.sub(e, 1), tf.add(e, 1));
  };
  const x = tf.scalar(0.3);
  const [naive, exact] = tf.tidy(() => [
    tf.grad(tf.grad(viaExp((t) => tf.exp(t))))(x),
    tf.grad(tf.grad(viaExp(exactOps.exp)))(x),
  ]);
  const t = Math.tanh(0.3), want = -2 * t * (1 - t * t);
  assertClose((await exact.data())[0], want, { atol: 1e-5 }, "exact");
  assert.ok(Math.abs((await naive.data())[0] - want) > 0.1, "tfjs's exp is wrong here");
  tf.dispose([x, naive, exact]);
});
