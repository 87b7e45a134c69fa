import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import {
  hessian64,
  type Loss64,
  lossAndGrad64,
  type Mlp64,
  symmetricEigenvalues64,
} from "../nn/_float64_reference.ts";
import { perSampleGradients } from "./per_sample_gradients.ts";
import { gradientNoiseCovariance } from "./gradient_noise_covariance.ts";
import { gradientNoiseNonUniformity } from "./gradient_noise_non_uniformity.ts";
import { tinyProblem } from "./_test_problems.ts";
import { assertAllClose, assertClose } from "../_test_util.ts";

const CASES: { net: Mlp64; loss: Loss64; targets: "real" | "one-hot" }[] = [
  { net: { sizes: [2, 3, 1], activation: "tanh" }, loss: "mse", targets: "real" },
  { net: { sizes: [2, 3, 3], activation: "softplus" }, loss: "cross-entropy", targets: "one-hot" },
];

/** Per-sample gradients in float64, one row per sample. */
function perSample64(
  net: Mlp64,
  loss: Loss64,
  theta: Float64Array,
  xs: number[][],
  ys: number[][],
) {
  return xs.map((x, i) => lossAndGrad64(net, loss, theta, [x], [ys[i]]).grad);
}

for (const { net, loss, targets } of CASES) {
  const label = `${net.sizes.join("-")} ${net.activation} ${loss}`;

  Deno.test(`perSampleGradients ${label}: rows match float64 backprop, batched and looped`, async () => {
    const p = await tinyProblem(net, loss, 5, 7, targets);
    const want = perSample64(net, loss, p.theta, p.xs, p.ys);
    const before = tf.memory().numTensors;
    const batched = perSampleGradients(p.point, { chunkSize: 2 });
    const looped = perSampleGradients({
      ...p.point,
      model: { ...p.point.model, perSampleParams: false },
    });
    assert.equal(tf.memory().numTensors, before + 2);
    for (const G of [batched, looped]) {
      assert.deepEqual(G.shape, [5, p.theta.length]);
      const rows = await G.array();
      rows.forEach((r, i) => assertAllClose(r, want[i], { atol: 2e-6, rtol: 1e-5 }, `g${i}`));
    }
    tf.dispose([batched, looped]);
    p.dispose();
  });

  Deno.test(`gradientNoiseCovariance ${label}: Σ matches the explicitly formed covariance`, async () => {
    const p = await tinyProblem(net, loss, 6, 9, targets);
    const g = perSample64(net, loss, p.theta, p.xs, p.ys);
    const d = p.theta.length, n = g.length;
    const mean = new Float64Array(d);
    for (const gi of g) for (let j = 0; j < d; j++) mean[j] += gi[j] / n;
    const sigma = new Float64Array(d * d);
    for (const gi of g) {
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) sigma[a * d + b] += gi[a] * gi[b] / n;
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) sigma[a * d + b] -= mean[a] * mean[b];
    const scale = sigma.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const before = tf.memory().numTensors;
    for (const materialize of [true, false]) {
      const op = gradientNoiseCovariance(p.point, { materialize, chunkSize: 4 });
      assert.equal(op.materialized, materialize);
      for (let j = 0; j < d; j++) {
        const e = new Float64Array(d);
        e[j] = 1;
        const col = await op.matvec(e);
        for (let i = 0; i < d; i++) {
          assertClose(col[i], sigma[i * d + j], { atol: 1e-5 * scale }, `Σ[${i},${j}]`);
        }
      }
      op.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    p.dispose();
  });

  Deno.test(`gradientNoiseNonUniformity ${label}: s² is λ_max of the float64 (1/n)ΣHᵢ² − H²`, async () => {
    const p = await tinyProblem(net, loss, 4, 3, targets);
    const d = p.theta.length, n = p.xs.length;
    const Hs = p.xs.map((x, i) => hessian64(net, loss, p.theta, [x], [p.ys[i]]));
    const H = new Float64Array(d * d);
    for (const Hi of Hs) for (let k = 0; k < d * d; k++) H[k] += Hi[k] / n;
    const square = (A: Float64Array) => {
      const out = new Float64Array(d * d);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += A[i * d + k] * A[k * d + j];
          out[i * d + j] = s;
        }
      }
      return out;
    };
    const M = new Float64Array(d * d);
    for (const Hi of Hs) {
      const Hi2 = square(Hi);
      for (let k = 0; k < d * d; k++) M[k] += Hi2[k] / n;
    }
    const H2 = square(H);
    for (let k = 0; k < d * d; k++) M[k] -= H2[k];
    const top = symmetricEigenvalues64(M, d)[d - 1];
    const before = tf.memory().numTensors;
    const r = await gradientNoiseNonUniformity(p.point, {
      tol: 1e-6,
      maxIterations: d,
      chunkSize: 3,
    });
    assert.equal(tf.memory().numTensors, before);
    assertClose(r.lambda, top, { rtol: 1e-4 }, "s²");
    assertClose(r.value, Math.sqrt(top), { rtol: 1e-4 }, "s");
    assert.equal(r.samples, 4);
    p.dispose();
  });
}

Deno.test("gradient-noise operators reject bad options and vectors", async () => {
  const p = await tinyProblem({ sizes: [2, 3, 1], activation: "tanh" }, "mse", 3, 1);
  assert.throws(() => gradientNoiseCovariance(p.point, { materialize: "yes" as "auto" }), {
    name: "TypeError",
    message:
      'Cannot build the gradient-noise covariance: materialize must be true, false or "auto", current value is "yes"',
  });
  assert.throws(() => perSampleGradients(p.point, { chunkSize: 0 }), {
    name: "RangeError",
    message:
      "Cannot compute per-sample gradients: chunkSize must be a positive integer, current value is 0",
  });
  const op = gradientNoiseCovariance(p.point);
  await assert.rejects(() => op.matvec(new Float64Array(2)), {
    name: "TypeError",
    message:
      "Cannot apply the gradient-noise covariance: v must have length 13 (the parameter count), current length is 2",
  });
  op.dispose();
  await assert.rejects(() => gradientNoiseNonUniformity(p.point, { subset: 0 }), {
    name: "RangeError",
    message:
      "Cannot measure the non-uniformity: subset must be an integer in [1, 3] (the samples in the data), current value is 0",
  });
  p.dispose();
});

Deno.test("per-sample passes leave the WASM backend's heap intact (tensorflow/tfjs#6439)", async () => {
  // Using the parameters' own data as a matMul operand of another shape corrupted the WASM heap,
  // which surfaced later as "memory access out of bounds" in an unrelated dispose.
  const { currentBackend, useBackend } = await import("../backend/mod.ts");
  const previous = currentBackend().name;
  await useBackend("wasm", { quiet: true });
  try {
    const p = await tinyProblem({ sizes: [2, 3, 1], activation: "tanh" }, "mse", 5, 7);
    for (let rep = 0; rep < 5; rep++) {
      tf.dispose(perSampleGradients(p.point, { chunkSize: 2 }));
      tf.dispose(
        perSampleGradients({ ...p.point, model: { ...p.point.model, perSampleParams: false } }),
      );
    }
    p.dispose();
  } finally {
    await useBackend(previous, { quiet: true });
  }
});
