import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { disposeParams, type Model, mse, type Params } from "../nn/mod.ts";
import { Rng } from "../random/mod.ts";
import { ire, type IreState } from "./ire.ts";
import { sgd } from "./sgd.ts";
import { assertAllClose } from "../_test_util.ts";

/** A model whose mse loss at target 0 is L(θ) = ½ Σ aᵢθᵢ²: Hessian diag(a), eigenvectors the axes. */
const A = [1, 3, 0.5, 2, 4, 0.2];
function quadraticModel(): Model {
  const root = tf.tensor1d(A.map(Math.sqrt));
  return {
    name: "quadratic",
    inputDim: 1,
    outputDim: 6,
    paramSpecs: [
      { name: "a", shape: [2], role: "weight", layer: 0 },
      { name: "b", shape: [2, 2], role: "weight", layer: 0 },
    ],
    numParams: 6,
    perSampleParams: false,
    init: () => [tf.tensor1d([1, -2]), tf.tensor2d([[0.5, 1.5], [-1, 3]])],
    apply: (params: Params, x: tf.Tensor2D) =>
      tf.tidy(() => {
        const theta = tf.concat([tf.reshape(params[0], [-1]), tf.reshape(params[1], [-1])]);
        return tf.matMul(x, tf.reshape(tf.mul(theta, root), [1, 6])) as tf.Tensor2D;
      }),
  };
}

Deno.test("ire with the Hessian subspace: the top-k eigen-directions keep SGD's step, the rest are amplified 1 + κ", async () => {
  const model = quadraticModel();
  const data = createDataset([[1]], [[0, 0, 0, 0, 0, 0]]);
  const opt = ire(sgd({ lr: 0.1 }), {
    kappa: 2,
    subspace: "hessian",
    rank: 2,
    objective: { model, loss: mse, data },
    initialIterations: 40,
  });
  assert.deepEqual(opt.hyperparameters, {
    lr: 0.1,
    kappa: 2,
    rank: 2,
    refreshEvery: 10,
    iterations: 2,
  });
  const params = model.init(0);
  const theta = [1, -2, 0.5, 1.5, -1, 3];
  const grads = [
    tf.tensor1d([A[0] * theta[0], A[1] * theta[1]]),
    tf.tensor2d([[A[2] * theta[2], A[3] * theta[3]], [A[4] * theta[4], A[5] * theta[5]]]),
  ];
  const state = opt.init(params);
  const before = tf.memory().numTensors;
  const { updates, state: next } = opt.update([grads], state, params, { step: 0, rng: new Rng(3) });
  // Sharp: the largest curvatures 4 (index 4) and 3 (index 1).
  const want = theta.map((t, i) => -0.1 * A[i] * t * (i === 4 || i === 1 ? 1 : 3));
  const got = [...await updates[0].data(), ...await updates[1].data()];
  assertAllClose(got, want, { rtol: 1e-4, atol: 1e-5 });
  const basis = await (next as IreState).basis.array();
  const weights = basis.map((row) => row.map((v) => v * v));
  assertAllClose([weights[0][1] + weights[1][1], weights[0][4] + weights[1][4]], [1, 1], {
    atol: 1e-4,
  });
  // New tensors: the updates, the basis and the (stateless) SGD state's none.
  assert.equal(tf.memory().numTensors, before + 2 + 1);
  disposeParams([params, grads, updates, [(next as IreState).basis, state.basis]]);
  data.dispose();
});

Deno.test("ire with κ = 0 is its base optimizer", async () => {
  const opt = ire(sgd({ lr: 0.2 }), { kappa: 0, rankFraction: 0.5 });
  const p = [tf.tensor1d([1, 2, 3])], g = [tf.tensor1d([0.5, -1, 2])];
  const r = opt.update([g], opt.init(p), p, { step: 0, rng: new Rng(0) });
  assertAllClose(await r.updates[0].data(), [-0.1, 0.2, -0.4], { rtol: 1e-6 });
  tf.dispose([p, g, r.updates, r.state as tf.TensorContainer]);
});

Deno.test("ire rejects amplifications, rank fractions and ranks out of range", () => {
  const base = sgd({ lr: 0.1 });
  assert.throws(() => ire(base, { kappa: -1 }), {
    name: "RangeError",
    message:
      "Cannot create ire: kappa must be a non-negative number (the flat-direction amplification), current value is -1",
  });
  assert.throws(() => ire(base, { kappa: 1, rankFraction: 1 }), {
    name: "RangeError",
    message:
      "Cannot create ire: rankFraction must be in (0, 1) (the share of coordinates treated as sharp), current value is 1",
  });
  assert.throws(() => ire(base, { kappa: 1, subspace: "hessian" }), {
    name: "TypeError",
    message:
      'Cannot create ire: the "hessian" subspace needs options.objective (the model, loss and data whose Hessian defines the sharp directions)',
  });
  const data = createDataset([[1]], [[0, 0, 0, 0, 0, 0]]);
  const objective = { model: quadraticModel(), loss: mse, data };
  assert.throws(() => ire(base, { kappa: 1, subspace: "hessian", objective, rank: 6 }), {
    name: "RangeError",
    message:
      "Cannot create ire: rank must be an integer in [1, 6) (the number of sharp directions, below the parameter count), current value is 6",
  });
  assert.throws(() => ire(base, { kappa: 1, refreshEvery: 0 }), {
    name: "RangeError",
    message: "Cannot create ire: refreshEvery must be a positive integer, current value is 0",
  });
  data.dispose();
});
