import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { mlp } from "./mlp.ts";
import { twoLayerNet } from "./two_layer_net.ts";
import { disposeParams, flattenParams } from "./params.ts";
import { ACTIVATIONS } from "./activation.ts";
import { outputs64 } from "./_float64_reference.ts";
import { assertAllClose, assertClose, TOL } from "../_test_util.ts";

const X = [[0.5, -1.2, 0.3], [1.5, 0.2, -0.7], [-0.4, 0.9, 1.1]];

for (const activation of ACTIVATIONS) {
  Deno.test(`mlp 3-4-2 ${activation}: outputs match a float64 forward pass with the same θ`, async () => {
    const model = mlp([3, 4, 2], { activation, outputScale: 0.5 });
    const params = model.init(1);
    const theta = await flattenParams(params);
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(X);
    const y = model.apply(params, x);
    const got = await y.array();
    X.forEach((xi, i) => {
      const want = outputs64({ sizes: [3, 4, 2], activation, outputScale: 0.5 }, theta, xi);
      assertAllClose(got[i], want, { atol: 2 * TOL.float32, rtol: TOL.float32 }, `f(x${i})`);
    });
    tf.dispose([x, y]);
    assert.equal(tf.memory().numTensors, before);
    disposeParams(params);
  });
}

Deno.test("mlp.apply with per-sample parameters gives each sample its own network", async () => {
  const model = mlp([3, 5, 2], { activation: "tanh" });
  const a = model.init(1), b = model.init(2), c = model.init(3);
  const x = tf.tensor2d(X);
  const stacked = a.map((_, j) => tf.stack([a[j], b[j], c[j]]));
  const batched = await model.apply(stacked, x).array();
  for (const [i, p] of [a, b, c].entries()) {
    const xi = tf.tensor2d([X[i]]);
    const single = await model.apply(p, xi).array();
    assertAllClose(batched[i], single[0], { atol: 1e-6 }, `sample ${i}`);
    xi.dispose();
  }
  disposeParams([a, b, c, stacked]);
  x.dispose();
});

Deno.test("mlp.applyReplicas applies each stacked parameter set to every input", async () => {
  for (const bias of [true, false]) {
    const model = mlp([3, 5, 4, 2], { activation: "tanh", bias, outputScale: 0.5 });
    const sets = [model.init(1), model.init(2), model.init(3)];
    const x = tf.tensor2d(X);
    const stacked = sets[0].map((_, j) => tf.stack(sets.map((s) => s[j])));
    const before = tf.memory().numTensors;
    const out = model.applyReplicas!(stacked, x);
    assert.deepEqual(out.shape, [3, 3, 2]);
    const got = await out.array();
    out.dispose();
    assert.equal(tf.memory().numTensors, before);
    for (const [r, p] of sets.entries()) {
      const single = model.apply(p, x);
      assertAllClose(got[r].flat(), (await single.array()).flat(), { atol: 1e-6 }, `set ${r}`);
      single.dispose();
    }
    disposeParams([...sets, stacked]);
    x.dispose();
  }
});

Deno.test("mlp.init is reproducible and follows the chosen scheme's distribution", async () => {
  const model = mlp([400, 300, 10], { init: "uniform" });
  const [p1, p2, p3] = [model.init(7), model.init(7), model.init(8)];
  const [t1, t2, t3] = [await flattenParams(p1), await flattenParams(p2), await flattenParams(p3)];
  assert.deepEqual(t1, t2);
  assert.notDeepEqual(t1, t3);
  // W1 ~ U(±1/√400): within bounds, variance 1/(3·400).
  const w1 = await p1[0].data() as Float32Array;
  assert.ok(w1.every((v) => Math.abs(v) <= 1 / 20));
  const variance = w1.reduce((s, v) => s + v * v, 0) / w1.length;
  assertClose(variance, 1 / 1200, { rtol: 0.02 }, "Var W1");
  const he = mlp([400, 300], { init: "he" }).init(0);
  const hw = await he[0].data() as Float32Array;
  assertClose(hw.reduce((s, v) => s + v * v, 0) / hw.length, 2 / 400, { rtol: 0.02 }, "Var He");
  assert.ok((await he[1].data()).every((v) => v === 0), "He biases start at 0");
  disposeParams([p1, p2, p3, he]);
});

Deno.test("mlp describes its parameters; twoLayerNet scales the output by 1/m", async () => {
  const model = mlp([3, 4, 2], { bias: false });
  assert.deepEqual(model.paramSpecs.map((s) => [s.name, s.shape, s.role, s.layer]), [
    ["W1", [3, 4], "weight", 0],
    ["W2", [4, 2], "weight", 1],
  ]);
  assert.equal(model.numParams, 20);
  assert.equal(model.name, "mlp 3-4-2 relu no-bias");
  const net = twoLayerNet(3, 8, { activation: "tanh" });
  const params = net.init(0);
  const theta = await flattenParams(params);
  const x = tf.tensor2d(X);
  const y = await net.apply(params, x).array();
  const want = outputs64({ sizes: [3, 8, 1], activation: "tanh", outputScale: 1 / 8 }, theta, X[1]);
  assertClose(y[1][0], want[0], { atol: 1e-6 }, "mean-field f");
  disposeParams(params);
  x.dispose();
});

Deno.test("mlp rejects bad sizes, options and inputs with messages that name them", () => {
  assert.throws(() => mlp([3]), {
    name: "TypeError",
    message:
      "Cannot build the MLP: sizes must be at least two positive integers, current value is [3]",
  });
  // deno-lint-ignore no-explicit-any
  assert.throws(() => mlp([3, 2], { activation: "swish" as any }), {
    name: "TypeError",
    message:
      'Cannot build the MLP: activation must be one of "relu", "tanh", "sigmoid", "softplus", "gelu", "silu", "identity", current value is "swish"',
  });
  // deno-lint-ignore no-explicit-any
  assert.throws(() => mlp([3, 2], { init: "xavier" as any }), {
    name: "TypeError",
    message:
      'Cannot build the MLP: init must be one of "uniform", "lecun", "he", "normal" or an array of 1 of them, current value is "xavier"',
  });
  assert.throws(() => mlp([3, 2], { outputScale: NaN }), {
    name: "RangeError",
    message: "Cannot build the MLP: outputScale must be a finite number, current value is NaN",
  });
  const model = mlp([3, 2]);
  const params = model.init(0);
  const x = tf.zeros([2, 4]) as tf.Tensor2D;
  assert.throws(() => model.apply(params, x), {
    name: "TypeError",
    message: "Cannot apply the MLP: x must have shape [n, 3], current shape is [2,4]",
  });
  assert.throws(() => model.apply(params.slice(1), x), {
    name: "TypeError",
    message: "Cannot apply the MLP: params must hold 2 tensors, current length is 1",
  });
  assert.throws(() => twoLayerNet(3, 4, { scaling: "xavier" as "ntk" }), {
    name: "TypeError",
    message:
      'Cannot build the two-layer net: scaling must be "mean-field", "ntk" or "standard", current value is "xavier"',
  });
  disposeParams(params);
  x.dispose();
});
