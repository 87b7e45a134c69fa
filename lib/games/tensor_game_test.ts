import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { assertAllClose, TOL } from "../_test_util.ts";
import { tensorGame, type TensorGameFunctions } from "./tensor_game.ts";
import { euclidean } from "./euclidean.ts";
import { torus } from "./torus.ts";

const diff = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.sub(tf.expandDims(x, 1), tf.expandDims(y, 0));

// K(x, y) = cos(x1 − y1)·cos(x2 − y2) on the 2-torus, as tensor functions.
const coupled: TensorGameFunctions = {
  payoff: (x, y) => tf.prod(tf.cos(diff(x, y)), 2),
  gradX: (x, y) => {
    const [d1, d2] = tf.unstack(diff(x, y), 2);
    return tf.stack([
      tf.neg(tf.mul(tf.sin(d1), tf.cos(d2))),
      tf.neg(tf.mul(tf.cos(d1), tf.sin(d2))),
    ], 2);
  },
  gradY: (x, y) => {
    const [d1, d2] = tf.unstack(diff(x, y), 2);
    return tf.stack([tf.mul(tf.sin(d1), tf.cos(d2)), tf.mul(tf.cos(d1), tf.sin(d2))], 2);
  },
};

Deno.test("tensorGame: forces and payoff match float64 references within float32 precision", async () => {
  const game = tensorGame(coupled, { x: torus(2), y: torus(2), temperature: 0.4 });
  const rng = new Rng(4);
  const n = 6, m = 5;
  const x = Float64Array.from({ length: 2 * n }, () => 2 * Math.PI * rng.uniform());
  const y = Float64Array.from({ length: 2 * m }, () => 2 * Math.PI * rng.uniform());
  const fx = new Float64Array(2 * n), fy = new Float64Array(2 * m), k = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const d1 = x[2 * i] - y[2 * j], d2 = x[2 * i + 1] - y[2 * j + 1];
      fx[2 * i] -= Math.sin(d1) * Math.cos(d2) / m;
      fx[2 * i + 1] -= Math.cos(d1) * Math.sin(d2) / m;
      fy[2 * j] += Math.sin(d1) * Math.cos(d2) / n;
      fy[2 * j + 1] += Math.cos(d1) * Math.sin(d2) / n;
      k[i * m + j] = Math.cos(d1) * Math.cos(d2);
    }
  }
  assertAllClose(await game.fieldX(x, y), fx, { atol: 1e-6 }, "fieldX");
  assertAllClose(await game.fieldY(x, y), fy, { atol: 1e-6 }, "fieldY");
  assertAllClose(await game.payoff(x, y), k, { atol: 1e-6 }, "payoff");
  assert.equal(game.temperature, 0.4);
});

Deno.test("tensorGame: construction and evaluations leave no tensors behind", async () => {
  const before = tf.memory().numTensors;
  const game = tensorGame(coupled, { x: torus(2), y: torus(2) });
  const x = Float64Array.of(0.1, 0.2, 0.3, 0.4), y = Float64Array.of(1, 2);
  await game.fieldX(x, y);
  await game.fieldY(x, y);
  await game.payoff(x, y);
  assert.throws(() =>
    tensorGame({ ...coupled, gradX: (a) => tf.mul(a, 2) }, { x: torus(2), y: torus(2) })
  );
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("tensorGame: a gradient of the wrong shape is a TypeError naming it and the fix", () => {
  assert.throws(
    () => tensorGame({ ...coupled, gradX: (x) => tf.mul(x, 2) }, { x: torus(2), y: torus(2) }),
    {
      name: "TypeError",
      message:
        "Cannot build the game: functions.gradX must return ∇_x K(x_i, y_j) for every pair, a tensor of shape [n, m, dim] = [2, 3, 2] for x of shape [2, 2] and y of shape [3, 2], it returned shape [2, 2]; broadcast over pairs with tf.expandDims(x, 1) and tf.expandDims(y, 0)",
    },
  );
  assert.throws(
    () =>
      tensorGame({ ...coupled, gradY: (x, y) => tf.sum(diff(x, y), 0) }, {
        x: torus(2),
        y: torus(2),
      }),
    /functions.gradY must return ∇_y K\(x_i, y_j\) for every pair, a tensor of shape \[n, m, dim\] = \[2, 3, 2\] .* it returned shape \[3, 2\]/,
  );
  assert.throws(
    () =>
      tensorGame({ ...coupled, payoff: (x, y) => tf.cos(diff(x, y)) }, {
        x: torus(2),
        y: torus(2),
      }),
    /functions.payoff must return K\(x_i, y_j\) for every pair, a tensor of shape \[n, m\] = \[2, 3\]/,
  );
  // The domains must match what the functions expect: torus(1) probes with one coordinate.
  assert.throws(
    () => tensorGame(coupled, { x: torus(1), y: torus(1) }),
    /Cannot build the game: functions\.(payoff|gradX) (threw|must return)/,
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => tensorGame({ ...coupled, gradY: 3 as any }),
    {
      name: "TypeError",
      message:
        "Cannot build the game: functions.gradY must be a function of the tensors x [n, dim] and y [m, dim], current value is 3",
    },
  );
  assert.throws(
    () => tensorGame(coupled, { x: torus(2), y: torus(2), temperature: 0 }),
    /options.temperature must be a positive finite number, current value is 0/,
  );
});

Deno.test("tensorGame: Euclidean bilinear game, y-only terms and unequal dimensions", async () => {
  // K(x, y) = x·y1 + y2² with x ∈ R, y ∈ R²: ∇_x = y1, ∇_y = (x, 2 y2).
  const game = tensorGame({
    payoff: (x, y) =>
      tf.add(
        tf.mul(x, tf.transpose(tf.slice(y, [0, 0], [-1, 1]))),
        tf.transpose(tf.square(tf.slice(y, [0, 1], [-1, 1]))),
      ),
    gradX: (x, y) =>
      tf.tile(tf.expandDims(tf.transpose(tf.slice(y, [0, 0], [-1, 1])), 2), [x.shape[0], 1, 1]),
    gradY: (x, y) =>
      tf.stack([
        tf.tile(x, [1, y.shape[0]]),
        tf.tile(tf.transpose(tf.mul(tf.slice(y, [0, 1], [-1, 1]), 2)), [x.shape[0], 1]),
      ], 2),
  }, { x: euclidean(1), y: euclidean(2) });
  const x = Float64Array.of(1, 3), y = Float64Array.of(0.5, 1, -1.5, 2);
  assertAllClose(await game.fieldX(x, y), [-0.5, -0.5], { atol: TOL.float32 });
  assertAllClose(await game.fieldY(x, y), [2, 2, 2, 4], { atol: TOL.float32 });
});
