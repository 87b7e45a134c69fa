import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import {
  crossEntropy,
  diagonalLinearNet,
  disposeParams,
  exponentialLoss,
  homogeneousNet,
  mlp,
  mse,
  scaleInvariantNet,
} from "../nn/mod.ts";
import { homogeneityDegree } from "./homogeneity_degree.ts";
import { normalizedMargin } from "./normalized_margin.ts";
import { assertClose } from "../_test_util.ts";

const X = [[1, 0.5], [-0.5, 1], [0.3, -1.2], [-1, -0.2]];
const Y = [1, 1, -1, 1];

// A hand-built two-layer ReLU classifier f(x) = Σⱼ aⱼ relu(wⱼ·x), 2-homogeneous.
const W1 = [[1, -1, 0.5], [0.5, 1, -2]]; // [in 2, hidden 3]
const A2 = [[1], [0.7], [-0.2]];
function f64(x: number[]): number {
  let s = 0;
  for (let j = 0; j < 3; j++) s += A2[j][0] * Math.max(0, x[0] * W1[0][j] + x[1] * W1[1][j]);
  return s;
}

Deno.test("normalizedMargin of a hand-built ReLU classifier: min yᵢf(xᵢ)/‖θ‖², smoothed margins for both losses", async () => {
  const data = createDataset(X, Y, { targets: "signed" });
  const model = homogeneousNet([2, 3, 1]);
  const params = [tf.tensor2d(W1), tf.tensor2d(A2)];
  const q = X.map((x, i) => Y[i] * f64(x));
  const norm2 = [...W1.flat(), ...A2.flat()].reduce((s, v) => s + v * v, 0);
  const before = tf.memory().numTensors;
  const m = await normalizedMargin({ model, loss: crossEntropy, data, params });
  assert.equal(tf.memory().numTensors, before);
  assertClose(m.degree, 2, { atol: 1e-4 });
  assertClose(m.margin, Math.min(...q), { rtol: 1e-6 }, "min margin");
  assertClose(m.value, Math.min(...q) / norm2, { rtol: 1e-5 }, "normalized margin");
  assertClose(m.norm, Math.sqrt(norm2), { rtol: 1e-7 });
  const logistic = q.reduce((s, v) => s + Math.log1p(Math.exp(-v)), 0);
  assertClose(m.loss, logistic / 4, { rtol: 1e-5 });
  // n·L ≥ log 2 here: below the threshold the smoothed margin is not defined.
  assert.equal(m.smoothed, logistic < Math.LN2 ? m.smoothed : null);
  // Scaled by 10 the margins grow ×100 and the loss falls below log 2 / n.
  const big = params.map((p) => tf.mul(p, 10));
  const mb = await normalizedMargin({ model, loss: crossEntropy, data, params: big });
  const qb = q.map((v) => 100 * v);
  const nl = qb.reduce((s, v) => s + Math.log1p(Math.exp(-v)), 0);
  assert.ok(nl < Math.LN2);
  assertClose(mb.value, m.value, { rtol: 1e-5 }, "scale-free");
  assertClose(
    mb.smoothed!,
    -Math.log(Math.expm1(nl)) / (100 * norm2),
    { rtol: 1e-4 },
    "γ̃ logistic",
  );
  assert.ok(mb.smoothed! <= mb.value);
  const me = await normalizedMargin({ model, loss: exponentialLoss, data, params: big });
  const el = qb.reduce((s, v) => s + Math.exp(-v), 0);
  assertClose(me.smoothed!, -Math.log(el) / (100 * norm2), { rtol: 1e-4 }, "γ̃ exponential");
  disposeParams([params, big]);
  data.dispose();
});

Deno.test("normalizedMargin for several classes: f_y − max_{j≠y} f_j of a linear classifier", async () => {
  const data = createDataset([[1, 0], [0, 1], [-1, -1]], [0, 1, 2], { targets: "integer" });
  const model = mlp([2, 3], { bias: false, activation: "identity" });
  const W = [[2, -1, 0], [0, 1.5, -1]];
  const params = [tf.tensor2d(W)];
  const m = await normalizedMargin({ model, loss: crossEntropy, data, params });
  // f(x₀) = (2, −1, 0): 2 − 0; f(x₁) = (0, 1.5, −1): 1.5; f(x₂) = (−2, −0.5, 1): 1 − (−0.5).
  const norm = Math.sqrt(4 + 1 + 2.25 + 1);
  assertClose(m.margin, 1.5, { rtol: 1e-6 });
  assertClose(m.value, 1.5 / norm, { rtol: 1e-6 });
  assert.equal(m.degree, 1);
  params[0].dispose();
  data.dispose();
});

Deno.test("homogeneityDegree: ReLU nets have their depth, scale-invariant nets 0, biases and tanh none", async () => {
  const data = createDataset(X, Y, { targets: "signed" });
  const cases = [
    [homogeneousNet([2, 4, 1]), 2],
    [homogeneousNet([2, 4, 4, 1]), 3],
    [scaleInvariantNet([2, 4, 1]), 0],
    [mlp([2, 4, 1]), NaN],
    [mlp([2, 4, 1], { bias: false, activation: "tanh" }), NaN],
  ] as const;
  for (const [model, want] of cases) {
    const params = model.init(1);
    const h = await homogeneityDegree({ model, loss: crossEntropy, data, params });
    if (Number.isNaN(want)) assert.equal(h.homogeneous, false, model.name);
    else {
      assert.ok(h.homogeneous, model.name);
      assertClose(h.degree, want, { atol: 1e-3 }, model.name);
    }
    disposeParams(params);
  }
  // A diagonal net at initialization has f = 0: nothing to check.
  const diag = diagonalLinearNet(2, { initScale: 1 });
  const p = diag.init(0);
  const h = await homogeneityDegree({ model: diag, loss: crossEntropy, data, params: p });
  assert.equal(h.homogeneous, false);
  assert.ok(Number.isNaN(h.degree));
  disposeParams(p);
  data.dispose();
});

Deno.test("margin tools reject non-homogeneous models, regression data and bad scales", async () => {
  const data = createDataset(X, Y, { targets: "signed" });
  const model = mlp([2, 4, 1]);
  const params = model.init(0);
  await assert.rejects(() => normalizedMargin({ model, loss: crossEntropy, data, params }), (e) => {
    assert.ok(e instanceof TypeError);
    assert.match(
      e.message,
      /^Cannot compute the normalized margin: the model must be positively homogeneous in its parameters \(f\(cθ\) ≈ c\^L f\(θ\) fails: best degree [-0-9.]+ with relative error [0-9.e-]+\); use a bias-free ReLU network such as homogeneousNet, or a linear model without bias$/,
    );
    return true;
  });
  const relu = homogeneousNet([2, 4, 1]);
  const rp = relu.init(0);
  await assert.rejects(
    () => normalizedMargin({ model: relu, loss: crossEntropy, data, params: rp }, { degree: 3 }),
    { name: "TypeError" },
  );
  const reg = createDataset(X, [[1], [0], [1], [0]]);
  await assert.rejects(() => normalizedMargin({ model: relu, loss: mse, data: reg, params: rp }), {
    name: "TypeError",
    message:
      'Cannot compute the normalized margin: margins need a classification data set (signed, integer or one-hot labels), current targets are "real"',
  });
  await assert.rejects(
    () => homogeneityDegree({ model: relu, loss: crossEntropy, data, params: rp }, { scales: [1] }),
    {
      name: "RangeError",
      message:
        "Cannot check homogeneity: scales must be positive numbers other than 1, current value is [1]",
    },
  );
  disposeParams([params, rp]);
  data.dispose();
  reg.dispose();
});
