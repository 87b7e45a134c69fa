import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset, type Dataset } from "../data/mod.ts";
import { crossEntropy, disposeParams, mlp, mse } from "../nn/mod.ts";
import { sgd, train } from "../optim/mod.ts";
import { evaluateLoss } from "./evaluate_loss.ts";
import { hessianTrace } from "./hessian_trace.ts";
import { sharpness } from "./sharpness.ts";
import { topHessianEigenvalues } from "./top_hessian_eigenvalues.ts";

const model = mlp([2, 3, 1]);

/** Every entry point that takes a point, with the context its messages start with. */
const measurements = [
  ["sharpness", sharpness, "Cannot build the Hessian operator"],
  ["hessianTrace", hessianTrace, "Cannot build the Hessian operator"],
  ["topHessianEigenvalues", topHessianEigenvalues, "Cannot build the Hessian operator"],
  ["evaluateLoss", evaluateLoss, "Cannot evaluate the loss"],
] as const;

Deno.test("a disposed dataset is refused by name, with no tensor leaked", async () => {
  const params = model.init(0);
  const data = createDataset([[1, 2], [3, 4]], [[1], [2]]);
  data.dispose();
  const before = tf.memory().numTensors;
  for (const [name, measure, context] of measurements) {
    await assert.rejects(() => measure({ model, loss: mse, data, params }), {
      name: "TypeError",
      message:
        `${context}: data is disposed (its dispose() was called, which frees its tensors); load or create the dataset again, or dispose it only after its last use`,
    }, name);
    assert.equal(tf.memory().numTensors, before, name);
  }
  await assert.rejects(
    () => train({ model, loss: mse, data }, sgd({ lr: 0.1 }), { steps: 1 }),
    /^TypeError: Cannot train: data is disposed/,
  );
  assert.equal(tf.memory().numTensors, before);
  disposeParams(params);
});

Deno.test("disposed parameters are refused by name", async () => {
  const params = model.init(0);
  const data = createDataset([[1, 2], [3, 4]], [[1], [2]]);
  disposeParams(params);
  for (const [name, measure, context] of measurements) {
    await assert.rejects(() => measure({ model, loss: mse, data, params }), {
      name: "TypeError",
      message:
        `${context}: params[0] (W1) must be a live tensor of shape [2,3], current tensor is disposed`,
    }, name);
  }
  data.dispose();
});

Deno.test("an empty dataset is refused instead of giving a sharpness and trace of 0", async () => {
  const params = model.init(0);
  const x = tf.zeros([0, 2]), y = tf.zeros([0, 1]);
  const data = { ...createDataset([[1, 2]], [[1]]), x, y, n: 0 } as Dataset;
  for (const [name, measure, context] of measurements) {
    await assert.rejects(() => measure({ model, loss: mse, data, params }), {
      name: "RangeError",
      message: `${context}: data must hold at least one sample, current count is 0`,
    }, name);
  }
  tf.dispose([x, y]);
  disposeParams(params);
});

Deno.test("crossEntropy refuses real-valued targets instead of a constant or arbitrary loss", async () => {
  const message =
    'the cross-entropy loss needs targets encoded as "integer", "one-hot", "signed", the data\'s targets are "real" (real values: regression); give class labels (e.g. createDataset(x, labels, { targets: "integer" })) or use mse';
  // y = 0 with one output gave log 2 whatever the model; −3 and 5 with two outputs a finite loss.
  const cases: [number[] | number[][], number][] = [[[0], 1], [[[-3, 5]], 2]];
  for (const [y, k] of cases) {
    const data = createDataset([[1, 2]], y);
    const m = mlp([2, k]);
    const params = m.init(0);
    await assert.rejects(() => evaluateLoss({ model: m, loss: crossEntropy, data, params }), {
      name: "TypeError",
      message: `Cannot evaluate the loss: ${message}`,
    });
    await assert.rejects(
      () => train({ model: m, loss: crossEntropy, data }, sgd({ lr: 0.1 }), { steps: 1 }),
      { name: "TypeError", message: `Cannot train: ${message}` },
    );
    disposeParams(params);
    data.dispose();
  }
  // Class labels in any encoding are accepted.
  const labels = createDataset([[1, 2], [0, 1]], [0, 1], { targets: "integer" });
  const m = mlp([2, 2]);
  const params = m.init(0);
  const loss = await evaluateLoss({ model: m, loss: crossEntropy, data: labels, params });
  assert.ok(Number.isFinite(loss) && loss > 0);
  disposeParams(params);
  labels.dispose();
});
