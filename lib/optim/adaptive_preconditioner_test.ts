import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import type { Params } from "../nn/mod.ts";
import { Rng } from "../random/mod.ts";
import { adam } from "./adam.ts";
import { adaptivePreconditioner } from "./adaptive_preconditioner.ts";
import { labelNoise } from "./label_noise.ts";
import { rmsprop } from "./rmsprop.ts";
import { sgd } from "./sgd.ts";
import type { Optimizer, OptimizerState } from "./types.ts";
import { weightDecay } from "./weight_decay.ts";
import { assertAllClose, TOL } from "../_test_util.ts";

// Three known gradients over two tensors of shapes [2] and [2, 2] (a zero coordinate included:
// there P = ε).
const SHAPES = [[2], [2, 2]];
const GRADS = [
  [1, -2, 0.5, 3, 0, -0.25],
  [-0.5, 4, 0.5, -1, 0, 2],
  [2, 0.1, -3, 1, 0, 0.75],
];
const THETA = [0.3, -0.2, 1, 2, -1, 0.5];

const toParams = (v: number[]): Params => [
  tf.tensor(v.slice(0, 2), SHAPES[0]),
  tf.tensor(v.slice(2), SHAPES[1]),
];

async function flat(ps: Params): Promise<number[]> {
  const out: number[] = [];
  for (const p of ps) out.push(...await p.data());
  return out;
}

/** Runs `opt` through the gradients (as given: the optimizer's own update, no train loop). */
function runThrough(opt: Optimizer, grads: number[][]): { state: OptimizerState; theta: Params } {
  const theta = toParams(THETA);
  let state = opt.init(theta);
  grads.forEach((g, step) => {
    const gp = toParams(g);
    const next = opt.update([gp], state, theta, { step, rng: new Rng(0) });
    tf.dispose([gp, next.updates, state]);
    state = next.state;
  });
  return { state, theta };
}

Deno.test("adaptivePreconditioner is Adam's √v̂ + ε, rebuilt in float64 from the gradients", async () => {
  const beta2 = 0.9, eps = 1e-3;
  const opt = adam({ lr: 0.05, beta1: 0.8, beta2, eps });
  for (const steps of [1, 3]) {
    const { state, theta } = runThrough(opt, GRADS.slice(0, steps));
    const v = new Array(6).fill(0);
    for (const g of GRADS.slice(0, steps)) {
      g.forEach((gi, i) => (v[i] = beta2 * v[i] + (1 - beta2) * gi * gi));
    }
    const want = v.map((vi) => Math.sqrt(vi / (1 - beta2 ** steps)) + eps);
    const before = tf.memory().numTensors;
    const p = adaptivePreconditioner(opt, state);
    assert.equal(tf.memory().numTensors, before + 2, "returns exactly the two new tensors");
    assert.deepEqual(p.map((t) => t.shape), SHAPES);
    assertAllClose(await flat(p), want, { rtol: TOL.float32 }, `P after ${steps} step(s)`);
    if (steps === 1) {
      assertAllClose(
        await flat(p),
        GRADS[0].map((g) => Math.abs(g) + eps),
        { rtol: TOL.float32 },
        "P = |g| + ε after one step",
      );
    }
    // The state is left alone: still alive, still the same second moment.
    const nu = (state.inner as { nu: Params }[])[0].nu;
    assertAllClose(await flat(nu), v, { rtol: TOL.float32 }, "v unchanged");
    tf.dispose([p, state, theta]);
  }
});

Deno.test("adaptivePreconditioner is RMSprop's √v + ε (no bias correction)", async () => {
  const decay = 0.7, eps = 1e-2;
  const opt = rmsprop({ lr: 0.01, decay, eps });
  const { state, theta } = runThrough(opt, GRADS);
  const v = new Array(6).fill(0);
  for (const g of GRADS) g.forEach((gi, i) => (v[i] = decay * v[i] + (1 - decay) * gi * gi));
  const p = adaptivePreconditioner(opt, state);
  assertAllClose(await flat(p), v.map((vi) => Math.sqrt(vi) + eps), { rtol: TOL.float32 }, "P");
  // Before any step v = 0, so P = ε everywhere.
  const initial = opt.init(theta);
  const p0 = adaptivePreconditioner(opt, initial);
  assertAllClose(await flat(p0), new Array(6).fill(eps), { rtol: TOL.float32 }, "P at init");
  tf.dispose([p, p0, state, initial, theta]);
});

Deno.test("adaptivePreconditioner reads through weightDecay and labelNoise, which keep the state", async () => {
  const base = adam({ lr: 0.05, beta2: 0.95, eps: 1e-4 });
  const wrapped = labelNoise(weightDecay(base, { decay: 0.1 }), { std: 0.5 });
  assert.equal(wrapped.name, "label-noise-adam+wd");
  const { state, theta } = runThrough(wrapped, GRADS);
  // Weight decay adds λθ to each gradient (θ is held fixed here), so v is built from g + λθ.
  const v = new Array(6).fill(0);
  for (const g of GRADS) {
    g.forEach((gi, i) => {
      const u = gi + 0.1 * THETA[i];
      v[i] = 0.95 * v[i] + 0.05 * u * u;
    });
  }
  const want = v.map((vi) => Math.sqrt(vi / (1 - 0.95 ** 3)) + 1e-4);
  const p = adaptivePreconditioner(wrapped, state);
  assertAllClose(await flat(p), want, { rtol: TOL.float32 }, "P");
  tf.dispose([p, state, theta]);
});

Deno.test("adaptivePreconditioner rejects other optimizers, foreign states and Adam before a step", () => {
  const opt = adam({ lr: 0.1 });
  const theta = toParams(THETA);
  const state = opt.init(theta);
  assert.throws(() => adaptivePreconditioner(sgd({ lr: 0.1 }), state), {
    name: "TypeError",
    message:
      'Cannot compute the adaptive preconditioner: optimizer must be adam or rmsprop (optionally wrapped by weightDecay or labelNoise), current name is "sgd"',
  });
  assert.throws(() => adaptivePreconditioner(opt, { inner: [{ count: 1 }, {}] }), {
    name: "TypeError",
    message:
      "Cannot compute the adaptive preconditioner: state must be adam's state (e.g. run.state from train), with live second-moment tensors at state.inner[0].nu",
  });
  assert.throws(() => adaptivePreconditioner(opt, state), {
    name: "RangeError",
    message:
      "Cannot compute the adaptive preconditioner: Adam's bias-corrected v̂ = v/(1 − β₂ᵗ) needs at least one step taken, current state.inner[0].count is 0",
  });
  tf.dispose([state, theta]);
  // A disposed state is foreign too (its tensors can no longer be read).
  assert.throws(() => adaptivePreconditioner(opt, state), { name: "TypeError" });
});
