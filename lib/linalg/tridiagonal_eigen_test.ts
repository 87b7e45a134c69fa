import assert from "node:assert/strict";
import { tridiagonalEigen } from "./tridiagonal_eigen.ts";
import { jacobiEigen } from "./_test_matrices.ts";
import { assertAllClose, assertClose, TOL } from "../_test_util.ts";
import { Rng } from "../random/mod.ts";

function dense(diag: ArrayLike<number>, off: ArrayLike<number>): Float64Array {
  const n = diag.length, a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = diag[i];
  for (let i = 0; i < n - 1; i++) a[i * n + i + 1] = a[(i + 1) * n + i] = off[i];
  return a;
}

/** max_j ‖T v_j − λ_j v_j‖ and max |V ᵀV − I|. */
function decompositionErrors(
  diag: ArrayLike<number>,
  off: ArrayLike<number>,
  values: Float64Array,
  vectors: Float64Array[],
): { residual: number; orthogonality: number } {
  const n = diag.length;
  let residual = 0, orthogonality = 0;
  for (let j = 0; j < n; j++) {
    const v = vectors[j];
    let r = 0;
    for (let i = 0; i < n; i++) {
      let tv = diag[i] * v[i];
      if (i > 0) tv += off[i - 1] * v[i - 1];
      if (i < n - 1) tv += off[i] * v[i + 1];
      r += (tv - values[j] * v[i]) ** 2;
    }
    residual = Math.max(residual, Math.sqrt(r));
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += v[i] * vectors[k][i];
      orthogonality = Math.max(orthogonality, Math.abs(s - (j === k ? 1 : 0)));
    }
  }
  return { residual, orthogonality };
}

Deno.test("tridiagonalEigen matches the closed form of the second-difference matrix", () => {
  // T = tridiag(−1, 2, −1) of size n: λ_k = 2 − 2cos(kπ/(n+1)), v_k[j] ∝ sin(jkπ/(n+1)).
  const n = 50;
  const { values, vectors } = tridiagonalEigen(new Array(n).fill(2), new Array(n - 1).fill(-1));
  const expected = Array.from(
    { length: n },
    (_, k) => 2 - 2 * Math.cos((k + 1) * Math.PI / (n + 1)),
  );
  assertAllClose(values, expected, { atol: 1e-13 }, "eigenvalues");
  for (const k of [0, 17, n - 1]) {
    const ref = Float64Array.from(
      { length: n },
      (_, j) => Math.sin((j + 1) * (k + 1) * Math.PI / (n + 1)),
    );
    const norm = Math.hypot(...ref);
    const sign = Math.sign(vectors[k][0] * ref[0]);
    assertAllClose(vectors[k], ref.map((x) => sign * x / norm), { atol: 1e-12 }, `v_${k}`);
  }
});

Deno.test("tridiagonalEigen agrees with dense Jacobi on random, split and nearly-degenerate matrices", () => {
  const rng = new Rng(5);
  const cases: [string, number[], number[]][] = [];
  const n = 40;
  cases.push([
    "random",
    Array.from({ length: n }, () => rng.normal()),
    Array.from({ length: n - 1 }, () => rng.normal()),
  ]);
  // Zero couplings split T into blocks, and two blocks repeat the same eigenvalues.
  cases.push(["split", [1, 2, 1, 2, 5, -3, 0], [0.5, 0, 0.5, 0, 0, 1e-300]]);
  // Wilkinson's W21+: pairs of eigenvalues agreeing to ~1e-14 (the hardest case for QL).
  cases.push([
    "wilkinson",
    Array.from({ length: 21 }, (_, i) => Math.abs(10 - i)),
    new Array(20).fill(1),
  ]);
  // Entries spanning many orders of magnitude.
  cases.push(["graded", [1e8, 1e4, 1, 1e-4, 1e-8], [1e6, 1e2, 1e-2, 1e-6]]);
  for (const [name, diag, off] of cases) {
    const { values, vectors } = tridiagonalEigen(diag, off);
    const ref = jacobiEigen(dense(diag, off), diag.length);
    const scale = Math.max(...ref.values.map(Math.abs));
    assertAllClose(values, ref.values, { atol: 1e-13 * scale }, `${name} eigenvalues`);
    const { residual, orthogonality } = decompositionErrors(diag, off, values, vectors);
    assert.ok(residual < 1e-13 * scale, `${name}: residual ${residual}`);
    assert.ok(orthogonality < 1e-13, `${name}: orthogonality ${orthogonality}`);
  }
});

Deno.test("tridiagonalEigen without vectors gives the same values and end components", () => {
  const rng = new Rng(9);
  const n = 30;
  const diag = Array.from({ length: n }, () => rng.normal());
  const off = Array.from({ length: n - 1 }, () => rng.normal());
  const full = tridiagonalEigen(diag, off);
  const ends = tridiagonalEigen(diag, off, { vectors: false });
  assert.equal(ends.vectors.length, 0);
  assertAllClose(ends.values, full.values, { rtol: TOL.float64, atol: 1e-14 }, "values");
  // The same rotations are applied, so the tracked rows equal those of the full matrix.
  assertAllClose(ends.firstComponents, full.vectors.map((v) => v[0]), { atol: 1e-14 }, "first");
  assertAllClose(ends.lastComponents, full.vectors.map((v) => v[n - 1]), { atol: 1e-14 }, "last");
  // Gauss weights sum to one.
  assertClose(full.firstComponents.reduce((s, t) => s + t * t, 0), 1, { rtol: 1e-14 });
});

Deno.test("tridiagonalEigen handles the 1×1 and 2×2 cases", () => {
  const one = tridiagonalEigen([4], []);
  assert.deepEqual(Array.from(one.values), [4]);
  assert.deepEqual(Array.from(one.vectors[0]), [1]);
  // [[a, b], [b, c]]: (a+c)/2 ± √(((a−c)/2)² + b²).
  const two = tridiagonalEigen([1, 3], [2]);
  assertAllClose(two.values, [2 - Math.sqrt(5), 2 + Math.sqrt(5)], { rtol: 1e-15 }, "2×2");
});

Deno.test("tridiagonalEigen rejects bad input with messages that name the argument", () => {
  assert.throws(
    () => tridiagonalEigen([], []),
    {
      name: "RangeError",
      message:
        "Cannot diagonalize the tridiagonal matrix: diagonal must have at least one entry, current length is 0",
    },
  );
  assert.throws(
    () => tridiagonalEigen([1, 2, 3], [1]),
    {
      name: "TypeError",
      message:
        "Cannot diagonalize the tridiagonal matrix: offDiagonal must have length diagonal.length − 1 = 2, current length is 1",
    },
  );
  assert.throws(
    () => tridiagonalEigen([1, NaN], [1]),
    {
      name: "RangeError",
      message: "Cannot diagonalize the tridiagonal matrix: diagonal must be finite, entry 1 is NaN",
    },
  );
  assert.throws(
    () => tridiagonalEigen([1, 2], [Infinity]),
    {
      name: "RangeError",
      message:
        "Cannot diagonalize the tridiagonal matrix: offDiagonal must be finite, entry 0 is Infinity",
    },
  );
  assert.throws(
    () => tridiagonalEigen(null as unknown as number[], []),
    {
      name: "TypeError",
      message:
        "Cannot diagonalize the tridiagonal matrix: diagonal must be an array of numbers, current value is null",
    },
  );
  assert.throws(
    () => tridiagonalEigen([1], [], { vectors: "yes" as unknown as boolean }),
    {
      name: "TypeError",
      message:
        "Cannot diagonalize the tridiagonal matrix: vectors must be a boolean, current value is yes",
    },
  );
});
