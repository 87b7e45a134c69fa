import assert from "node:assert/strict";
import { assertAllClose, assertClose } from "../_test_util.ts";
import { meanFieldResNet } from "./mean_field_resnet.ts";
import { finiteDifferenceGradient, resnetByTfjs, testData } from "./_test_reference.ts";

const data = testData(6, 2, 3);

Deno.test("meanFieldResNet: loss and gradient match tfjs autodiff, scaled and unscaled", () => {
  for (const residualScaling of ["1/L", "none"] as const) {
    for (const activation of ["tanh", "relu"] as const) {
      const net = meanFieldResNet(2, { depth: 4, width: 3, residualScaling, activation });
      const params = net.init(2);
      const ours = net.lossAndGradient(params, data);
      const ref = resnetByTfjs(params, data, {
        d: 2,
        L: 4,
        M: 3,
        c: residualScaling === "1/L" ? 1 / 12 : 1 / 3,
        tanh: activation === "tanh",
      });
      const label = `${residualScaling} ${activation}`;
      assertClose(ours.loss, ref.loss, { rtol: 1e-5 }, `${label} loss`);
      const scale = Math.max(...ours.gradient.map(Math.abs));
      assertAllClose(ours.gradient, ref.gradient, { atol: 1e-5 * scale }, `${label} gradient`);
    }
  }
});

Deno.test("meanFieldResNet: the gradient matches float64 central differences", () => {
  const net = meanFieldResNet(2, { depth: 3, width: 2 });
  const params = net.init(1);
  assertAllClose(
    net.lossAndGradient(params, data).gradient,
    finiteDifferenceGradient(net, params, data),
    { atol: 1e-9 },
  );
});

Deno.test("meanFieldResNet: the forward pass is the residual recursion, read from the last coordinate", () => {
  // One block, one particle: x₁ = x₀ + u·tanh(w·x₀)/L·M with L = M = 1.
  const net = meanFieldResNet(1, { depth: 1, width: 1 });
  const params = Float64Array.from([0.1, 0.2, 0.3, 0.4, -0.5, 0.6]); // u = (.1,.2,.3), w = (.4,−.5,.6)
  const x = 2, h = 0.4 * x - 0.5 * 1 + 0.6 * 0;
  assertClose(net.predict(params, [[x]])[0], 0.3 * Math.tanh(h), { rtol: 1e-15 });
  // Without 1/L, depth 2 with equal blocks: the factor is 1/M, not 1/(L·M).
  const two = meanFieldResNet(1, { depth: 2, width: 1, residualScaling: "none" });
  const both = Float64Array.from([...params, ...params]);
  const scaled = meanFieldResNet(1, { depth: 2, width: 1 });
  const x1 = [x + 0.1 * Math.tanh(h), 1 + 0.2 * Math.tanh(h), 0.3 * Math.tanh(h)];
  const h1 = 0.4 * x1[0] - 0.5 * x1[1] + 0.6 * x1[2];
  assertClose(two.predict(both, [[x]])[0], x1[2] + 0.3 * Math.tanh(h1), { rtol: 1e-14 });
  const y1 = [x + 0.05 * Math.tanh(h), 1 + 0.1 * Math.tanh(h), 0.15 * Math.tanh(h)];
  const g1 = 0.4 * y1[0] - 0.5 * y1[1] + 0.6 * y1[2];
  assertClose(scaled.predict(both, [[x]])[0], y1[2] + 0.15 * Math.tanh(g1), { rtol: 1e-14 });
});

Deno.test("meanFieldResNet: depth 2L holds the blocks of depth L at its even positions", () => {
  const a = meanFieldResNet(3, { depth: 3, width: 2 }),
    b = meanFieldResNet(3, { depth: 6, width: 2 });
  const block = 2 * a.particleDim;
  const pa = a.init(4), pb = b.init(4);
  for (let l = 0; l < 3; l++) {
    assert.deepEqual(
      Array.from(pb.slice(2 * l * block, (2 * l + 1) * block)),
      Array.from(pa.slice(l * block, (l + 1) * block)),
      `block ${l}`,
    );
  }
  assert.notDeepEqual(Array.from(pb.slice(block, 2 * block)), Array.from(pa.slice(0, block)));
  assert.deepEqual(Array.from(b.init(4)), Array.from(pb));
  assert.notDeepEqual(Array.from(b.init(5)), Array.from(pb));
  assert.equal(a.particles, 6);
  assert.equal(a.streamDim, 5);
});

Deno.test("meanFieldResNet: bad input", () => {
  assert.throws(() => meanFieldResNet(2, { depth: 0 }), {
    name: "RangeError",
    message:
      "Cannot build the mean-field ResNet: depth must be a positive integer, current value is 0",
  });
  assert.throws(() => meanFieldResNet(2, { residualScaling: "1/sqrt(L)" as "1/L" }), {
    name: "TypeError",
    message:
      'Cannot build the mean-field ResNet: residualScaling must be "1/L" or "none", current value is "1/sqrt(L)"',
  });
  assert.throws(() => meanFieldResNet(2).init(-1), {
    name: "TypeError",
    message:
      "Cannot seed the generator: seed must be a non-negative integer below 2^53 or a string, current value is -1",
  });
});
