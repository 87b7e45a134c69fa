import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { hessian64, type Mlp64, symmetricEigenvalues64 } from "../nn/_float64_reference.ts";
import { sharpness } from "./sharpness.ts";
import { topHessianEigenvalues } from "./top_hessian_eigenvalues.ts";
import { hessianTrace } from "./hessian_trace.ts";
import { hessianSpectralDensity } from "./hessian_spectral_density.ts";
import { tinyProblem } from "./_test_problems.ts";
import { assertAllClose, assertClose } from "../_test_util.ts";

const NET: Mlp64 = { sizes: [2, 3, 3], activation: "tanh" };

async function setup() {
  const p = await tinyProblem(NET, "cross-entropy", 6, 5, "one-hot");
  const H = hessian64(NET, "cross-entropy", p.theta, p.xs, p.ys);
  const d = p.theta.length;
  const eig = symmetricEigenvalues64(H, d); // ascending
  return { p, H, d, eig };
}

Deno.test("sharpness by Lanczos and by power iteration equals the float64 top eigenvalue", async () => {
  const { p, eig, d } = await setup();
  const top = eig[d - 1];
  const before = tf.memory().numTensors;
  const a = await sharpness(p.point, { tol: 1e-5 });
  const b = await sharpness(p.point, { method: "power", tol: 1e-5, maxIterations: 500 });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(a.converged && b.converged);
  assertClose(a.value, top, { rtol: 1e-5 }, "Lanczos");
  assertClose(b.value, top, { rtol: 1e-4 }, "power");
  assert.equal(a.samples, 6);
  // The vector is a unit eigenvector: warm-starting from it converges at once.
  const warm = await sharpness(p.point, { startVector: a.vector, tol: 1e-4 });
  assert.ok(warm.iterations <= 3, `warm start took ${warm.iterations} products`);
  // Same seed, same numbers.
  assert.equal((await sharpness(p.point, { tol: 1e-5 })).value, a.value);
  p.dispose();
});

Deno.test("topHessianEigenvalues returns the top-k and the most negative float64 eigenvalues", async () => {
  const { p, eig, d } = await setup();
  const top = await topHessianEigenvalues(p.point, { k: 3, tol: 1e-5 });
  for (let i = 0; i < 3; i++) assertClose(top.values[i], eig[d - 1 - i], { atol: 1e-5 }, `λ${i}`);
  assert.deepEqual(top.rows.map((r) => r.index), [1, 2, 3]);
  assert.ok(top.trusted && top.converged);
  assert.deepEqual(top.warnings, []);
  const bottom = await topHessianEigenvalues(p.point, { k: 1, which: "smallest", tol: 1e-5 });
  assertClose(bottom.values[0], eig[0], { atol: 1e-5 }, "λ_min");
  assert.ok(eig[0] < 0, "this point has negative curvature, so the check means something");
  p.dispose();
});

Deno.test("hessianTrace: Hutch++ with a full sketch is exact; Hutchinson is within its error", async () => {
  const { p, H, d } = await setup();
  let tr = 0;
  for (let i = 0; i < d; i++) tr += H[i * d + i];
  const exact = await hessianTrace(p.point, { matvecs: 3 * d + 3 });
  assertClose(exact.value, tr, { atol: 1e-5 }, "Hutch++ (sketch spans the space)");
  const hutch = await hessianTrace(p.point, { method: "hutchinson", matvecs: 200, seed: 1 });
  assert.ok(Math.abs(hutch.value - tr) < 4 * hutch.standardError, "within 4 standard errors");
  assert.ok(hutch.standardError > 0);
  p.dispose();
});

Deno.test("hessianSpectralDensity with d Lanczos steps has the extreme eigenvalues as nodes", async () => {
  const { p, eig, d } = await setup();
  const r = await hessianSpectralDensity(p.point, { probes: 2, steps: d, gridSize: 64 });
  for (const nodes of r.nodes) {
    assertClose(nodes[0], eig[0], { atol: 1e-4 }, "lowest node");
    assertClose(nodes[nodes.length - 1], eig[d - 1], { atol: 1e-4 }, "highest node");
  }
  const dl = r.density[1].lambda - r.density[0].lambda;
  assertClose(r.density.reduce((s, row) => s + row.density * dl, 0), 1, { atol: 0.02 }, "mass");
  p.dispose();
});

Deno.test("sharpness and topHessianEigenvalues report residuals that bound the exact Hessian's", async () => {
  const { p, H, d, eig } = await setup();
  const { matvec64 } = await import("../nn/_float64_reference.ts");
  const trueResidual = (value: number, v: Float64Array) => {
    const hv = matvec64(H, v);
    return Math.hypot(...hv.map((x, i) => x - value * v[i]));
  };
  for (const tol of [1e-3, 1e-5]) {
    const s = await sharpness(p.point, { tol });
    assert.ok(s.trusted);
    assert.ok(trueResidual(s.value, s.vector) <= s.residual, `tol ${tol}`);
    assert.ok(Math.abs(s.value - eig[d - 1]) <= s.residual);
    const top = await topHessianEigenvalues(p.point, { k: 3, tol });
    top.values.forEach((v, i) => {
      assert.ok(trueResidual(v, top.vectors[i]) <= top.residuals[i], `pair ${i}, tol ${tol}`);
      assert.ok(Math.abs(v - eig[d - 1 - i]) <= top.residuals[i]);
    });
  }
  // Asking for more than float32 products can deliver raises the tolerance, and says so.
  const tight = await topHessianEigenvalues(p.point, { k: 1, tol: 1e-9 });
  assert.deepEqual(tight.warnings, [
    "tol 1e-9 is below what these products can deliver: each carries a relative error of about 4.8e-7 (op.relativeError), so a residual cannot be trusted below that times ‖A‖; using tol 1.9e-6 instead",
  ]);
  assert.ok(tight.trusted);
  p.dispose();
});

Deno.test("topHessianEigenvalues returns every copy of a repeated top eigenvalue", async () => {
  // A linear model with MSE on axis-aligned inputs s_i e_i has H = diag(s_i²)/n: three inputs at
  // scale 2 make the top eigenvalue 4/30 with multiplicity 3, above a block of 2.
  const { createDataset, mlp, mse } = await import("../nn/mod.ts").then(async (nn) => ({
    ...nn,
    createDataset: (await import("../data/mod.ts")).createDataset,
  }));
  const d = 30;
  const scales = [2, 2, 2, 1.5, ...Array.from({ length: d - 4 }, (_, i) => 1.2 - 0.03 * i)];
  const xs = scales.map((s, i) => Array.from({ length: d }, (_, j) => (i === j ? s : 0)));
  const data = createDataset(xs, xs.map(() => [0]));
  const model = mlp([d, 1], { bias: false, activation: "identity" });
  const params = [tf.tensor2d(Array.from({ length: d }, (_, i) => [Math.sin(i)]))];
  const point = { model, loss: mse, data, params };
  const r = await topHessianEigenvalues(point, { k: 4, tol: 1e-5 });
  assert.ok(r.trusted, r.warnings.join("; "));
  assertAllClose(r.values, [4 / 30, 4 / 30, 4 / 30, 2.25 / 30], { atol: 1e-6 }, "every copy");
  const forced = await sharpness(point, { detectMultiplicity: true, tol: 1e-5 });
  assertClose(forced.value, 4 / 30, { atol: 1e-6 }, "sharpness with detectMultiplicity");
  params[0].dispose();
  data.dispose();
});

Deno.test("spectral measurements reject bad methods", async () => {
  const { p } = await setup();
  await assert.rejects(() => sharpness(p.point, { method: "arnoldi" as "power" }), {
    name: "TypeError",
    message:
      'Cannot measure the sharpness: method must be "lanczos" or "power", current value is "arnoldi"',
  });
  await assert.rejects(() => sharpness(p.point, { method: "power", blockSize: 2 }), {
    name: "TypeError",
    message:
      'Cannot measure the sharpness: blockSize applies to method "lanczos" only, not "power"',
  });
  await assert.rejects(() => topHessianEigenvalues(p.point, { k: 22 }), {
    name: "RangeError",
    message:
      "Cannot compute the top Hessian eigenvalues: k must be an integer in [1, 21] (the parameter count), current value is 22",
  });
  await assert.rejects(() => hessianTrace(p.point, { method: "exact" as "hutch++" }), {
    name: "TypeError",
    message:
      'Cannot estimate the Hessian trace: method must be "hutch++" or "hutchinson", current value is "exact"',
  });
  p.dispose();
});

Deno.test("lossGradient equals the float64 gradient, in one chunk or several", async () => {
  const { lossAndGrad64 } = await import("../nn/_float64_reference.ts");
  const { flattenParams, disposeParams } = await import("../nn/mod.ts");
  const { lossGradient } = await import("./loss_gradient.ts");
  const { p } = await setup();
  const want = lossAndGrad64(NET, "cross-entropy", p.theta, p.xs, p.ys);
  const before = tf.memory().numTensors;
  for (const chunkSize of [1024, 4]) {
    const r = await lossGradient(p.point, { chunkSize });
    assertClose(r.value, want.value, { rtol: 1e-6 }, "L");
    const g = await flattenParams(r.gradient);
    g.forEach((v, i) => assertClose(v, want.grad[i], { atol: 1e-6 }, `∇L[${i}]`));
    disposeParams(r.gradient);
  }
  assert.equal(tf.memory().numTensors, before);
  p.dispose();
});

Deno.test("trace, density and power iteration with vectors on the device match the host path", async () => {
  const { p } = await setup();
  const before = tf.memory().numTensors;
  for (const method of ["hutch++", "hutchinson"] as const) {
    const host = await hessianTrace(p.point, { method, matvecs: 30, seed: 3 });
    const device = await hessianTrace(p.point, { method, matvecs: 30, seed: 3, vectors: "device" });
    assertClose(device.value, host.value, { rtol: 1e-5 }, method);
    assertClose(device.standardError, host.standardError, { rtol: 1e-3 }, `${method} error`);
  }
  const host = await hessianSpectralDensity(p.point, { probes: 3, steps: 10, gridSize: 8 });
  const device = await hessianSpectralDensity(p.point, {
    probes: 3,
    steps: 10,
    gridSize: 8,
    vectors: "device",
  });
  host.nodes.forEach((nodes, l) => {
    assertAllClose(device.nodes[l], nodes, { atol: 1e-5 }, `nodes of probe ${l}`);
    assertAllClose(device.weights[l], host.weights[l], { atol: 1e-4 }, `weights of probe ${l}`);
  });
  const power = await sharpness(p.point, { method: "power", vectors: "device", tol: 1e-4 });
  const powerHost = await sharpness(p.point, { method: "power", tol: 1e-4 });
  assertClose(power.value, powerHost.value, { atol: power.residual + powerHost.residual });
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  p.dispose();
});
