import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset, type Dataset, reshapeInputs } from "../data/mod.ts";
import { disposeParams, exactOps, mlp, type Model, mse, type Params } from "../nn/mod.ts";
import { sgd, train } from "../optim/mod.ts";
import { Rng } from "../random/mod.ts";
import { evaluateLoss } from "./evaluate_loss.ts";
import { hessianVectorProduct } from "./hessian_operator.ts";
import { perSampleGradients } from "./per_sample_gradients.ts";
import { gradientNoiseCovariance } from "./gradient_noise_covariance.ts";
import { assertAllClose, assertClose } from "../_test_util.ts";
import { makeChunks } from "./_autodiff.ts";

/** A flat tanh MLP seen as a model of 2×3×2 images: the same function after a reshape. */
function imageMlp(perSampleParams: boolean): { flat: Model; image: Model } {
  const flat = mlp([12, 4, 1], { activation: "tanh" });
  const image: Model = {
    ...flat,
    name: "image mlp",
    inputShape: [2, 3, 2],
    perSampleParams,
    apply: (params: Params, x: tf.Tensor) =>
      tf.tidy(() => flat.apply(params, tf.reshape(x, [x.shape[0], 12]))),
  };
  return { flat, image };
}

function flatData(n: number): Dataset<tf.Tensor2D> {
  const rng = new Rng(3);
  const xs = Array.from({ length: n }, () => Array.from({ length: 12 }, () => rng.normal()));
  return createDataset(xs, xs.map((r) => [Math.sin(r[0]) + r[5]]));
}

Deno.test("image inputs [n, h, w, c]: loss, chunked HVP, per-sample gradients, Σ and SGD equal the flat model's", async () => {
  const flatSet = flatData(7);
  const imageSet = reshapeInputs(flatSet, [2, 3, 2]);
  const before = tf.memory().numTensors;
  for (const perSampleParams of [true, false]) {
    const { flat, image } = imageMlp(perSampleParams);
    const params = flat.init(1);
    const a = { model: flat, loss: mse, data: flatSet, params };
    const b = { model: image, loss: mse, data: imageSet, params };
    assertClose(await evaluateLoss(b, { chunkSize: 3 }), await evaluateLoss(a), { rtol: 1e-6 });
    const v = Float64Array.from({ length: flat.numParams }, (_, i) => Math.cos(i));
    assertAllClose(
      await hessianVectorProduct(b, v, { chunkSize: 2 }),
      await hessianVectorProduct(a, v),
      { atol: 1e-5, rtol: 1e-5 },
      "Hv",
    );
    const [ga, gb] = [perSampleGradients(a), perSampleGradients(b, { chunkSize: 3 })];
    assertAllClose(await gb.data(), await ga.data(), { atol: 1e-6, rtol: 1e-5 }, "G");
    tf.dispose([ga, gb]);
    const [sa, sb] = [gradientNoiseCovariance(a), gradientNoiseCovariance(b, { chunkSize: 2 })];
    assertAllClose(await sb.matvec(v), await sa.matvec(v), { atol: 1e-5, rtol: 1e-4 }, "Σv");
    sa.dispose();
    sb.dispose();
    const options = { steps: 3, batchSize: 3, seed: 2, params };
    const [ra, rb] = [
      await train({ model: flat, loss: mse, data: flatSet }, sgd({ lr: 0.1 }), options),
      await train({ model: image, loss: mse, data: imageSet }, sgd({ lr: 0.1 }), options),
    ];
    assertClose(rb.history.at(-1)!.loss as number, ra.history.at(-1)!.loss as number, {
      rtol: 1e-5,
    });
    disposeParams([params, ra.params, rb.params]);
  }
  assert.equal(tf.memory().numTensors, before);
  imageSet.dispose();
  flatSet.dispose();
});

Deno.test("image inputs: a model of another sample shape is refused with both shapes named", async () => {
  const flatSet = flatData(2);
  const imageSet = reshapeInputs(flatSet, [2, 3, 2]);
  const { flat, image } = imageMlp(true);
  const params = flat.init(0);
  await assert.rejects(() => evaluateLoss({ model: flat, loss: mse, data: imageSet, params }), {
    name: "TypeError",
    message:
      "Cannot evaluate the loss: the data's samples have shape [2,3,2] but the model takes [12]; build the model with inputShape [2,3,2] or load the data in the model's layout",
  });
  await assert.rejects(() => evaluateLoss({ model: image, loss: mse, data: flatSet, params }), {
    name: "TypeError",
    message:
      "Cannot evaluate the loss: the data's samples have shape [12] but the model takes [2,3,2]; build the model with inputShape [12] or load the data in the model's layout",
  });
  disposeParams(params);
  imageSet.dispose();
  flatSet.dispose();
});

/**
 * f(x) = tanh(xw − mean of xw over its group of G consecutive samples): a toy with batch
 * statistics, like BatchNorm's centring.
 */
function centred(group: number): Model {
  return {
    name: `centred ${group}`,
    inputDim: 2,
    outputDim: 1,
    paramSpecs: [{ name: "w", shape: [2, 1], role: "weight", layer: 0 }],
    numParams: 2,
    perSampleParams: false,
    batchStatistics: group,
    init: () => [tf.tensor2d([[0.7], [-0.4]])],
    apply: (params: Params, x: tf.Tensor) =>
      tf.tidy(() => {
        const z = tf.matMul(x as tf.Tensor2D, params[0] as tf.Tensor2D);
        const n = x.shape[0];
        const g = group === Infinity ? n : group;
        const parts: tf.Tensor[] = [];
        for (let s = 0; s < n; s += g) {
          const piece = tf.slice(z, s, Math.min(g, n - s));
          parts.push(tf.sub(piece, tf.mean(piece)));
        }
        return exactOps.tanh(tf.concat(parts, 0)) as tf.Tensor2D;
      }),
  };
}

Deno.test("batch statistics: chunks hold whole ghost batches, so the loss is the same for any chunkSize", async () => {
  const xs = [[1, 0], [0, 2], [1, 1], [-1, 2], [3, 0], [0.5, -1], [2, 2]];
  const ys = [[0.1], [-0.2], [0.3], [0], [0.5], [-0.1], [0.2]];
  const data = createDataset(xs, ys);
  const model = centred(2);
  const params = model.init(0);
  const point = { model, loss: mse, data, params };
  // Float64: groups {0,1}, {2,3}, {4,5}, {6} (a group of one is centred to 0).
  const w = [0.7, -0.4];
  let want = 0;
  for (let s = 0; s < 7; s += 2) {
    const z = xs.slice(s, s + 2).map((x) => x[0] * w[0] + x[1] * w[1]);
    const m = z.reduce((a, b) => a + b, 0) / z.length;
    z.forEach((zi, i) => (want += 0.5 * (Math.tanh(zi - m) - ys[s + i][0]) ** 2 / 7));
  }
  for (const chunkSize of [1, 2, 3, 5, 1024]) {
    assertClose(await evaluateLoss(point, { chunkSize }), want, { rtol: 1e-6 }, `${chunkSize}`);
  }
  disposeParams(params);
  data.dispose();
});

Deno.test("batch statistics over the whole batch: one chunk or an error; per-sample passes refuse", async () => {
  const data = createDataset([[1, 0], [0, 2], [1, 1]], [[0.1], [-0.2], [0.3]]);
  const model = centred(Infinity);
  const params = model.init(0);
  const point = { model, loss: mse, data, params };
  await assert.rejects(() => evaluateLoss(point, { chunkSize: 2 }), {
    name: "RangeError",
    message:
      "Cannot evaluate the loss: the model normalizes over the whole batch it is given (batch statistics), so the loss of these 3 samples is one pass; set chunkSize to at least 3, or build the model with a ghostBatchSize",
  });
  assert.ok(Number.isFinite(await evaluateLoss(point, { chunkSize: 3 })));
  assert.throws(() => perSampleGradients(point), {
    name: "TypeError",
    message:
      'Cannot compute per-sample gradients: the model normalizes over batches (BatchNorm in train mode), so a sample\'s loss depends on the other samples in its batch and per-sample gradients are not defined; measure evalMode(model, state), which uses running statistics, or a model with norm: "none"',
  });
  disposeParams(params);
  data.dispose();
});

Deno.test("a model or loss that throws leaves no tensor behind in any measurement or in train", async () => {
  const data = flatData(5);
  const model = mlp([12, 3, 1], { activation: "tanh" });
  const params = model.init(0);
  const failing: Model = {
    ...model,
    apply: (p: Params, x: tf.Tensor) => {
      const y = model.apply(p, x);
      if (y) throw new Error("the model failed");
      return y;
    },
  };
  const point = { model: failing, loss: mse, data, params };
  const before = tf.memory().numTensors;
  const calls: [string, () => Promise<unknown>][] = [
    ["evaluateLoss", () => evaluateLoss(point)],
    ["hessianVectorProduct", () => hessianVectorProduct(point, new Float64Array(43))],
    ["perSampleGradients", () => Promise.resolve().then(() => perSampleGradients(point))],
    ["gradientNoiseCovariance", () => Promise.resolve().then(() => gradientNoiseCovariance(point))],
    ["train", () => train({ model: failing, loss: mse, data }, sgd({ lr: 0.1 }), { steps: 2 })],
  ];
  for (const [name, call] of calls) {
    await assert.rejects(call, /the model failed/, name);
    assert.equal(tf.memory().numTensors, before, `${name} leaked`);
  }
  disposeParams(params);
  data.dispose();
});

Deno.test("makeChunks frees its index and earlier chunks when a gather fails", () => {
  const data = flatData(6);
  // A dataset whose targets were freed behind its back: the first chunk's second gather fails.
  const broken = { ...data, y: tf.zeros([6, 1]) } as Dataset;
  broken.y.dispose();
  const before = tf.memory().numTensors;
  assert.throws(() => makeChunks(broken, [0, 1, 2, 3], 2, "test"), TypeError);
  assert.equal(tf.memory().numTensors, before);
  data.dispose();
});
