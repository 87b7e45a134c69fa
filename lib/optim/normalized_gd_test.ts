import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { normalizedGd } from "./normalized_gd.ts";
import { prgd } from "./prgd.ts";
import { scaleBySchedule } from "./scale_by_schedule.ts";
import { applyUpdates } from "./apply_updates.ts";
import { disposeParams } from "../nn/mod.ts";
import { assertClose } from "../_test_util.ts";

const norm = async (ps: tf.Tensor[]) => {
  let s = 0;
  for (const p of ps) for (const v of await p.data()) s += v * v;
  return Math.sqrt(s);
};

Deno.test("normalizedGd moves θ by exactly η, and a zero gradient is a zero step (not NaN)", async () => {
  const opt = normalizedGd({ lr: 0.25 });
  const p = [tf.tensor1d([1, 2]), tf.tensor2d([[3]])];
  const g = [tf.tensor1d([100, -40]), tf.tensor2d([[7]])];
  const { updates } = opt.update([g], opt.init(p), p, { step: 0, rng: new Rng(0) });
  assertClose(await norm(updates), 0.25, { rtol: 1e-6 });
  const zero = g.map((t) => tf.zerosLike(t));
  const still = opt.update([zero], opt.init(p), p, { step: 0, rng: new Rng(0) });
  assert.ok(Array.from(await still.updates[0].data()).every((v) => v === 0));
  disposeParams([p, g, updates, zero, still.updates]);
});

Deno.test("prgd keeps θ on the sphere of the stage's radius R₀γ^k", async () => {
  const opt = prgd({ lr: 0.1, radius: 2, growth: 3, stageSteps: 3 });
  let p: tf.Tensor[] = [tf.tensor1d([0.3, -0.4])];
  let state = opt.init(p);
  const rng = new Rng(0);
  for (let step = 0; step < 7; step++) {
    const g = [tf.tensor1d([step + 1, 2 - step])];
    const r = opt.update([g], state, p, { step, rng });
    const next = applyUpdates(p, r.updates);
    assertClose(await norm(next), 2 * 3 ** Math.floor(step / 3), { rtol: 1e-5 }, `step ${step}`);
    disposeParams([p, g, r.updates]);
    p = next;
    state = r.state;
  }
  assert.equal(state.count, 7);
  disposeParams(p);
});

Deno.test("prgd and scaleBySchedule reject bad settings", () => {
  assert.throws(() => prgd({ lr: 0.1, growth: 0.9 }), {
    name: "RangeError",
    message:
      "Cannot create prgd: growth must be a number ≥ 1 (the radius never shrinks), current value is 0.9",
  });
  assert.throws(() => prgd({ lr: 0.1, radius: -1 }), {
    name: "RangeError",
    message: "Cannot create prgd: radius must be a positive number, current value is -1",
  });
  assert.throws(() => prgd({ lr: 0.1, stageSteps: 0 }), {
    name: "RangeError",
    message: "Cannot create prgd: stageSteps must be a positive integer, current value is 0",
  });
  assert.throws(() => normalizedGd({ lr: -1 }), {
    name: "RangeError",
    message: "Cannot create normalizedGd: lr must be a positive number, current value is -1",
  });
  const t = scaleBySchedule(() => NaN);
  const g = [tf.tensor1d([1])];
  assert.throws(() => t.update(g, t.init(g), g, { step: 0, rng: new Rng(0) }), {
    name: "RangeError",
    message:
      "Cannot apply scaleBySchedule: the schedule must return a finite number, at step 0 it returned NaN",
  });
  g[0].dispose();
});
