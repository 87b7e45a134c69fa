import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { hessian64, lossAndGrad64, type Mlp64 } from "../nn/_float64_reference.ts";
import { gradientNoiseAlignment } from "./gradient_noise_alignment.ts";
import { tinyProblem } from "./_test_problems.ts";
import { assertClose } from "../_test_util.ts";

const NET: Mlp64 = { sizes: [2, 3, 2], activation: "tanh" };

/** tr(ΣH), tr(H²) and L in float64 from per-sample gradients and the finite-difference Hessian. */
function reference64(theta: Float64Array, xs: number[][], ys: number[][]) {
  const d = theta.length, n = xs.length;
  const g = xs.map((x, i) => lossAndGrad64(NET, "mse", theta, [x], [ys[i]]).grad);
  const mean = new Float64Array(d);
  for (const gi of g) for (let j = 0; j < d; j++) mean[j] += gi[j] / n;
  const H = hessian64(NET, "mse", theta, xs, ys);
  let trSH = 0, fro2 = 0;
  for (const gi of g) {
    const c = gi.map((v, j) => v - mean[j]);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) trSH += c[a] * H[a * d + b] * c[b] / n;
  }
  for (let k = 0; k < d * d; k++) fro2 += H[k] ** 2;
  const loss = lossAndGrad64(NET, "mse", theta, xs, ys).value;
  return { trSH, fro2, loss, mu: trSH / (2 * loss * fro2) };
}

Deno.test("gradientNoiseAlignment: μ, tr(ΣH) and ‖H‖_F² match float64 on a tanh MLP (exact budget)", async () => {
  const p = await tinyProblem(NET, "mse", 6, 4);
  const want = reference64(p.theta, p.xs, p.ys);
  const d = p.theta.length;
  const before = tf.memory().numTensors;
  const r = await gradientNoiseAlignment(p.point, { matvecs: d });
  assert.equal(tf.memory().numTensors, before);
  assertClose(r.traceNoiseHessian, want.trSH, { rtol: 1e-3, atol: 1e-6 }, "tr(ΣH)");
  assertClose(r.hessianFrobeniusSquared, want.fro2, { rtol: 1e-3 }, "‖H‖_F²");
  assertClose(r.loss, want.loss, { rtol: 1e-5 }, "L");
  assertClose(r.value, want.mu, { rtol: 2e-3 }, "μ");
  assert.equal(r.hessianFrobeniusStandardError, 0);
  assert.equal(r.samples, 6);
  assert.equal(r.hessianProducts, 6 + 2 * d);
  p.dispose();
});

Deno.test("gradientNoiseAlignment: a Hutch++ budget below d estimates ‖H‖_F² within 4 standard errors", async () => {
  const p = await tinyProblem(NET, "mse", 8, 5);
  const want = reference64(p.theta, p.xs, p.ys);
  const r = await gradientNoiseAlignment(p.point, { matvecs: 9, seed: 3 });
  assert.ok(r.hessianFrobeniusStandardError > 0);
  assert.ok(
    Math.abs(r.hessianFrobeniusSquared - want.fro2) <=
      4 * r.hessianFrobeniusStandardError + 1e-3 * want.fro2,
    `${r.hessianFrobeniusSquared} vs ${want.fro2} ± ${r.hessianFrobeniusStandardError}`,
  );
  // tr(ΣH) stays exact whatever the budget.
  assertClose(r.traceNoiseHessian, want.trSH, { rtol: 1e-3, atol: 1e-6 }, "tr(ΣH)");
  assert.equal(r.hessianProducts, 8 + 2 * 9);
  p.dispose();
});

Deno.test("gradientNoiseAlignment: a subset uses only those samples", async () => {
  const p = await tinyProblem(NET, "mse", 8, 6);
  const want = reference64(p.theta, p.xs.slice(0, 5), p.ys.slice(0, 5));
  const r = await gradientNoiseAlignment(p.point, { subset: 5, matvecs: p.theta.length });
  assertClose(r.value, want.mu, { rtol: 2e-3 }, "μ on 5 samples");
  assert.equal(r.samples, 5);
  p.dispose();
});

Deno.test("gradientNoiseAlignment: invalid options throw with exact messages", async () => {
  const p = await tinyProblem(NET, "mse", 4, 7);
  await assert.rejects(() => gradientNoiseAlignment(p.point, { matvecs: 5 }), {
    name: "RangeError",
    message:
      "Cannot measure the gradient-noise alignment: matvecs must be an integer of at least 6, current value is 5",
  });
  await assert.rejects(
    () => gradientNoiseAlignment(p.point, { onProgress: 3 as unknown as () => void }),
    {
      name: "TypeError",
      message:
        "Cannot measure the gradient-noise alignment: onProgress must be a function, current value is 3",
    },
  );
  p.dispose();
});
