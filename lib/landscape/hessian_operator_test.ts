import assert from "node:assert/strict";
import { countBackend, tf } from "../backend/mod.ts";
import { ACTIVATIONS, mlp, type ObjectivePoint } from "../nn/mod.ts";
import { hessian64, type Loss64, type Mlp64, outputs64 } from "../nn/_float64_reference.ts";
import { tinyProblem } from "./_test_problems.ts";
import { consistentReplicas } from "../nn/_replicas.ts";
import { hessianOperator, hessianVectorProduct } from "./hessian_operator.ts";

/** The full Hessian from the operator, column by column. */
async function hessianFromOperator(
  point: ObjectivePoint,
  mode: "exact" | "finite-difference",
  chunkSize?: number,
) {
  const op = hessianOperator(point, { mode, chunkSize });
  const d = op.dim;
  const H = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const e = new Float64Array(d);
    e[j] = 1;
    const col = await op.matvec(e);
    for (let i = 0; i < d; i++) H[i * d + j] = col[i];
  }
  op.dispose();
  return H;
}

function maxAbs(a: Float64Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The smallest |pre-activation| of the hidden layer over the samples (kink distance for ReLU). */
function minHiddenPreactivation(net: Mlp64, theta: Float64Array, xs: number[][]): number {
  const hidden: Mlp64 = { sizes: net.sizes.slice(0, 2), activation: "identity", bias: net.bias };
  return Math.min(...xs.flatMap((x) => Array.from(outputs64(hidden, theta, x)).map(Math.abs)));
}

const CASES: {
  net: Mlp64;
  loss: Loss64;
  targets: "real" | "one-hot" | "signed";
  seed?: number;
}[] = [];
for (const activation of ACTIVATIONS) {
  // Seed 12 keeps the 2-3-1 ReLU net's pre-activations away from the kink (checked below).
  const seed = activation === "relu" ? 12 : 11;
  CASES.push({ net: { sizes: [2, 3, 1], activation }, loss: "mse", targets: "real", seed });
  CASES.push({ net: { sizes: [2, 3, 3], activation }, loss: "cross-entropy", targets: "one-hot" });
}
CASES.push({ net: { sizes: [2, 3, 3, 2], activation: "tanh" }, loss: "mse", targets: "real" });
CASES.push({
  net: { sizes: [2, 4, 1], activation: "softplus" },
  loss: "cross-entropy",
  targets: "signed",
});
CASES.push({
  net: { sizes: [3, 4, 2], activation: "gelu", bias: false, outputScale: 0.5 },
  loss: "mse",
  targets: "real",
});

for (const { net, loss, targets, seed } of CASES) {
  const label = `${net.sizes.join("-")} ${net.activation}${
    net.bias === false ? " no-bias" : ""
  } ${loss}${targets === "signed" ? " (logistic)" : ""}`;
  Deno.test(`hessianOperator ${label}: exact and finite-difference HVPs match the float64 Hessian`, async () => {
    const p = await tinyProblem(net, loss, 5, seed ?? 11, targets);
    if (net.activation === "relu") {
      // Finite differences of step 1e-3 must not cross a kink for this comparison to hold.
      assert.ok(minHiddenPreactivation(net, p.theta, p.xs) > 0.02, "the point is away from kinks");
    }
    const ref = hessian64(net, loss, p.theta, p.xs, p.ys);
    const scale = maxAbs(ref);
    const before = tf.memory().numTensors;
    const exact = await hessianFromOperator(p.point, "exact");
    const fd = await hessianFromOperator(p.point, "finite-difference");
    assert.equal(tf.memory().numTensors, before, "no tensor leaks");
    const exactErr = maxDiff(exact, ref) / scale, fdErr = maxDiff(fd, ref) / scale;
    // Measured: exact ≈ 1e-7 of the largest entry (float32 rounding), finite differences ≈ 1e-4.
    assert.ok(
      exactErr < 2e-6,
      `exact: max error ${exactErr.toExponential(2)} of the largest entry`,
    );
    assert.ok(fdErr < 1e-3, `finite differences: max error ${fdErr.toExponential(2)}`);
    p.dispose();
  });
}

Deno.test("hessianOperator: chunks and subsets sum to the Hessian of the samples in use", async () => {
  const net: Mlp64 = { sizes: [2, 3, 3], activation: "tanh" };
  const p = await tinyProblem(net, "cross-entropy", 7, 3, "one-hot");
  const whole = await hessianFromOperator(p.point, "exact");
  const chunked = await hessianFromOperator(p.point, "exact", 3);
  assert.ok(maxDiff(whole, chunked) / maxAbs(whole) < 1e-6);
  const ref4 = hessian64(net, "cross-entropy", p.theta, p.xs.slice(0, 4), p.ys.slice(0, 4));
  const v = Float64Array.from({ length: 21 }, (_, i) => Math.sin(i));
  const hv = await hessianVectorProduct(p.point, v, { subset: 4, chunkSize: 3 });
  const want = new Float64Array(21);
  for (let i = 0; i < 21; i++) for (let j = 0; j < 21; j++) want[i] += ref4[i * 21 + j] * v[j];
  assert.ok(maxDiff(hv, want) / maxAbs(want) < 2e-5);
  const idx = [6, 1, 4];
  const refIdx = hessian64(
    net,
    "cross-entropy",
    p.theta,
    idx.map((i) => p.xs[i]),
    idx.map((i) => p.ys[i]),
  );
  const hvIdx = await hessianVectorProduct(p.point, v, { subset: idx });
  const wantIdx = new Float64Array(21);
  for (let i = 0; i < 21; i++) for (let j = 0; j < 21; j++) wantIdx[i] += refIdx[i * 21 + j] * v[j];
  assert.ok(maxDiff(hvIdx, wantIdx) / maxAbs(wantIdx) < 2e-5);
  p.dispose();
});

Deno.test("hessianOperator rejects bad options, vectors and points with messages naming them", async () => {
  const p = await tinyProblem({ sizes: [2, 3, 1], activation: "tanh" }, "mse", 3, 1);
  assert.throws(() => hessianOperator(p.point, { mode: "fd" as "exact" }), {
    name: "TypeError",
    message:
      'Cannot build the Hessian operator: mode must be "exact" or "finite-difference", current value is "fd"',
  });
  assert.throws(() => hessianOperator(p.point, { chunkSize: 0 }), {
    name: "RangeError",
    message:
      "Cannot build the Hessian operator: chunkSize must be a positive integer, current value is 0",
  });
  assert.throws(() => hessianOperator(p.point, { subset: 5 }), {
    name: "RangeError",
    message:
      "Cannot build the Hessian operator: subset must be an integer in [1, 3] (the samples in the data), current value is 5",
  });
  await assert.rejects(() => hessianVectorProduct(p.point, [1, 2]), {
    name: "TypeError",
    message:
      "Cannot compute a Hessian-vector product: vector must have length 13 (the parameter count), current length is 2",
  });
  await assert.rejects(() => hessianVectorProduct(p.point, new Float64Array(13).fill(NaN)), {
    name: "TypeError",
    message: "Cannot compute a Hessian-vector product: vector must be finite, entry 0 is NaN",
  });
  assert.throws(() => hessianOperator({ ...p.point, params: p.point.params.slice(1) }), {
    name: "TypeError",
    message:
      "Cannot build the Hessian operator: params must hold 4 tensors (the model's paramSpecs), current length is 3",
  });
  assert.throws(() => hessianOperator({ ...p.point, model: mlp([3, 3, 1]) }), {
    name: "TypeError",
    message:
      "Cannot build the Hessian operator: the data has 2 features but the model takes 3; build the model with input width 2",
  });
  const op = hessianOperator(p.point);
  op.dispose();
  await assert.rejects(() => op.matvec(new Float64Array(13)), {
    message: "Cannot compute a Hessian-vector product: the operator was disposed",
  });
  p.dispose();
});

Deno.test("hessianOperator.matmat equals one matvec per vector, batched over replicas or looped", async () => {
  const net: Mlp64 = { sizes: [3, 5, 4, 2], activation: "tanh" };
  const p = await tinyProblem(net, "mse", 9, 4);
  const d = p.theta.length;
  const vs = [1, 2, 3].map((s) => Float64Array.from({ length: d }, (_, i) => Math.sin(s * i)));
  // A model without applyReplicas takes one pass per direction; so does a copy of an mlp with
  // an apply of its own (the mlp's replicated pass may not compute it).
  const { applyReplicas: _, ...plain } = p.point.model;
  const original = p.point.model;
  const copy = { ...original, apply: (ps: tf.Tensor[], x: tf.Tensor) => original.apply(ps, x) };
  assert.equal(consistentReplicas(original), original.applyReplicas);
  assert.equal(consistentReplicas(copy), undefined);
  for (const model of [p.point.model, plain]) {
    const op = hessianOperator({ ...p.point, model }, { chunkSize: 4 });
    const before = tf.memory().numTensors;
    const single = [];
    for (const v of vs) single.push(await op.matvec(v));
    const batched = await op.matmat(vs);
    assert.equal(op.products, 6);
    assert.equal(tf.memory().numTensors, before, "no tensor leaks");
    for (let r = 0; r < 3; r++) {
      assert.ok(maxDiff(batched[r], single[r]) / maxAbs(single[r]) < 1e-6, `direction ${r}`);
    }
    op.dispose();
  }
  p.dispose();
});

Deno.test("hessianOperator.vectorStore computes on tensors and equals the host products", async () => {
  const net: Mlp64 = { sizes: [3, 5, 2], activation: "tanh" };
  const p = await tinyProblem(net, "cross-entropy", 6, 5, "one-hot");
  const op = hessianOperator(p.point);
  const d = op.dim;
  const before = tf.memory().numTensors;
  const store = op.vectorStore();
  assert.equal(store.location, "device");
  const vs = [1, 2].map((s) => Float64Array.from({ length: d }, (_, i) => Math.cos(s * i)));
  const x = vs.map((v) => store.fromHost(v));
  const ax = await store.apply(x);
  const want = await op.matmat(vs);
  for (let r = 0; r < 2; r++) {
    const got = await store.toHost(ax[r]);
    assert.ok(maxDiff(got, want[r]) / maxAbs(want[r]) < 1e-6, `direction ${r}`);
  }
  // xᵀ(Ax) is symmetric, as H is.
  const c = await store.inner(x, ax);
  assert.ok(Math.abs(c[1] - c[2]) < 1e-5 * Math.abs(c[0]));
  const y = store.combine(x, Float64Array.of(1, 0, 0, 1), 2);
  const z = store.subtract(y, x, Float64Array.of(1, 0, 0, 1));
  assert.ok(maxAbs(await store.toHost(z[0])) === 0 && maxAbs(await store.toHost(z[1])) === 0);
  store.dispose([...x, ...ax, ...z]);
  assert.equal(tf.memory().numTensors, before, "every row disposed frees its block");
  op.dispose();
  p.dispose();
});

Deno.test("Lanczos with vectors on the device reads back no d-vector per step, only small matrices", async () => {
  const { sharpness } = await import("./sharpness.ts");
  const { topHessianEigenvalues } = await import("./top_hessian_eigenvalues.ts");
  const net: Mlp64 = { sizes: [8, 40, 40, 4], activation: "tanh" };
  const p = await tinyProblem(net, "mse", 16, 6);
  const d = p.theta.length; // 2,164
  const host = await countBackend(() => sharpness(p.point, { tol: 1e-5, maxIterations: 20 }));
  const device = await countBackend(() =>
    sharpness(p.point, { tol: 1e-5, maxIterations: 20, vectors: "device" })
  );
  const steps = device.value.iterations / 2;
  const reads = (c: typeof host.counters) => c.blockingReadbacks + c.awaitedReads;
  // The host path reads every product's 4·d bytes back; the device path reads the final
  // eigenvector once and, per step, coefficient matrices of at most (basis size)·2 values.
  assert.ok(host.counters.downloadBytes >= host.value.iterations * 4 * d);
  const perStep = (device.counters.downloadBytes - 4 * d) / steps;
  assert.ok(perStep < 0.05 * 4 * d, `${perStep.toFixed(0)} bytes per step, 4·d = ${4 * d}`);
  assert.ok(reads(device.counters) / steps <= 8, `${reads(device.counters)} reads, ${steps} steps`);
  assert.equal(device.counters.blockingReadbacks, 0);
  assert.ok(Math.abs(device.value.value - host.value.value) <= 2 * host.value.residual);
  const before = tf.memory().numTensors;
  const top = await topHessianEigenvalues(p.point, { k: 3, tol: 1e-5, vectors: "device" });
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  assert.ok(top.trusted, top.warnings.join("; "));
  p.dispose();
});
