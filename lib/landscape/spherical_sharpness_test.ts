import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { disposeParams, mlp, type Model, mse, type Params } from "../nn/mod.ts";
import { effectiveLearningRate } from "./effective_learning_rate.ts";
import { sphericalSharpness } from "./spherical_sharpness.ts";
import { assertClose } from "../_test_util.ts";

/**
 * A scale-invariant model with a known Hessian: outputs A^{1/2}θ/‖θ‖, so the mse loss at target 0
 * is the Rayleigh quotient L(θ) = ½ θᵀAθ/‖θ‖². On the unit sphere, at u, P∇²L(u)P = P(A − (uᵀAu)I)P.
 */
const A = [5, 2, 1, 0.5];
function rayleighModel(): Model {
  const root = tf.tensor1d(A.map(Math.sqrt));
  return {
    name: "rayleigh",
    inputDim: 1,
    outputDim: 4,
    paramSpecs: [{ name: "θ", shape: [4], role: "weight", layer: 0 }],
    numParams: 4,
    perSampleParams: false,
    init: () => [tf.tensor1d([1, 1, 1, 1])],
    apply: (params: Params, x: tf.Tensor2D) =>
      tf.tidy(() => {
        const u = tf.div(params[0], tf.norm(params[0]));
        return tf.matMul(x, tf.reshape(tf.mul(u, root), [1, 4])) as tf.Tensor2D;
      }),
  };
}

/** The largest eigenvalue of a symmetric matrix by cyclic Jacobi rotations, float64. */
function jacobiMax(m: number[][]): number {
  const a = m.map((r) => r.slice());
  const n = a.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-15) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Math.max(...a.map((r, i) => r[i]));
}

Deno.test("sphericalSharpness of the Rayleigh quotient: a_max − a_j at an eigenvector, λ_max(P(A − uᵀAu)P) elsewhere", async () => {
  const model = rayleighModel();
  const data = createDataset([[1]], [[0, 0, 0, 0]]);
  // At θ = 3e₂ (eigenvalue 2): 5 − 2 = 3, whatever ‖θ‖.
  const atEigen = [tf.tensor1d([0, 3, 0, 0])];
  const before = tf.memory().numTensors;
  const r = await sphericalSharpness({ model, loss: mse, data, params: atEigen }, { tol: 1e-5 });
  assert.equal(tf.memory().numTensors, before);
  assertClose(r.value, 3, { rtol: 1e-4 }, "at e₂");
  assertClose(r.normSquared, 9, { rtol: 1e-7 });
  // At a generic point, against float64: on the tangent space the extra −(uᵀAu)I shifts the
  // spectrum; the normal direction u itself has eigenvalue 0 under P, so take the max over the
  // tangent block of P(A − ρI)P plus a large negative on u to keep it out.
  const theta = [0.8, -1.1, 0.4, 2];
  const norm = Math.hypot(...theta), u = theta.map((v) => v / norm);
  const rho = u.reduce((s, v, i) => s + A[i] * v * v, 0);
  const P = u.map((ui, i) => u.map((uj, j) => (i === j ? 1 : 0) - ui * uj));
  const M = P.map((row) =>
    P[0].map((_, j) => row.reduce((s, pik, k) => s + pik * (A[k] - rho) * P[k][j], 0))
  );
  const want = jacobiMax(M.map((row, i) => row.map((v, j) => v - 100 * u[i] * u[j])));
  const generic = [tf.tensor1d(theta)];
  const g = await sphericalSharpness({ model, loss: mse, data, params: generic }, { tol: 1e-5 });
  assertClose(g.value, want, { rtol: 1e-4 }, "generic point");
  const tangent = g.vector.reduce((s, v, i) => s + v * u[i], 0);
  assertClose(tangent, 0, { atol: 1e-5 }, "eigenvector ⟂ θ");
  disposeParams([atEigen, generic]);
  data.dispose();
});

Deno.test("sphericalSharpness rejects models that are not scale-invariant; effectiveLearningRate checks lr", async () => {
  const data = createDataset([[1, 2]], [[1]]);
  const model = mlp([2, 3, 1]);
  const params = model.init(0);
  await assert.rejects(() => sphericalSharpness({ model, loss: mse, data, params }), (e) => {
    assert.ok(e instanceof TypeError);
    assert.match(
      e.message,
      /^Cannot measure the spherical sharpness: the model must be scale-invariant, f\(cθ\) = f\(θ\) \(found .*\); use scaleInvariantNet, or pass checkInvariance: false to measure anyway$/,
    );
    return true;
  });
  await assert.rejects(() => effectiveLearningRate(params, { lr: 0 }), {
    name: "RangeError",
    message:
      "Cannot compute the effective learning rate: lr must be a positive number, current value is 0",
  });
  disposeParams(params);
  data.dispose();
});
