import assert from "node:assert/strict";
import { assertAllClose, assertClose } from "../_test_util.ts";
import { meanFieldTwoLayerNet } from "./mean_field_two_layer_net.ts";
import { meanFieldResNet } from "./mean_field_resnet.ts";
import { particleGradientDescent } from "./particle_gradient_descent.ts";
import { testData } from "./_test_reference.ts";

const data = testData(10, 2);

Deno.test("particleGradientDescent: each step moves every particle by −lr·N·∇L (or −lr·stepScale·∇L)", async () => {
  const net = meanFieldTwoLayerNet(2, 5);
  const start = net.init(3);
  for (const stepScale of [undefined, 1]) {
    const run = await particleGradientDescent(net, data, {
      lr: 0.1,
      steps: 2,
      every: 1,
      stepScale,
      params: start,
    });
    let theta = new Float64Array(start);
    for (let s = 0; s < 2; s++) {
      const { loss, gradient } = net.lossAndGradient(theta, data);
      assertClose(run.history[s].loss, loss, { rtol: 1e-15 });
      theta = theta.map((v, k) => v - 0.1 * (stepScale ?? 5) * gradient[k]);
    }
    assertAllClose(run.params, theta, { atol: 1e-15 });
    assert.deepEqual(run.history.map((r) => r.time), [0, 0.1, 0.2]);
  }
  assert.deepEqual(
    Array.from(start),
    Array.from(net.init(3)),
    "the caller's parameters are copied",
  );
});

Deno.test("particleGradientDescent: records every `every` steps and at the end, with trackers and tags", async () => {
  const net = meanFieldResNet(2, { depth: 2, width: 2 });
  const run = await particleGradientDescent(net, data, {
    lr: 0.01,
    steps: 7,
    every: 3,
    seed: 1,
    track: (p, step) => ({ first: p[0], twice: 2 * step }),
    tags: { depth: 2 },
  });
  assert.deepEqual(run.history.map((r) => r.step), [0, 3, 6, 7]);
  assert.deepEqual(run.history.map((r) => r.twice), [0, 6, 12, 14]);
  assert.equal(run.final.depth, 2);
  assert.equal(run.history[0].first, net.init(1)[0]);
  assert.equal(run.diverged, false);
});

Deno.test("particleGradientDescent: a run that blows up stops with a diverged row and its last finite parameters", async () => {
  const net = meanFieldResNet(2, { depth: 4, width: 2, residualScaling: "none" });
  const run = await particleGradientDescent(net, data, { lr: 50, steps: 100, every: 1, seed: 0 });
  assert.ok(run.diverged);
  assert.ok(run.final.diverged && run.history.length < 100);
  assert.ok(run.params.every(Number.isFinite));
  assert.equal(run.history.filter((r) => r.diverged).length, 1);
});

Deno.test("particleGradientDescent: bad input", async () => {
  const net = meanFieldTwoLayerNet(2, 3);
  await assert.rejects(() => particleGradientDescent(net, data, { lr: 0 }), {
    name: "RangeError",
    message:
      "Cannot run particle gradient descent: lr must be a positive number, current value is 0",
  });
  await assert.rejects(() => particleGradientDescent(net, data, { lr: 1, every: 0 }), {
    name: "RangeError",
    message:
      "Cannot run particle gradient descent: every must be a positive integer, current value is 0",
  });
  await assert.rejects(() => particleGradientDescent(net, data, { lr: 1, stepScale: -2 }), {
    name: "RangeError",
    message:
      "Cannot run particle gradient descent: stepScale must be a positive number, current value is -2",
  });
  await assert.rejects(() => particleGradientDescent(net, { x: [[1]], y: [0] }, { lr: 1 }), {
    name: "TypeError",
    message:
      "Cannot run particle gradient descent: every input must have 2 numbers (the model's inputDim), row 0 has 1",
  });
});
