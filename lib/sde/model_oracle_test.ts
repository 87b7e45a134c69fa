import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { mlp, mse } from "../nn/mod.ts";
import { modelOracle } from "./model_oracle.ts";
import { sgdSde } from "./sgd_sde.ts";
import { solveSde } from "./solve_sde.ts";
import { assertClose, TOL } from "../_test_util.ts";

// A bias-free linear model f(x) = wᵀx with ℓ = ½(f − y)²: gᵢ = (wᵀxᵢ − yᵢ)xᵢ in closed form.
const xs = [[1, 0.5], [2, -1], [-1, 1.5], [0.5, 0.5]], ys = [0.3, 1, -0.4, 2];
const perSample = (w: number[]) =>
  xs.map((x, i) => {
    const r = w[0] * x[0] + w[1] * x[1] - ys[i];
    return [r * x[0], r * x[1]];
  });

Deno.test("modelOracle gives the mean gradient and the per-sample gradients of a network", async () => {
  const data = createDataset(xs, ys.map((y) => [y]));
  const model = mlp([2, 1], { bias: false, activation: "identity" });
  const before = tf.memory().numTensors;
  const oracle = modelOracle({ model, loss: mse, data });
  assert.equal(oracle.dim, 2);
  assert.equal(oracle.noise.kind === "perSample" && oracle.noise.samples, 4);
  const w = [0.7, -0.2];
  const want = perSample(w);
  const g = new Float64Array(2), G = new Float64Array(8);
  await oracle.gradient(Float64Array.from(w), g);
  if (oracle.noise.kind === "perSample") {
    await oracle.noise.perSampleGradients(Float64Array.from(w), G);
  }
  for (let j = 0; j < 2; j++) {
    assertClose(g[j], want.reduce((s, gi) => s + gi[j], 0) / 4, {
      rtol: TOL.float32,
      atol: TOL.float32,
    });
    for (let i = 0; i < 4; i++) {
      assertClose(
        G[i * 2 + j],
        want[i][j],
        { rtol: TOL.float32, atol: TOL.float32 },
        `g${i}[${j}]`,
      );
    }
  }
  // The SGD SDE of the network runs on it, drift −∇L, without leaking tensors.
  const sde = sgdSde(oracle, { lr: 0.1, batchSize: 2 });
  const r = await solveSde({ ...sde, y0: sde.initialState(w), t1: 0.05 }, {
    particles: 2,
    dt: 0.01,
  });
  assert.equal(r.steps, 5);
  assert.ok(r.ys[1].every(Number.isFinite));
  const f = new Float64Array(2);
  await sde.drift(0, Float64Array.from(w), f);
  assertClose(f[0], -g[0], { rtol: 1e-12 });
  assert.equal(tf.memory().numTensors, before, "no leaked tensors");
  // A subset restricts the objective to the first samples.
  const sub = modelOracle({ model, loss: mse, data }, { subset: 2 });
  await sub.gradient(Float64Array.from(w), g);
  assertClose(g[0], (want[0][0] + want[1][0]) / 2, { rtol: TOL.float32 });
  data.dispose();
});

Deno.test("modelOracle rejects a missing model and a bad subset", () => {
  const data = createDataset([[1], [2]], [[0], [1]]);
  const model = mlp([1, 1]);
  assert.throws(() => modelOracle({ model, loss: mse, data }, { subset: 1 }), {
    name: "RangeError",
    message:
      "Cannot build the model oracle: the subset must hold between 2 and 2 samples, current count is 1",
  });
  assert.throws(
    () => modelOracle({ loss: mse, data } as unknown as Parameters<typeof modelOracle>[0]),
    TypeError,
  );
  data.dispose();
});
