import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset, reshapeInputs } from "../data/mod.ts";
import {
  activationLayer,
  conv2d,
  crossEntropy,
  dense,
  disposeParams,
  evalMode,
  flatten,
  layerNorm,
  maxPool2d,
  type Model,
  sequential,
  smallCnn,
  unflattenParams,
} from "../nn/mod.ts";
import {
  act64,
  type Context64,
  conv64,
  dense64,
  flatten64,
  layerNorm64,
  lossAndGradConv64,
  type Op64,
  pool64,
  seq64,
  type T64,
} from "../nn/_float64_convnet.ts";
import { symmetricEigenvalues64 } from "../nn/_float64_reference.ts";
import { Rng } from "../random/mod.ts";
import { perSampleGradients } from "./per_sample_gradients.ts";
import { gradientNoiseNonUniformity } from "./gradient_noise_non_uniformity.ts";
import { assertAllClose, assertClose } from "../_test_util.ts";

/** A conv → LN → tanh → max pool → dense network on 5×5×2 images and its float64 twin. */
function convNet(): { model: Model; net: Op64 } {
  const model = sequential([5, 5, 2], [
    conv2d({ filters: 3, kernelSize: 3, stride: 2, padding: 1 }),
    layerNorm(),
    activationLayer("tanh"),
    maxPool2d({ poolSize: 2, stride: 1 }),
    flatten(),
    dense({ units: 3 }),
  ]);
  const net = seq64([
    conv64({ kh: 3, kw: 3, sh: 2, sw: 2, pad: [1, 1, 1, 1], cin: 2, cout: 3, bias: true }),
    layerNorm64(3),
    act64("tanh"),
    pool64("max", { kh: 2, kw: 2, sh: 1, sw: 1, pad: [0, 0, 0, 0] }),
    flatten64,
    dense64(12, 3),
  ]);
  return { model, net };
}

function problem(model: Model, n: number, seed: number) {
  const rng = new Rng(seed);
  const shape = model.inputShape!;
  const size = shape.reduce((a, b) => a * b, 1);
  const rows = Array.from({ length: n }, () => Array.from({ length: size }, () => rng.normal()));
  const labels = rows.map((_, i) => i % model.outputDim);
  const flat = createDataset(rows, labels, { targets: "one-hot", numClasses: model.outputDim });
  const data = reshapeInputs(flat, shape);
  flat.dispose();
  const theta = Float64Array.from(
    { length: model.numParams },
    () => Math.fround(0.5 * rng.normal()),
  );
  const params = unflattenParams(theta, model.paramSpecs);
  const x: T64 = { data: Float64Array.from(rows.flat()), shape: [n, ...shape] };
  const ys = labels.map((l) =>
    Array.from({ length: model.outputDim }, (_, j) => (j === l ? 1 : 0))
  );
  return { data, params, theta, x, ys };
}

/** Sample i's gradient in float64. */
function sampleGradient(
  net: Op64,
  theta: Float64Array,
  x: T64,
  ys: number[][],
  i: number,
  ctx?: Context64,
) {
  const per = x.data.length / x.shape[0];
  const xi: T64 = { data: x.data.slice(i * per, (i + 1) * per), shape: [1, ...x.shape.slice(1)] };
  return lossAndGradConv64(net, "cross-entropy", theta, xi, [ys[i]], ctx).grad;
}

Deno.test("perSampleGradients of a convolutional network: rows match float64, batched and looped", async () => {
  const { model, net } = convNet();
  assert.ok(model.perSampleParams);
  const p = problem(model, 5, 1);
  const point = { model, loss: crossEntropy, data: p.data, params: p.params };
  const before = tf.memory().numTensors;
  const batched = perSampleGradients(point, { chunkSize: 2 });
  const looped = perSampleGradients({ ...point, model: { ...model, perSampleParams: false } });
  assert.equal(tf.memory().numTensors, before + 2);
  for (const G of [batched, looped]) {
    const rows = await G.array();
    rows.forEach((r, i) =>
      assertAllClose(
        r,
        sampleGradient(net, p.theta, p.x, p.ys, i),
        { atol: 1e-5, rtol: 1e-4 },
        `g${i}`,
      )
    );
  }
  tf.dispose([batched, looped]);
  disposeParams(p.params);
  p.data.dispose();
});

Deno.test("gradientNoiseNonUniformity of a convolutional network matches float64 per-sample Hessians", async () => {
  const { model, net } = convNet();
  const n = 3;
  const p = problem(model, n, 2);
  const d = model.numParams;
  // H_i column by column: central differences of the float64 per-sample gradient.
  const hessians = Array.from({ length: n }, (_, i) => {
    const H = new Float64Array(d * d);
    for (let j = 0; j < d; j++) {
      const tp = Float64Array.from(p.theta), tm = Float64Array.from(p.theta);
      tp[j] += 1e-5;
      tm[j] -= 1e-5;
      const gp = sampleGradient(net, tp, p.x, p.ys, i), gm = sampleGradient(net, tm, p.x, p.ys, i);
      for (let k = 0; k < d; k++) H[k * d + j] = (gp[k] - gm[k]) / 2e-5;
    }
    return H;
  });
  // Σ_H = (1/n) Σ Hᵢ² − H̄².
  const mean = new Float64Array(d * d);
  for (const H of hessians) for (let k = 0; k < d * d; k++) mean[k] += H[k] / n;
  const square = (A: Float64Array) => {
    const S = new Float64Array(d * d);
    for (let a = 0; a < d; a++) {
      for (let c = 0; c < d; c++) {
        let t = 0;
        for (let b = 0; b < d; b++) t += A[a * d + b] * A[b * d + c];
        S[a * d + c] = t;
      }
    }
    return S;
  };
  const sigma = square(mean).map((v) => -v);
  for (const H of hessians) square(H).forEach((v, k) => (sigma[k] += v / n));
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < a; b++) {
      sigma[a * d + b] = sigma[b * d + a] = (sigma[a * d + b] + sigma[b * d + a]) / 2;
    }
  }
  const top = symmetricEigenvalues64(sigma, d).at(-1)!;
  const r = await gradientNoiseNonUniformity(
    { model, loss: crossEntropy, data: p.data, params: p.params },
    { tol: 1e-6, maxIterations: 60 },
  );
  assertClose(r.lambda, top, { rtol: 1e-3 }, "λ_max(Σ_H)");
  disposeParams(p.params);
  p.data.dispose();
});

Deno.test("per-sample gradients of a BatchNorm network: refused in train mode, measured in eval mode", async () => {
  const model = smallCnn({ inputShape: [4, 4, 1], outputDim: 2, width: 0.25, norm: "batch" });
  const p = problem(model, 3, 3);
  const point = { model, loss: crossEntropy, data: p.data, params: p.params };
  assert.throws(() => perSampleGradients(point), {
    name: "TypeError",
    message:
      'Cannot compute per-sample gradients: the model normalizes over batches (BatchNorm in train mode), so a sample\'s loss depends on the other samples in its batch and per-sample gradients are not defined; measure evalMode(model, state), which uses running statistics, or a model with norm: "none"',
  });
  const state = model.initState!();
  const frozen = evalMode(model, state);
  const G = perSampleGradients({ ...point, model: frozen });
  const looped = perSampleGradients({ ...point, model: { ...frozen, perSampleParams: false } });
  assertAllClose(await G.data(), await looped.data(), { atol: 1e-5, rtol: 1e-4 });
  tf.dispose([G, looped, ...state]);
  disposeParams(p.params);
  p.data.dispose();
});
