import assert from "node:assert/strict";
import { lanczos } from "./lanczos.ts";
import { powerIteration } from "./power_iteration.ts";
import { denseOperator } from "./linear_operator.ts";
import {
  alignment,
  counting,
  householderOperator,
  jacobiEigen,
  matrixWithSpectrum,
  trueResidual,
} from "./_test_matrices.ts";
import { assertAllClose, assertClose } from "../_test_util.ts";
import { Rng } from "../random/mod.ts";

/**
 * d = 100: a cluster at the top (10, 9.99, 9.98), negative eigenvalues down to −6 with a cluster
 * (−6, −5.999), and a bulk in [−1, 2].
 */
function clusteredSpectrum(): number[] {
  const bulk = Array.from({ length: 95 }, (_, i) => -1 + 3 * i / 94);
  return [10, 9.99, 9.98, -6, -5.999, ...bulk];
}

Deno.test("jacobiEigen, the test reference, recovers a known spectrum and its eigenvectors", () => {
  const spectrum = clusteredSpectrum();
  const known = matrixWithSpectrum(spectrum, 1);
  const ref = jacobiEigen(known.matrix, spectrum.length);
  assertAllClose(ref.values, [...spectrum].sort((a, b) => a - b), { atol: 1e-12 }, "values");
  const top = ref.vectors[spectrum.length - 1];
  assertClose(alignment(top, known.eigenvectors[0]), 1, { atol: 1e-10 }, "top vector");
});

Deno.test("lanczos finds the top-5 of a clustered spectrum against dense Jacobi", async () => {
  const known = matrixWithSpectrum(clusteredSpectrum(), 1);
  const ref = jacobiEigen(known.matrix, 100);
  const top = Array.from(ref.values).reverse().slice(0, 5);
  const res = await lanczos(known.op, { k: 5, tol: 1e-10, maxIterations: 100 });
  assert.ok(res.converged, `residuals ${res.residuals}`);
  assert.equal(res.runs, 1);
  assertAllClose(res.values, top, { atol: 1e-10 }, "top-5");
  for (let i = 0; i < 5; i++) {
    const r = await trueResidual(known.op, res.values[i], res.vectors[i]);
    // The Ritz estimate β_m|s_m| is the true residual, up to rounding.
    assertClose(res.residuals[i], r, { rtol: 1e-4, atol: 1e-13 }, `residual ${i}`);
    assert.ok(r <= 1e-10 * 10, `true residual ${r}`);
  }
  for (let i = 0; i < 3; i++) {
    assertClose(alignment(res.vectors[i], known.eigenvectors[i]), 1, { atol: 1e-8 }, `v_${i}`);
  }
});

Deno.test("lanczos finds the smallest and the largest-magnitude eigenvalues", async () => {
  const known = matrixWithSpectrum(clusteredSpectrum(), 2);
  const ref = Array.from(jacobiEigen(known.matrix, 100).values);
  const smallest = await lanczos(known.op, {
    k: 3,
    which: "smallest",
    tol: 1e-10,
    maxIterations: 100,
  });
  assert.ok(smallest.converged);
  assertAllClose(smallest.values, ref.slice(0, 3), { atol: 1e-10 }, "smallest");
  const byMagnitude = [...ref].sort((a, b) => Math.abs(b) - Math.abs(a)).slice(0, 5);
  const magnitude = await lanczos(known.op, {
    k: 5,
    which: "magnitude",
    tol: 1e-10,
    maxIterations: 100,
  });
  assert.ok(magnitude.converged);
  assertAllClose(magnitude.values, byMagnitude, { atol: 1e-10 }, "magnitude");
  assert.deepEqual(Array.from(magnitude.values.slice(3)).map(Math.round), [-6, -6]);
});

Deno.test("lanczos with detectMultiplicity returns every copy of a repeated eigenvalue", async () => {
  const spectrum = [7, 7, 7, 3, ...Array.from({ length: 146 }, (_, i) => 2 * i / 145 - 1)];
  const known = matrixWithSpectrum(spectrum, 3);
  // (A single run may or may not report the copies: in exact arithmetic its Krylov space holds one
  // direction of the eigenspace, but rounding seeds the others, which then grow. Not asserted.)
  const multi = await lanczos(known.op, { k: 4, tol: 1e-10, detectMultiplicity: true });
  assert.ok(multi.converged, `residuals ${multi.residuals}`);
  assertAllClose(multi.values, [7, 7, 7, 3], { atol: 1e-10 }, "with multiplicity");
  assert.ok(multi.runs >= 2, `runs ${multi.runs}`);
  for (let i = 0; i < 4; i++) {
    const r = await trueResidual(known.op, multi.values[i], multi.vectors[i]);
    assert.ok(r < 1e-8, `true residual ${i}: ${r}`);
    for (let j = 0; j < i; j++) {
      assert.ok(alignment(multi.vectors[i], multi.vectors[j]) < 1e-8, `v_${i} ⟂ v_${j}`);
    }
  }
  // For k = 1 a second copy of the top value changes nothing: one confirming run, then stop.
  const one = await lanczos(known.op, { k: 1, tol: 1e-10, detectMultiplicity: true });
  assert.equal(one.runs, 2);
  assertAllClose(one.values, [7], { atol: 1e-10 }, "k = 1");
});

Deno.test("lanczos exhausts a small space exactly, restarting at invariant subspaces", async () => {
  // Three distinct values in d = 12: the Krylov space of any start vector is invariant after
  // three steps, so the full spectrum needs restarts.
  const spectrum = [4, 4, 4, 4, 1, 1, 1, 1, -2, -2, -2, -2];
  const known = matrixWithSpectrum(spectrum, 4);
  const res = await lanczos(known.op, { k: 12, maxIterations: 12, tol: 1e-10 });
  assert.ok(res.converged);
  assert.equal(res.iterations, 12);
  assertAllClose(res.values, [...spectrum].sort((a, b) => b - a), { atol: 1e-12 }, "spectrum");
});

Deno.test("lanczos stays matrix-free at d = 2000 and needs far fewer products than power iteration", async () => {
  const d = 2000;
  const rng = new Rng(8);
  // Top 5.0, 4.9, 4.8, a Marchenko–Pastur-like bulk in [0, 2], and two negative outliers.
  const spectrum = Float64Array.from({ length: d }, (_, i) => {
    if (i === 0) return 5;
    if (i === 1) return 4.9;
    if (i === 2) return 4.8;
    if (i === 3) return -3;
    if (i === 4) return -2.5;
    return 2 * rng.uniform() ** 2;
  });
  const { op, eigenvector } = householderOperator(spectrum, 9);
  const counted = counting(op);
  const t0 = performance.now();
  const res = await lanczos(counted, { k: 3, tol: 1e-10 });
  const ms = performance.now() - t0;
  assert.ok(res.converged, `residuals ${res.residuals}`);
  assertAllClose(res.values, [5, 4.9, 4.8], { atol: 1e-10 }, "top-3");
  for (let i = 0; i < 3; i++) {
    assertClose(alignment(res.vectors[i], eigenvector(i)), 1, { atol: 1e-8 }, `v_${i}`);
  }
  assert.equal(counted.count, res.iterations);
  assert.ok(res.iterations <= 50, `products ${res.iterations}`);
  assert.ok(ms < 2000, `${ms} ms`);
  const smallest = await lanczos(op, { k: 2, which: "smallest", tol: 1e-10 });
  assertAllClose(smallest.values, [-3, -2.5], { atol: 1e-10 }, "smallest");
  // Power iteration on the same gap (4.9/5) needs many more products for the top value alone.
  const power = await powerIteration(op, { tol: 1e-10, maxIterations: 3000 });
  assert.ok(
    power.iterations > 5 * res.iterations,
    `power ${power.iterations}, Lanczos ${res.iterations}`,
  );
});

Deno.test("lanczos is reproducible by seed, honours startVector and does not modify it", async () => {
  const known = matrixWithSpectrum(clusteredSpectrum(), 5);
  const a = await lanczos(known.op, { k: 2, seed: "a" });
  const b = await lanczos(known.op, { k: 2, seed: "a" });
  assert.deepEqual(a, b);
  const start = Float64Array.from(known.eigenvectors[0]);
  const c = await lanczos(known.op, { startVector: start, tol: 1e-10 });
  // An exact eigenvector has residual 0 at once: one block step (the start vector and a random
  // one), or one product with a block of one.
  assertClose(c.values[0], 10, { rtol: 1e-12 });
  assert.equal(c.iterations, 2);
  const single = await lanczos(known.op, { startVector: start, tol: 1e-10, blockSize: 1 });
  assert.equal(single.iterations, 1);
  assert.deepEqual(start, known.eigenvectors[0]);
});

Deno.test("lanczos reports non-convergence when maxIterations is too small", async () => {
  const known = matrixWithSpectrum(clusteredSpectrum(), 6);
  const res = await lanczos(known.op, { k: 3, maxIterations: 6, tol: 1e-12 });
  assert.equal(res.converged, false);
  assert.equal(res.iterations, 6);
  assert.equal(res.convergedEach.length, 3);
  assert.ok(res.convergedEach.some((c) => !c));
});

Deno.test("lanczos handles an aliasing identity matvec and reports progress", async () => {
  const seen: number[] = [];
  const res = await lanczos({ dim: 5, matvec: (v) => v }, {
    k: 2,
    onProgress: (p) => seen.push(p.done),
  });
  assert.ok(res.converged);
  assertAllClose(res.values, [1, 1], { atol: 1e-14 }, "identity");
  // Progress after each block step of two products.
  assert.deepEqual(seen, Array.from({ length: res.iterations / 2 }, (_, i) => 2 * (i + 1)));
});

Deno.test("lanczos rejects bad input with messages that name the argument", async () => {
  const op = denseOperator([2, 1, 1, 2], 2);
  const cases: [unknown, string, string][] = [
    [{ k: 0 }, "RangeError", "k must be an integer in [1, 2], current value is 0"],
    [
      { which: "top" },
      "RangeError",
      'which must be "largest", "smallest" or "magnitude", current value is top',
    ],
    [
      { maxIterations: -1 },
      "RangeError",
      "maxIterations must be a positive integer, current value is -1",
    ],
    [
      { k: 2, maxIterations: 1 },
      "RangeError",
      "maxIterations must be at least k = 2, current value is 1",
    ],
    [{ tol: NaN }, "RangeError", "tol must be a positive finite number, current value is NaN"],
    [
      { detectMultiplicity: 1 },
      "TypeError",
      "detectMultiplicity must be a boolean, current value is 1",
    ],
    [
      { startVector: [1, 2, 3] },
      "TypeError",
      "startVector must have length op.dim = 2, current length is 3",
    ],
    [{ onProgress: "yes" }, "TypeError", "onProgress must be a function, current value is yes"],
  ];
  for (const [options, name, message] of cases) {
    // deno-lint-ignore no-explicit-any
    await assert.rejects(() => lanczos(op, options as any), {
      name,
      message: `Cannot run Lanczos: ${message}`,
    });
  }
  await assert.rejects(
    () =>
      lanczos({ dim: 2, matvec: async () => await Promise.resolve(Float64Array.of(Infinity, 0)) }),
    {
      name: "RangeError",
      message:
        "Cannot run Lanczos: op.matvec returned a non-finite value (Infinity) at index 0; check the operator, e.g. a diverged model gives NaN Hessian-vector products",
    },
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => lanczos(null as any),
    {
      name: "TypeError",
      message:
        "Cannot run Lanczos: op must be a LinearOperator { dim, matvec }, current value is null",
    },
  );
});

Deno.test("lanczos with one start vector skips an eigenvector it nearly misses; a block of two does not", async () => {
  // d = 200, top 1.05, 1, 0.9 over a bulk in [0, 0.8]; the start vector is orthogonal to the top
  // eigenvector (up to rounding), as a warm start can be when the top two eigenvalues cross.
  const spectrum = [1.05, 1, 0.9, ...Array.from({ length: 197 }, (_, i) => 0.8 * i / 196)];
  const known = matrixWithSpectrum(spectrum, 11);
  const start = new Rng(12).fillNormal(new Float64Array(200));
  const c = known.eigenvectors[0].reduce((s, u, i) => s + u * start[i], 0);
  known.eigenvectors[0].forEach((u, i) => (start[i] -= c * u));
  const single = await lanczos(known.op, { tol: 1e-3, startVector: start, blockSize: 1 });
  // The failure this guards against: the second eigenvalue reported as the top, converged.
  assert.ok(single.converged);
  assertClose(single.values[0], 1, { atol: 1e-3 }, "one vector: top eigenvalue skipped");
  const block = await lanczos(known.op, { tol: 1e-3, startVector: start });
  assert.equal(block.blockSize, 2);
  assert.ok(block.trusted, block.warnings.join("; "));
  assert.ok(Math.abs(block.values[0] - 1.05) <= block.residuals[0], `${block.values[0]}`);
});

Deno.test("lanczos returns every copy of a repeated top eigenvalue without being asked", async () => {
  // Multiplicity 3 above a block of 2: the cluster of two equal values followed by a smaller one
  // triggers the check in the complement by itself.
  const spectrum = [7, 7, 7, 3, ...Array.from({ length: 96 }, (_, i) => 2 * i / 95 - 1)];
  const known = matrixWithSpectrum(spectrum, 13);
  const res = await lanczos(known.op, { k: 4, tol: 1e-8 });
  assert.ok(res.trusted, res.warnings.join("; "));
  assertAllClose(res.values, [7, 7, 7, 3], { atol: 1e-7 }, "every copy");
  assert.ok(res.runs >= 2, `runs ${res.runs}`);
  // When the copies fill the top k, no check is needed.
  const two = await lanczos(known.op, { k: 2, tol: 1e-8 });
  assert.equal(two.runs, 1);
  assertAllClose(two.values, [7, 7], { atol: 1e-7 }, "k = 2");
});

Deno.test("lanczos adds the operator's product error to its residuals and raises a tolerance below it", async () => {
  const known = matrixWithSpectrum(clusteredSpectrum(), 14);
  const noisy = { ...known.op, relativeError: 1e-7 };
  const res = await lanczos(noisy, { k: 2, tol: 1e-8 });
  assert.equal(res.tol, 4e-7);
  assert.deepEqual(res.warnings, [
    "tol 1e-8 is below what these products can deliver: each carries a relative error of about 1e-7 (op.relativeError), so a residual cannot be trusted below that times ‖A‖; using tol 4e-7 instead",
  ]);
  assertClose(res.productError, 1e-7 * 10, { rtol: 1e-6 }, "ε·‖T‖");
  for (const r of res.residuals) assert.ok(r >= res.productError && r <= 4e-7 * 10, `${r}`);
  // Without a stated error, nothing is added.
  const exact = await lanczos(known.op, { k: 2, tol: 1e-8 });
  assert.equal(exact.productError, 0);
  assert.deepEqual(exact.warnings, []);
});

Deno.test("lanczos says why a result is not trusted", async () => {
  const known = matrixWithSpectrum(clusteredSpectrum(), 15);
  const res = await lanczos(known.op, { k: 3, maxIterations: 6, tol: 1e-12 });
  assert.equal(res.trusted, false);
  assert.equal(res.warnings.length, 1);
  assert.match(
    res.warnings[0],
    /^pairs (\d, )*\d did not reach tol 1e-12 within 6 products per run; raise maxIterations or tol$/,
  );
});

Deno.test("lanczos checks blockSize, vectors and op.relativeError", async () => {
  const op = denseOperator([2, 1, 1, 2], 2);
  const cases: [unknown, unknown, string, string][] = [
    [
      op,
      { blockSize: 3 },
      "RangeError",
      "blockSize must be an integer in [1, 2], current value is 3",
    ],
    [
      op,
      { blockSize: 0 },
      "RangeError",
      "blockSize must be an integer in [1, 2], current value is 0",
    ],
    [
      op,
      { vectors: "gpu" },
      "TypeError",
      'vectors must be "host" or "device", current value is "gpu"',
    ],
    [
      op,
      { vectors: "device" },
      "TypeError",
      'vectors "device" needs an operator with a vectorStore() (a Hessian operator has one), this operator has none',
    ],
    [
      { ...op, relativeError: -1 },
      {},
      "RangeError",
      "op.relativeError must be a finite number ≥ 0, current value is -1",
    ],
  ];
  for (const [o, options, name, message] of cases) {
    // deno-lint-ignore no-explicit-any
    await assert.rejects(() => lanczos(o as any, options as any), {
      name,
      message: `Cannot run Lanczos: ${message}`,
    });
  }
});
