import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { mlp, mse, type Params } from "../nn/mod.ts";
import { hessianOperator } from "./hessian_operator.ts";
import { preconditionedSharpness } from "./preconditioned_sharpness.ts";
import { sharpness } from "./sharpness.ts";
import { assertClose } from "../_test_util.ts";

/** The largest eigenvalue of a symmetric float64 matrix by cyclic Jacobi rotations. */
function largestEigenvalue(m: number[][]): number {
  const a = m.map((r) => r.slice());
  const n = a.length;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
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

Deno.test("preconditionedSharpness of a linear model is λ_max of P^{-1/2}(XᵀX/n)P^{-1/2} in float64", async () => {
  const X = [[1, 0.5, -1], [0.2, 2, 0.3], [-0.7, 0.1, 1.5], [1.1, -0.4, 0.6]];
  const data = createDataset(X, X.map(() => [0]));
  const model = mlp([3, 1], { bias: false, activation: "identity" });
  const params = [tf.tensor2d([[0.1], [-0.3], [0.2]])];
  const pDiag = [0.5, 3, 0.02];
  const P = [tf.tensor2d(pDiag.map((v) => [v]))];
  // H = XᵀX/n for the mean of ½(wᵀx)²: an independent float64 reference.
  const n = X.length;
  const H = [0, 1, 2].map((i) => [0, 1, 2].map((j) => X.reduce((s, x) => s + x[i] * x[j], 0) / n));
  const scaled = H.map((row, i) => row.map((h, j) => h / Math.sqrt(pDiag[i] * pDiag[j])));
  const expected = largestEigenvalue(scaled);
  const before = tf.memory().numTensors;
  const point = { model, loss: mse, data, params };
  const lanczosResult = await preconditionedSharpness(point, P);
  const power = await preconditionedSharpness(point, P, {
    method: "power",
    tol: 1e-6,
    maxIterations: 500,
  });
  assert.equal(tf.memory().numTensors, before, "no tensor leaked");
  assertClose(lanczosResult.value, expected, { rtol: 1e-4 }, "Lanczos");
  assertClose(power.value, expected, { rtol: 1e-3 }, "power iteration");
  assert.equal(lanczosResult.method, "lanczos");
  assert.equal(lanczosResult.samples, n);
  // The eigenvector is a unit vector of P^{-1/2}HP^{-1/2}: check Su = λu in float64.
  const u = lanczosResult.vector;
  for (let i = 0; i < 3; i++) {
    const su = scaled[i].reduce((s, v, j) => s + v * u[j], 0);
    assertClose(su, lanczosResult.value * u[i], { atol: 1e-3 }, `(Su)_${i}`);
  }
  tf.dispose([params, P]);
  data.dispose();
});

Deno.test("preconditionedSharpness of a tanh network matches the dense float64 P^{-1/2}HP^{-1/2}", async () => {
  const data = createDataset(
    [[0.3, -1, 0.8], [1.2, 0.4, -0.5], [-0.6, 0.9, 0.1], [0.5, 0.5, 1.4], [-1.1, -0.2, 0.7]],
    [[1, 0], [0, 1], [0.5, -0.5], [-1, 0.3], [0.2, 0.8]],
  );
  const model = mlp([3, 4, 2], { activation: "tanh" });
  const params = model.init(3);
  const point = { model, loss: mse, data, params };
  const d = model.numParams;
  // P spread over two decades, as Adam's √v̂ + ε is.
  const pFlat = Array.from({ length: d }, (_, i) => 10 ** (-1 + 2 * ((i * 7) % d) / d));
  let offset = 0;
  const P: Params = params.map((p) => {
    const t = tf.tensor(pFlat.slice(offset, offset + p.size), p.shape);
    offset += p.size;
    return t;
  });
  // Dense H column by column from the (separately tested) Hessian-vector product.
  const op = hessianOperator(point);
  const H: number[][] = [];
  for (let j = 0; j < d; j++) {
    const e = new Float64Array(d);
    e[j] = 1;
    H.push(Array.from(await op.matvec(e)));
  }
  op.dispose();
  const S = H.map((row, i) =>
    row.map((_, j) => (H[i][j] + H[j][i]) / 2 / Math.sqrt(pFlat[i] * pFlat[j]))
  );
  const expected = largestEigenvalue(S);
  const got = await preconditionedSharpness(point, P, { tol: 1e-5, maxIterations: d });
  assertClose(got.value, expected, { rtol: 1e-3 }, "λ_max(P^{-1/2}HP^{-1/2})");
  // A uniform P = c scales the sharpness by 1/c.
  const c = 2.5;
  const uniform = params.map((p) => tf.fill(p.shape, c));
  const a = (await sharpness(point, { tol: 1e-5, maxIterations: d })).value;
  assertClose(
    (await preconditionedSharpness(point, uniform, { tol: 1e-5, maxIterations: d })).value,
    a / c,
    {
      rtol: 1e-3,
    },
  );
  tf.dispose([params, P, uniform]);
  data.dispose();
});

Deno.test("preconditionedSharpness rejects a mismatched or non-positive preconditioner with exact messages", async () => {
  const data = createDataset([[1, 2]], [[0]]);
  const model = mlp([2, 1], { bias: false, activation: "identity" });
  const params = [tf.tensor2d([[0.1], [0.2]])];
  const point = { model, loss: mse, data, params };
  const wrongShape = [tf.tensor1d([1, 1])];
  const zero = [tf.tensor2d([[1], [0]])];
  const nan = [tf.tensor2d([[NaN], [1]])];
  await assert.rejects(
    () => preconditionedSharpness(point, wrongShape),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot measure the preconditioned sharpness: preconditioner[0] (W1) must be a live tensor of shape [2,1], current shape is [2]",
  );
  await assert.rejects(
    () => preconditionedSharpness(point, []),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot measure the preconditioned sharpness: preconditioner must hold 1 tensors (the model's paramSpecs), current length is 0",
  );
  await assert.rejects(
    () => preconditionedSharpness(point, zero),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot measure the preconditioned sharpness: preconditioner entries must be positive and finite, entry 1 is 0",
  );
  await assert.rejects(
    () => preconditionedSharpness(point, nan),
    (e: Error) =>
      e.message ===
        "Cannot measure the preconditioned sharpness: preconditioner entries must be positive and finite, entry 0 is NaN",
  );
  await assert.rejects(
    () => preconditionedSharpness(point, params, { method: "qr" as never }),
    (e: Error) =>
      e.message ===
        'Cannot measure the preconditioned sharpness: method must be "lanczos" or "power", current value is "qr"',
  );
  tf.dispose([params, wrongShape, zero, nan]);
  data.dispose();
});
