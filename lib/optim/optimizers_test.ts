/**
 * The conformance table every optimizer passes: state shapes, purity (no mutation, no disposal,
 * no leaks), the declared gradient count, and three steps on a quadratic against float64
 * formulas written out by hand.
 */
import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import type { Params } from "../nn/mod.ts";
import { Rng } from "../random/mod.ts";
import { adam } from "./adam.ts";
import { applyUpdates } from "./apply_updates.ts";
import { heavyBall, nesterov } from "./heavy_ball.ts";
import { rmsprop } from "./rmsprop.ts";
import { gd, sgd } from "./sgd.ts";
import type { Optimizer, OptimizerState } from "./types.ts";
import { assertAllClose } from "../_test_util.ts";
import { weightDecay } from "./weight_decay.ts";
import { labelNoiseSgd } from "./label_noise.ts";
import { normalizedGd } from "./normalized_gd.ts";
import { prgd } from "./prgd.ts";
import { ire } from "./ire.ts";

const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** The quadratic L(θ) = ½ Σ aᵢ θᵢ², over two tensors of shapes [2] and [2, 2]. */
const A = [1, 3, 0.5, 2, 4, 0.2];
const THETA0 = [1, -2, 0.5, 1.5, -1, 3];
const SHAPES = [[2], [2, 2]];

/** A float64 reference step: (θ, g, state) ↦ θ'. */
type Reference = () => (theta: number[], g: number[]) => number[];

const TABLE: { make: () => Optimizer; reference: Reference }[] = [
  {
    make: () => sgd({ lr: 0.1 }),
    reference: () => (t, g) => t.map((ti, i) => ti - 0.1 * g[i]),
  },
  {
    make: () => gd({ lr: 0.1 }),
    reference: () => (t, g) => t.map((ti, i) => ti - 0.1 * g[i]),
  },
  {
    make: () => heavyBall({ lr: 0.1, momentum: 0.8 }),
    reference: () => {
      const v = new Array(6).fill(0);
      return (t, g) =>
        t.map((ti, i) => {
          v[i] = 0.8 * v[i] + g[i];
          return ti - 0.1 * v[i];
        });
    },
  },
  {
    make: () => nesterov({ lr: 0.1, momentum: 0.8 }),
    reference: () => {
      const v = new Array(6).fill(0);
      return (t, g) =>
        t.map((ti, i) => {
          v[i] = 0.8 * v[i] + g[i];
          return ti - 0.1 * (g[i] + 0.8 * v[i]);
        });
    },
  },
  {
    make: () => adam({ lr: 0.05, beta1: 0.8, beta2: 0.9, eps: 1e-3 }),
    reference: () => {
      const m = new Array(6).fill(0), v = new Array(6).fill(0);
      let t = 0;
      return (theta, g) => {
        t++;
        return theta.map((ti, i) => {
          m[i] = 0.8 * m[i] + 0.2 * g[i];
          v[i] = 0.9 * v[i] + 0.1 * g[i] * g[i];
          const mh = m[i] / (1 - 0.8 ** t), vh = v[i] / (1 - 0.9 ** t);
          return ti - (0.05 * mh) / (Math.sqrt(vh) + 1e-3);
        });
      };
    },
  },
  {
    make: () => rmsprop({ lr: 0.01, decay: 0.9, eps: 1e-3 }),
    reference: () => {
      const v = new Array(6).fill(0);
      return (theta, g) =>
        theta.map((ti, i) => {
          v[i] = 0.9 * v[i] + 0.1 * g[i] * g[i];
          return ti - (0.01 * g[i]) / (Math.sqrt(v[i]) + 1e-3);
        });
    },
  },
  {
    // The update is SGD's; the label noise acts in prepareBatch (tested in label_noise_test.ts).
    make: () => labelNoiseSgd({ lr: 0.1, std: 0.5 }),
    reference: () => (t, g) => t.map((ti, i) => ti - 0.1 * g[i]),
  },
  {
    make: () => weightDecay(heavyBall({ lr: 0.1, momentum: 0.8 }), { decay: 0.3 }),
    reference: () => {
      const v = new Array(6).fill(0);
      return (t, g) =>
        t.map((ti, i) => {
          v[i] = 0.8 * v[i] + g[i] + 0.3 * ti;
          return ti - 0.1 * v[i];
        });
    },
  },
  {
    make: () => normalizedGd({ lr: 0.3 }),
    reference: () => (t, g) => t.map((ti, i) => ti - (0.3 * g[i]) / norm(g)),
  },
  {
    // Stages of 2 steps: radius 2, then 2·1.5.
    make: () => prgd({ lr: 0.3, radius: 2, growth: 1.5, stageSteps: 2 }),
    reference: () => {
      let step = 0;
      return (t, g) => {
        const r = 2 * 1.5 ** Math.floor(step++ / 2);
        const moved = t.map((ti, i) => ti - (0.3 * g[i]) / norm(g));
        return moved.map((m) => (r * m) / norm(moved));
      };
    },
  },
  {
    // Fisher IRE: the 2 of 6 coordinates with the largest running mean of g² are sharp; the
    // others' SGD step is multiplied by 1 + κ.
    make: () =>
      ire(sgd({ lr: 0.1 }), { kappa: 1.5, rankFraction: 1 / 3, refreshEvery: 2, fisherDecay: 0.5 }),
    reference: () => {
      const f = new Array(6).fill(0);
      let flat = new Array(6).fill(1), step = 0;
      return (t, g) => {
        g.forEach((gi, i) => (f[i] = 0.5 * f[i] + 0.5 * gi * gi));
        if (step++ % 2 === 0) {
          const threshold = [...f].sort((a, b) => b - a)[1];
          flat = f.map((fi) => (fi < threshold ? 1 : 0));
        }
        return t.map((ti, i) => ti - 0.1 * g[i] * (1 + 1.5 * flat[i]));
      };
    },
  },
];

function toParams(values: number[]): Params {
  return [tf.tensor1d(values.slice(0, 2)), tf.tensor2d(values.slice(2), [2, 2])];
}

async function values(ps: Params): Promise<number[]> {
  const out: number[] = [];
  for (const p of ps) out.push(...await p.data());
  return out;
}

function stateTensors(state: OptimizerState): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  const walk = (c: unknown) => {
    if (c instanceof tf.Tensor) out.push(c);
    else if (Array.isArray(c)) c.forEach(walk);
    else if (c && typeof c === "object") Object.values(c).forEach(walk);
  };
  walk(state);
  return out;
}

function stateParamLists(state: OptimizerState): tf.Tensor[][] {
  const out: tf.Tensor[][] = [];
  const walk = (c: unknown) => {
    if (Array.isArray(c) && c.length > 0 && c.every((t) => t instanceof tf.Tensor)) out.push(c);
    else if (Array.isArray(c)) c.forEach(walk);
    else if (c && typeof c === "object" && !(c instanceof tf.Tensor)) {
      Object.values(c).forEach(walk);
    }
  };
  walk(state);
  return out;
}

for (const { make, reference } of TABLE) {
  const name = make().name + (make().fullBatch ? " (full batch)" : "");
  Deno.test(`optimizer conformance: ${name}`, async () => {
    const opt = make();
    assert.equal(opt.gradientsPerStep, 1);
    const context = { step: 0, rng: new Rng(0) };
    let params = toParams(THETA0);
    const before = tf.memory().numTensors;
    let state = opt.init(params);
    // State: every list of tensors is shaped like the parameters.
    for (const list of stateParamLists(state)) {
      assert.deepEqual(list.map((t) => t.shape), SHAPES);
    }
    const ref = reference();
    let theta = THETA0.slice();
    for (let step = 0; step < 3; step++) {
      const g = theta.map((t, i) => A[i] * t);
      const grads = toParams(g);
      const snapshot = [
        await values(params),
        await values(grads),
        await values(stateTensors(state)),
      ];
      const count = tf.memory().numTensors;
      const { updates, state: next } = opt.update([grads], state, params, { ...context, step });
      // Only the updates and the new state's new tensors were created: no temporaries leaked.
      const oldSet = new Set(stateTensors(state));
      const created = updates.length + stateTensors(next).filter((t) => !oldSet.has(t)).length;
      assert.equal(tf.memory().numTensors, count + created, "no leaked temporaries");
      // Nothing was mutated or disposed.
      assert.deepEqual(
        [await values(params), await values(grads), await values(stateTensors(state))],
        snapshot,
      );
      assert.deepEqual(updates.map((u) => u.shape), SHAPES);
      for (const list of stateParamLists(next)) assert.deepEqual(list.map((t) => t.shape), SHAPES);
      const nextParams = applyUpdates(params, updates);
      theta = ref(theta, g);
      assertAllClose(
        await values(nextParams),
        theta,
        { rtol: 1e-5, atol: 1e-6 },
        `${name} step ${step}`,
      );
      const keep = new Set(stateTensors(next));
      tf.dispose([
        ...params,
        ...grads,
        ...updates,
        ...stateTensors(state).filter((t) => !keep.has(t)),
      ]);
      params = nextParams;
      state = next;
    }
    tf.dispose([...params, ...stateTensors(state)]);
    // Only the initial params (disposed above) remained from before.
    assert.equal(tf.memory().numTensors, before - 2);
  });
}

Deno.test("optimizers reject bad hyperparameters and the wrong number of gradients", () => {
  assert.throws(() => sgd({ lr: 0 }), {
    name: "RangeError",
    message: "Cannot create sgd: lr must be a positive number, current value is 0",
  });
  assert.throws(() => heavyBall({ lr: 0.1, momentum: 1 }), {
    name: "RangeError",
    message: "Cannot create heavyBall: momentum must be in [0, 1), current value is 1",
  });
  assert.throws(() => adam({ lr: 0.1, eps: 0 }), {
    name: "RangeError",
    message: "Cannot create adam: eps must be a positive number, current value is 0",
  });
  assert.throws(() => rmsprop({ lr: NaN }), {
    name: "RangeError",
    message: "Cannot create rmsprop: lr must be a positive number, current value is NaN",
  });
  const opt = sgd({ lr: 0.1 });
  const p = [tf.tensor1d([1])];
  assert.throws(() => opt.update([p, p], opt.init(p), p, { step: 0, rng: new Rng(0) }), {
    name: "TypeError",
    message: "Cannot update sgd: it takes 1 gradient per step, current count is 2",
  });
  p[0].dispose();
});

Deno.test("applyUpdates names updates that are not a list of tensors", () => {
  const params = [tf.tensor1d([1, 2])];
  assert.throws(
    () => applyUpdates(params, "x" as never),
    new TypeError(
      'Cannot apply the updates: updates must be an array of tensors, current value is "x"',
    ),
  );
  params[0].dispose();
});
