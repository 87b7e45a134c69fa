import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { assertAllClose, assertClose } from "../_test_util.ts";
import { meanFieldTwoLayerNet } from "./mean_field_two_layer_net.ts";
import { whitenInputs } from "./whiten_inputs.ts";
import { finiteDifferenceGradient, testData, twoLayerByTfjs } from "./_test_reference.ts";

const data = testData(12, 3);

Deno.test("meanFieldTwoLayerNet: loss and gradient match tfjs autodiff, with and without BN, both scalings", () => {
  for (const batchNorm of [true, false]) {
    for (const scaling of ["mean-field", "ntk"] as const) {
      for (const activation of ["relu", "tanh"] as const) {
        const eps = batchNorm ? 1e-3 : 0;
        const net = meanFieldTwoLayerNet(3, 7, { batchNorm, scaling, activation, eps });
        const params = net.init(4);
        const ours = net.lossAndGradient(params, data);
        const c = scaling === "mean-field" ? 1 / 7 : 1 / Math.sqrt(7);
        const ref = twoLayerByTfjs(params, data, {
          d: 3,
          m: 7,
          batchNorm,
          eps,
          c,
          tanh: activation === "tanh",
        });
        const label = `${batchNorm ? "bn" : "plain"} ${scaling} ${activation}`;
        assertClose(ours.loss, ref.loss, { rtol: 1e-5 }, `${label} loss`);
        const scale = Math.max(...ours.gradient.map(Math.abs));
        assertAllClose(ours.gradient, ref.gradient, { atol: 1e-5 * scale }, `${label} gradient`);
      }
    }
  }
});

Deno.test("meanFieldTwoLayerNet: the gradient matches float64 central differences", () => {
  for (const batchNorm of [true, false]) {
    const net = meanFieldTwoLayerNet(3, 5, { batchNorm, activation: "tanh", eps: 1e-4 });
    const params = net.init(2);
    const { gradient } = net.lossAndGradient(params, data);
    assertAllClose(gradient, finiteDifferenceGradient(net, params, data), { atol: 1e-8 });
  }
});

Deno.test("meanFieldTwoLayerNet: with BN and eps = 0 the radial components vanish and the outputs ignore each neuron's scale", () => {
  const net = meanFieldTwoLayerNet(3, 6);
  const params = net.init(1);
  const { gradient } = net.lossAndGradient(params, data);
  const { radial, scale } = net.radialComponents(params, gradient);
  assert.ok(Math.max(...scale) > 1e-3, "the gradients are not trivially zero");
  radial.forEach((r, j) => assert.ok(Math.abs(r) <= 1e-13 * scale[j], `neuron ${j}: ${r}`));
  // Scaling neuron 2's input weights by 3.7 changes nothing.
  const scaled = new Float64Array(params);
  for (let k = 1; k <= 3; k++) scaled[2 * 4 + k] *= 3.7;
  assertAllClose(net.predict(scaled, data.x), net.predict(params, data.x), { atol: 1e-14 });
});

Deno.test("meanFieldTwoLayerNet: a radial component is the derivative of the loss along wⱼ ↦ c·wⱼ at c = 1", () => {
  // Independent of the gradient code: d/dc L(c·wⱼ) by central differences. Non-zero without BN
  // and with eps > 0 (where it is n·mean(gz)·ε/(v + ε)).
  for (const options of [{ batchNorm: false }, { batchNorm: true, eps: 0.5 }]) {
    const net = meanFieldTwoLayerNet(3, 4, { ...options, activation: "tanh" });
    const params = net.init(3);
    const { gradient } = net.lossAndGradient(params, data);
    const { radial } = net.radialComponents(params, gradient);
    for (let j = 0; j < 4; j++) {
      const along = (c: number) => {
        const q = new Float64Array(params);
        for (let k = 1; k <= 3; k++) q[j * 4 + k] *= c;
        return net.lossAndGradient(q, data).loss;
      };
      const h = 1e-5;
      const expected = (along(1 + h) - along(1 - h)) / (2 * h);
      assert.ok(Math.abs(expected) > 1e-6, `neuron ${j} has a radial part`);
      assertClose(radial[j], expected, { rtol: 1e-6, atol: 1e-12 }, `neuron ${j}`);
    }
  }
});

Deno.test("meanFieldTwoLayerNet: on whitened inputs BN at unit norms is the network without BN", () => {
  const x = whitenInputs(data.x);
  const bn = meanFieldTwoLayerNet(3, 9), plain = meanFieldTwoLayerNet(3, 9, { batchNorm: false });
  const params = bn.init(5);
  assertAllClose(bn.predict(params, x), plain.predict(params, x), { atol: 1e-13 });
  // And the BN gradient in wⱼ is the tangential part of the plain one.
  const w = { x, y: data.y };
  const g = bn.lossAndGradient(params, w).gradient, h = plain.lossAndGradient(params, w).gradient;
  const { directions } = bn.neurons(params);
  for (let j = 0; j < 9; j++) {
    const u = directions.slice(j * 3, j * 3 + 3);
    const radial = u.reduce((s, v, k) => s + v * h[j * 4 + 1 + k], 0);
    for (let k = 0; k < 3; k++) {
      assertClose(g[j * 4 + 1 + k], h[j * 4 + 1 + k] - radial * u[k], { atol: 1e-13 });
    }
    assertClose(g[j * 4], h[j * 4], { atol: 1e-14 });
  }
});

Deno.test("meanFieldTwoLayerNet: initialization is seeded and nested, with unit input weights", () => {
  const small = meanFieldTwoLayerNet(3, 4).init(7), large = meanFieldTwoLayerNet(3, 8).init(7);
  assert.deepEqual(Array.from(large.slice(0, small.length)), Array.from(small));
  assert.deepEqual(Array.from(meanFieldTwoLayerNet(3, 8).init(7)), Array.from(large));
  assert.notDeepEqual(Array.from(meanFieldTwoLayerNet(3, 8).init(8)), Array.from(large));
  const { norms, outputWeights } = meanFieldTwoLayerNet(3, 8).neurons(large);
  norms.forEach((r) => assertClose(r, 1, { rtol: 1e-15 }));
  assert.equal(outputWeights[1], large[4]);
});

Deno.test("meanFieldTwoLayerNet: does not allocate tensors", () => {
  const before = tf.memory().numTensors;
  const net = meanFieldTwoLayerNet(3, 5);
  net.lossAndGradient(net.init(0), data);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("meanFieldTwoLayerNet: bad input", () => {
  assert.throws(() => meanFieldTwoLayerNet(0, 4), {
    name: "RangeError",
    message:
      "Cannot build the mean-field two-layer net: inputDim must be a positive integer, current value is 0",
  });
  assert.throws(() => meanFieldTwoLayerNet(2, 4, { scaling: "standard" as "ntk" }), {
    name: "TypeError",
    message:
      'Cannot build the mean-field two-layer net: scaling must be "mean-field" or "ntk", current value is "standard"',
  });
  assert.throws(() => meanFieldTwoLayerNet(2, 4, { activation: "gelu" as "relu" }), {
    name: "TypeError",
    message:
      'Cannot build the mean-field two-layer net: activation must be "relu" or "tanh", current value is "gelu"',
  });
  assert.throws(() => meanFieldTwoLayerNet(2, 4, { eps: -1 }), {
    name: "RangeError",
    message:
      "Cannot build the mean-field two-layer net: eps must be a number ≥ 0, current value is -1",
  });
  const net = meanFieldTwoLayerNet(2, 3);
  assert.throws(() => net.predict(net.init(0), [[1, 2]]), {
    name: "RangeError",
    message:
      "Cannot apply the mean-field two-layer net d=2 m=3 bn relu: neuron 0 has zero variance over the batch of 1 (batch normalization needs at least 2 distinct inputs along each wⱼ, or eps > 0)",
  });
  assert.throws(() => net.predict(net.init(0), [[1, 2, 3]]), {
    name: "TypeError",
    message:
      "Cannot apply the mean-field two-layer net d=2 m=3 bn relu: every input must have 2 numbers (the model's inputDim), row 0 has 3",
  });
  assert.throws(() => net.lossAndGradient(new Float64Array(5), { x: [[1, 2]], y: [1] }), {
    name: "TypeError",
    message:
      "Cannot differentiate the mean-field two-layer net d=2 m=3 bn relu: params must be a Float64Array of 9 numbers (3 particles of 3), current value has 5",
  });
  assert.throws(() => net.lossAndGradient(net.init(0), { x: [[1, 2], [0, 1]], y: [1] }), {
    name: "TypeError",
    message:
      "Cannot differentiate the mean-field two-layer net d=2 m=3 bn relu: data.y must hold one finite number per row of data.x (2), current length is 1",
  });
});
