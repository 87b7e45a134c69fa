import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { mlp, mse } from "../nn/mod.ts";
import { adam } from "./adam.ts";
import { adaptivePreconditioner } from "./adaptive_preconditioner.ts";
import { rmsprop } from "./rmsprop.ts";
import { sgd } from "./sgd.ts";
import { train } from "./train.ts";
import { trackPreconditionedSharpness } from "./track_preconditioned_sharpness.ts";
import { assertClose } from "../_test_util.ts";

/** λ_max of a symmetric 2×2 matrix [[a, b], [b, c]], float64. */
const top2 = (a: number, b: number, c: number) =>
  (a + c) / 2 + Math.sqrt(((a - c) / 2) ** 2 + b * b);

Deno.test("trackPreconditionedSharpness records λ_max(P⁻¹H) with Adam's P = √v̂ + ε at each record", async () => {
  // Linear model, mean of ½(wᵀx − y)²: H = XᵀX/n, independent of w.
  const X = [[1, 0.5], [0.2, 2], [-0.7, 0.1]];
  const data = createDataset(X, [[1], [0], [2]]);
  const model = mlp([2, 1], { bias: false, activation: "identity" });
  const n = X.length;
  const h = (i: number, j: number) => X.reduce((s, x) => s + x[i] * x[j], 0) / n;
  const before = tf.memory().numTensors;
  const opt = adam({ lr: 0.05, eps: 1e-4 });
  const run = await train({ model, loss: mse, data }, opt, {
    steps: 30,
    every: 10,
    seed: 2,
    track: { preconditioned: trackPreconditionedSharpness({ tol: 1e-6 }) },
  });
  assert.ok(Number.isNaN(run.history[0].preconditioned), "no second moment before the first step");
  // At the final state, the float64 reference from Adam's own v̂.
  const [P] = adaptivePreconditioner(opt, run.state);
  const p = Array.from(await P.data());
  P.dispose();
  const expected = top2(h(0, 0) / p[0], h(0, 1) / Math.sqrt(p[0] * p[1]), h(1, 1) / p[1]);
  assertClose(run.final.preconditioned, expected, { rtol: 1e-4 });
  // Every record after step 0 is positive and finite.
  for (const r of run.history.slice(1)) assert.ok(r.preconditioned > 0);
  run.dispose();
  assert.equal(tf.memory().numTensors, before, "the tracker frees every P it makes");
  data.dispose();
});

Deno.test("trackPreconditionedSharpness works for RMSprop and names the optimizers it cannot read", async () => {
  const data = createDataset([[1, 0], [0, 2]], [[1], [0]]);
  const model = mlp([2, 1], { bias: false, activation: "identity" });
  const run = await train({ model, loss: mse, data }, rmsprop({ lr: 0.01 }), {
    steps: 5,
    every: 5,
    track: { preconditioned: trackPreconditionedSharpness() },
  });
  assert.ok(run.final.preconditioned > 0);
  run.dispose();
  await assert.rejects(
    () =>
      train({ model, loss: mse, data }, sgd({ lr: 0.1 }), {
        steps: 2,
        every: 1,
        track: { preconditioned: trackPreconditionedSharpness() },
      }),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        'Cannot compute the adaptive preconditioner: optimizer must be adam or rmsprop (optionally wrapped by weightDecay or labelNoise), current name is "sgd"',
  );
  data.dispose();
});
