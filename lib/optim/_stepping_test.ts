import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { checkOptimizer, OptimizerStepper, stateTensors } from "./_stepping.ts";
import { heavyBall } from "./heavy_ball.ts";
import type { Optimizer, OptimizerState } from "./types.ts";

const context = (step: number) => ({ step, rng: new Rng(0) });

/**
 * θ ← θ − η(g + c) with a constant tensor c passed through the state unchanged every step, and
 * the last gradient kept in the state as the very tensor it was given: the two ways a state can
 * share tensors with the step before it and with the gradients.
 */
function sharingOptimizer(lr: number): Optimizer {
  return {
    name: "sharing",
    hyperparameters: { lr },
    gradientsPerStep: 1,
    fullBatch: false,
    init: (params) => ({ c: tf.onesLike(params[0]), last: tf.zerosLike(params[0]), count: 0 }),
    update(gradients, state) {
      const s = state as { c: tf.Tensor; last: tf.Tensor; count: number };
      const g = gradients[0][0];
      return {
        updates: [tf.tidy(() => tf.mul(tf.add(g, s.c), -lr))],
        state: { c: s.c, last: g, count: s.count + 1 },
      };
    },
  };
}

Deno.test("stateTensors finds every tensor in nested objects and arrays, once per place", () => {
  const a = tf.scalar(1), b = tf.scalar(2), c = tf.scalar(3);
  const state: OptimizerState = { a, nested: { list: [b, { c, n: 4 }], n: 1 }, flag: true };
  assert.deepEqual(stateTensors(state), [a, b, c]);
  assert.deepEqual(stateTensors({ count: 3 }), []);
  tf.dispose([a, b, c]);
});

Deno.test("OptimizerStepper: heavy ball steps match float64, and nothing leaks", async () => {
  // θ ← θ + v, v ← βv − ηg with g = θ (L = ½θ²): a float64 reference in closed loop.
  const before = tf.memory().numTensors;
  const stepper = new OptimizerStepper(heavyBall({ lr: 0.1, momentum: 0.9 }), [
    tf.tensor1d([1, -2]),
  ]);
  let theta = [1, -2], v = [0, 0];
  for (let k = 0; k < 5; k++) {
    stepper.step([[tf.clone(stepper.params[0])]], context(k));
    v = v.map((vi, i) => 0.9 * vi - 0.1 * theta[i]);
    theta = theta.map((t, i) => t + v[i]);
  }
  const got = Array.from(await stepper.params[0].data());
  got.forEach((g, i) => assert.ok(Math.abs(g - theta[i]) < 1e-6, `θ${i} ${g} vs ${theta[i]}`));
  const { params, state } = stepper.release();
  tf.dispose([...params, ...stateTensors(state)]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("OptimizerStepper keeps tensors the next state passes through or holds", async () => {
  const before = tf.memory().numTensors;
  const stepper = new OptimizerStepper(sharingOptimizer(0.5), [tf.tensor1d([2])]);
  for (let k = 0; k < 3; k++) stepper.step([[tf.tensor1d([k])]], context(k));
  // θ = 2 − 0.5·((0 + 1) + (1 + 1) + (2 + 1)) = −1; the last gradient is alive in the state.
  assert.deepEqual(Array.from(await stepper.params[0].data()), [-1]);
  const s = stepper.state as { c: tf.Tensor; last: tf.Tensor; count: number };
  assert.deepEqual([...(await s.c.data()), ...(await s.last.data()), s.count], [1, 2, 3]);
  // θ, c and last: three tensors.
  assert.equal(tf.memory().numTensors, before + 3);
  stepper.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("OptimizerStepper with keepPrevious: rollback restores the step before, commit frees it", async () => {
  const before = tf.memory().numTensors;
  const stepper = new OptimizerStepper(sharingOptimizer(0.5), [tf.tensor1d([2])], {
    keepPrevious: true,
  });
  stepper.step([[tf.tensor1d([1])]], context(0)); // θ = 2 − 0.5·2 = 1
  stepper.commit();
  const live = tf.memory().numTensors;
  const theta1 = stepper.params[0];
  stepper.step([[tf.tensor1d([3])]], context(1)); // θ = 1 − 0.5·4 = −1
  assert.deepEqual(Array.from(await stepper.params[0].data()), [-1]);
  stepper.rollback();
  assert.equal(stepper.params[0], theta1, "the very tensors of the step before");
  assert.deepEqual(Array.from(await stepper.params[0].data()), [1]);
  const s = stepper.state as { last: tf.Tensor; count: number };
  assert.deepEqual([...(await s.last.data()), s.count], [1, 1]);
  assert.equal(tf.memory().numTensors, live, "the undone step's tensors are freed");
  assert.throws(() => stepper.rollback(), {
    message: "Cannot roll back: no step is kept (keepPrevious and no commit since)",
  });
  stepper.step([[tf.tensor1d([0])]], context(1));
  stepper.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("OptimizerStepper frees the gradients when the optimizer throws, and the caller's state stays", () => {
  const failing: Optimizer = {
    ...sharingOptimizer(0.1),
    update() {
      throw new Error("boom");
    },
  };
  const before = tf.memory().numTensors;
  const stepper = new OptimizerStepper(failing, [tf.tensor1d([1])]);
  assert.throws(() => stepper.step([[tf.tensor1d([1])]], context(0)), { message: "boom" });
  assert.equal(stepper.params[0].isDisposed, false);
  stepper.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("checkOptimizer names what is wrong", () => {
  assert.equal(checkOptimizer(heavyBall({ lr: 0.1, momentum: 0.5 }), "train"), 1);
  assert.throws(() => checkOptimizer({} as Optimizer, "train"), {
    name: "TypeError",
    message:
      "Cannot train: optimizer must be an Optimizer (e.g. sgd({ lr: 0.1 })), current value is [object Object]",
  });
  assert.throws(
    () => checkOptimizer({ ...sharingOptimizer(0.1), gradientsPerStep: 0 }, "simulate it"),
    {
      name: "RangeError",
      message:
        "Cannot simulate it: optimizer.gradientsPerStep must be a positive integer, current value is 0",
    },
  );
});
