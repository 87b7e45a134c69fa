import assert from "node:assert/strict";
import { powerIteration } from "./power_iteration.ts";
import { denseOperator } from "./linear_operator.ts";
import {
  alignment,
  counting,
  jacobiEigen,
  matrixWithSpectrum,
  trueResidual,
} from "./_test_matrices.ts";
import { assertClose, TOL } from "../_test_util.ts";

/** d = 60 spectrum: dominant 10, then −8 (negative), 6, and a bulk in [−1, 1]. */
function mixedSpectrum(): number[] {
  const bulk = Array.from({ length: 57 }, (_, i) => -1 + 2 * i / 56);
  return [10, -8, 6, ...bulk];
}

Deno.test("powerIteration finds the top-3 by magnitude, including a negative one", async () => {
  const known = matrixWithSpectrum(mixedSpectrum(), 1);
  const ref = jacobiEigen(known.matrix, 60);
  const byMagnitude = Array.from(ref.values).sort((a, b) => Math.abs(b) - Math.abs(a));
  const res = await powerIteration(known.op, { k: 3, tol: 1e-10, seed: 3 });
  assert.ok(res.converged, `residuals ${res.residuals}`);
  for (let i = 0; i < 3; i++) {
    assertClose(res.values[i], byMagnitude[i], { rtol: 1e-12 }, `λ_${i}`);
    // The eigenvalues are simple, so the vectors are determined up to sign.
    assertClose(alignment(res.vectors[i], known.eigenvectors[i]), 1, { atol: 1e-9 }, `v_${i}`);
    // The reported residual is that of the deflated operator PAP; A's own differs from it by the
    // components v_jᵀAv = r_jᵀv along earlier pairs, at most their residuals.
    assert.ok(res.residuals[i] <= 1e-10 * 10, `reported residual ${res.residuals[i]}`);
    const r = await trueResidual(known.op, res.values[i], res.vectors[i]);
    let earlier = 0;
    for (let j = 0; j < i; j++) earlier += res.residuals[j];
    assert.ok(r <= res.residuals[i] + earlier + 1e-14, `true residual ${r}`);
  }
  assert.equal(res.iterations, res.iterationsEach.reduce((a, b) => a + b, 0));
});

Deno.test("powerIteration with deflation finds a repeated eigenvalue with its multiplicity", async () => {
  const spectrum = [7, 7, 7, 3, ...Array.from({ length: 36 }, (_, i) => 2 * i / 35 - 1)];
  const known = matrixWithSpectrum(spectrum, 2);
  const res = await powerIteration(known.op, { k: 4, tol: 1e-10 });
  assert.ok(res.converged);
  for (let i = 0; i < 3; i++) assertClose(res.values[i], 7, { rtol: 1e-12 }, `λ_${i}`);
  assertClose(res.values[3], 3, { rtol: 1e-12 }, "λ_3");
  // The three vectors span the eigenspace of 7: each projects fully onto span(q_0, q_1, q_2).
  for (let i = 0; i < 3; i++) {
    let p = 0;
    for (let j = 0; j < 3; j++) p += alignment(res.vectors[i], known.eigenvectors[j]) ** 2;
    assertClose(p, 1, { atol: 1e-9 }, `projection of v_${i}`);
  }
});

Deno.test("powerIteration reports no convergence when λ and −λ are both dominant", async () => {
  const known = matrixWithSpectrum([5, -5, 1, 0.5, 0.2, -0.3], 3);
  const res = await powerIteration(known.op, { maxIterations: 200, tol: 1e-8 });
  assert.equal(res.converged, false);
  assert.deepEqual(res.convergedEach, [false]);
  assert.equal(res.iterations, 200);
  assert.ok(res.residuals[0] > 1, `residual ${res.residuals[0]}`);
});

Deno.test("powerIteration is reproducible by seed and honours the start vector", async () => {
  const known = matrixWithSpectrum(mixedSpectrum(), 4);
  const a = await powerIteration(known.op, { k: 2, seed: 11, tol: 1e-9 });
  const b = await powerIteration(known.op, { k: 2, seed: 11, tol: 1e-9 });
  assert.deepEqual(a, b);
  const c = await powerIteration(known.op, { k: 2, seed: 12, tol: 1e-9 });
  assert.notDeepEqual(c.vectors[1], a.vectors[1]);
  assertClose(c.values[1], a.values[1], { rtol: 1e-9 });
  // Started on the exact eigenvector it converges at the first product; the input is not touched.
  const start = Float64Array.from(known.eigenvectors[0]);
  const op = counting(known.op);
  const d = await powerIteration(op, { startVector: start, tol: 1e-9 });
  assert.equal(op.count, 1);
  assert.equal(d.iterations, 1);
  assertClose(d.values[0], 10, { rtol: 1e-12 });
  assert.deepEqual(start, known.eigenvectors[0]);
});

Deno.test("powerIteration converges at the rate |λ2/λ1|^t", async () => {
  // diag(1, 0.5, ...): the residual falls by about 0.5 per product, so tol 1e-8 needs ~27.
  const d = 8, a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) a[i * d + i] = i === 0 ? 1 : 0.5 / i;
  const res = await powerIteration(denseOperator(a, d), { tol: 1e-8, seed: 1 });
  assert.ok(res.converged);
  assert.ok(res.iterations >= 20 && res.iterations <= 35, `iterations ${res.iterations}`);
  assertClose(res.values[0], 1, { rtol: TOL.iterative });
});

Deno.test("powerIteration handles the zero operator and an aliasing identity matvec", async () => {
  const zero = await powerIteration({ dim: 3, matvec: () => new Float64Array(3) }, { k: 2 });
  assert.ok(zero.converged);
  assert.deepEqual(Array.from(zero.values), [0, 0]);
  // matvec returning its argument must not corrupt the iterate.
  const id = await powerIteration({ dim: 4, matvec: (v) => v }, { k: 2 });
  assert.ok(id.converged);
  assert.deepEqual(Array.from(id.values).map((x) => Math.round(x * 1e12) / 1e12), [1, 1]);
});

Deno.test("powerIteration rejects bad input with messages that name the argument", async () => {
  const op = denseOperator([2, 1, 1, 2], 2);
  const cases: [unknown, unknown, string, string][] = [
    [
      op,
      { maxIterations: 0 },
      "RangeError",
      "maxIterations must be a positive integer, current value is 0",
    ],
    [op, { k: 3 }, "RangeError", "k must be an integer in [1, 2], current value is 3"],
    [op, { k: 1.5 }, "RangeError", "k must be an integer in [1, 2], current value is 1.5"],
    [op, { tol: 0 }, "RangeError", "tol must be a positive finite number, current value is 0"],
    [
      op,
      { seed: -1 },
      "TypeError",
      "seed must be a non-negative integer below 2^53 or a string, current value is -1",
    ],
    [
      op,
      { startVector: [1] },
      "TypeError",
      "startVector must have length op.dim = 2, current length is 1",
    ],
    [
      op,
      { startVector: [0, 0] },
      "RangeError",
      "startVector must be non-zero, current value is all zeros",
    ],
    [op, { startVector: [1, NaN] }, "RangeError", "startVector must be finite, entry 1 is NaN"],
    [op, { onProgress: 3 }, "TypeError", "onProgress must be a function, current value is 3"],
    [
      { dim: 2 },
      {},
      "TypeError",
      "op must be a LinearOperator { dim, matvec }, current value is an object",
    ],
    [
      { dim: 0, matvec: () => new Float64Array(0) },
      {},
      "RangeError",
      "op.dim must be a positive integer, current value is 0",
    ],
    [
      { dim: 2, matvec: () => new Float64Array(3) },
      {},
      "TypeError",
      "op.matvec must return length op.dim = 2, it returned length 3",
    ],
    [
      { dim: 2, matvec: () => Float64Array.of(1, NaN) },
      {},
      "RangeError",
      "op.matvec returned a non-finite value (NaN) at index 1; check the operator, e.g. a diverged model gives NaN Hessian-vector products",
    ],
    [
      { dim: 2, matvec: () => "x" },
      {},
      "TypeError",
      "op.matvec must return a Float64Array of length 2, it returned x",
    ],
  ];
  for (const [operator, options, name, message] of cases) {
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      () => powerIteration(operator as any, options as any),
      { name, message: `Cannot run power iteration: ${message}` },
    );
  }
});

Deno.test("powerIteration reports progress once per product", async () => {
  const seen: number[] = [];
  const res = await powerIteration(denseOperator([3, 0, 0, 1], 2), {
    onProgress: (p) => seen.push(p.done),
  });
  assert.deepEqual(seen, Array.from({ length: res.iterations }, (_, i) => i + 1));
});
