import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { disposeParams, flattenParams, mlp, mse } from "../nn/mod.ts";
import { lossAndGrad64 } from "../nn/_float64_reference.ts";
import { Rng } from "../random/mod.ts";
import { gradientNoiseScale } from "./gradient_noise_scale.ts";
import { assertClose } from "../_test_util.ts";

// Float32 per-sample gradients summed in float64 against a float64 backprop.
const RTOL = 1e-4;

const rng = new Rng(3);
const XS = Array.from({ length: 40 }, () => [rng.normal(), rng.normal(), rng.normal()]);
const YS = XS.map(([a, b, c]) => [Math.sin(a) + 0.3 * rng.normal(), b * c]);
const NET = { sizes: [3, 4, 2], activation: "tanh" };

/** The scales from float64 per-sample gradients of the first `count` samples. */
function reference(theta: Float64Array, count: number) {
  const d = theta.length;
  const grads = XS.slice(0, count).map((x, i) =>
    lossAndGrad64(NET, "mse", theta, [x], [YS[i]]).grad
  );
  let trace = 0, norm2 = 0;
  const scales: number[] = [];
  for (let j = 0; j < d; j++) {
    const mean = grads.reduce((s, g) => s + g[j], 0) / count;
    const v = grads.reduce((s, g) => s + (g[j] - mean) ** 2, 0) / count;
    trace += v;
    norm2 += mean * mean;
    scales.push(v / (mean * mean));
  }
  scales.sort((a, b) => a - b);
  const mid = d >> 1;
  const median = d % 2 ? scales[mid] : (scales[mid - 1] + scales[mid]) / 2;
  return { simple: trace / norm2, median, trace, norm2 };
}

Deno.test("gradientNoiseScale matches float64 per-sample gradients, in one chunk or many", async () => {
  const data = createDataset(XS, YS);
  const model = mlp(NET.sizes, { activation: "tanh" });
  const params = model.init(1);
  const theta = await flattenParams(params);
  const want = reference(theta, 40);
  for (const chunkSize of [undefined, 7]) {
    const r = await gradientNoiseScale({ model, loss: mse, data, params }, { chunkSize });
    assert.equal(r.samples, 40);
    assert.equal(r.coordinateScales.length, model.numParams);
    assertClose(r.trace, want.trace, { rtol: RTOL }, "tr Σ");
    assertClose(r.gradientNormSquared, want.norm2, { rtol: RTOL }, "‖∇L‖²");
    assertClose(r.simple, want.simple, { rtol: RTOL }, "B_simple");
    assertClose(r.coordinateMedian, want.median, { rtol: RTOL }, "median");
  }
  const sub = await gradientNoiseScale({ model, loss: mse, data, params }, { subset: 10 });
  assertClose(sub.simple, reference(theta, 10).simple, { rtol: RTOL }, "subset B_simple");
  const idx = await gradientNoiseScale({ model, loss: mse, data, params }, {
    subset: Array.from({ length: 10 }, (_, i) => i),
  });
  assertClose(idx.simple, sub.simple, { rtol: 1e-12 }, "indices = first 10");
  disposeParams(params);
  data.dispose();
});

Deno.test("gradientNoiseScale leaks no tensors", async () => {
  const data = createDataset(XS, YS);
  const model = mlp(NET.sizes, { activation: "tanh" });
  const params = model.init(2);
  await gradientNoiseScale({ model, loss: mse, data, params }); // warm-up
  const before = tf.memory().numTensors;
  await gradientNoiseScale({ model, loss: mse, data, params }, { chunkSize: 9 });
  assert.equal(tf.memory().numTensors, before);
  disposeParams(params);
  data.dispose();
});

Deno.test("gradientNoiseScale rejects bad input with exact messages", async () => {
  const data = createDataset(XS, YS);
  const model = mlp(NET.sizes, { activation: "tanh" });
  const params = model.init(2);
  const point = { model, loss: mse, data, params };
  const what = "Cannot compute the gradient noise scale";
  const cases: [Record<string, unknown>, string][] = [
    [
      { subset: 1 },
      `${what}: subset must be an integer in [2, 40] (the samples in the data) or indices, current value is 1`,
    ],
    [{ subset: [3] }, `${what}: the noise needs at least 2 samples, current count is 1`],
    [{ chunkSize: 0 }, `${what}: chunkSize must be a positive integer, current value is 0`],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(() => gradientNoiseScale(point, options), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, message);
      return true;
    });
  }
  // A missing model or data is named (it read as "chunkSize NaN" and "0 samples").
  await assert.rejects(
    () => gradientNoiseScale({ ...point, model: null as never }),
    new TypeError(`${what}: model must be a Model (e.g. mlp([784, 64, 10]))`),
  );
  await assert.rejects(
    () => gradientNoiseScale({ ...point, data: null as never }),
    /^TypeError: Cannot compute the gradient noise scale: data must be a Dataset/,
  );
  disposeParams(params);
  data.dispose();
});
