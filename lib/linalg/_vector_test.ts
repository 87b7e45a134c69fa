import assert from "node:assert/strict";
import { assertClose, TOL } from "../_test_util.ts";
import { Rng } from "../random/mod.ts";
import {
  addCombination,
  axpy,
  combine,
  dot,
  dotEach,
  norm2,
  orthogonalize,
  orthonormalBasis,
} from "./_vector.ts";

function randomVectors(rng: Rng, m: number, n: number): Float64Array[] {
  return Array.from({ length: m }, () => rng.fillNormal(new Float64Array(n)));
}

Deno.test("dotEach equals one dot per vector, for every count of vectors around the block of 4", () => {
  const rng = new Rng(1);
  const n = 37;
  const v = rng.fillNormal(new Float64Array(n));
  for (let m = 0; m <= 9; m++) {
    const basis = randomVectors(rng, m, n);
    const out = dotEach(basis, v, new Float64Array(m));
    // Each sum runs in index order, as dot does: bit-identical.
    assert.deepEqual(Array.from(out), basis.map((b) => dot(b, v)));
  }
});

Deno.test("addCombination equals sequential axpys and skips zero weights", () => {
  const rng = new Rng(2);
  const n = 41;
  for (let m = 0; m <= 9; m++) {
    const basis = randomVectors(rng, m, n);
    const c = Array.from({ length: m }, (_, j) => (j % 3 === 1 ? 0 : rng.normal()));
    const v = rng.fillNormal(new Float64Array(n));
    const expected = Float64Array.from(v);
    for (let j = 0; j < m; j++) axpy(c[j], basis[j], expected);
    const got = addCombination(basis, c, Float64Array.from(v));
    for (let i = 0; i < n; i++) assertClose(got[i], expected[i], { atol: TOL.float64 });
  }
  // A zero weight leaves a non-finite vector out entirely (0·∞ would be NaN).
  const inf = new Float64Array(3).fill(Infinity);
  const got = addCombination([inf, Float64Array.of(1, 2, 3)], [0, 2], new Float64Array(3));
  assert.deepEqual(Array.from(got), [2, 4, 6]);
  assert.deepEqual(Array.from(combine([Float64Array.of(1, 2)], [3], 2)), [3, 6]);
});

Deno.test("norm2 is exact for ordinary, huge, tiny, zero and non-finite entries", () => {
  assert.equal(norm2(Float64Array.of(3, 4)), 5);
  // The one-pass sum of squares would overflow to ∞ or underflow to 0 here.
  assertClose(norm2(Float64Array.of(3e200, 4e200)), 5e200);
  assertClose(norm2(Float64Array.of(3e-200, -4e-200)), 5e-200);
  // Squares near the underflow threshold lose digits; the scaled pass keeps them.
  assertClose(norm2(Float64Array.of(3e-160, 4e-160)), 5e-160);
  assert.equal(norm2(new Float64Array(5)), 0);
  assert.equal(norm2(Float64Array.of(1, Infinity)), Infinity);
  assert.ok(Number.isNaN(norm2(Float64Array.of(NaN, 1))));
  const rng = new Rng(3);
  const x = rng.fillNormal(new Float64Array(1000));
  assertClose(norm2(x), Math.sqrt(dot(x, x)));
});

Deno.test("orthogonalize leaves v orthogonal to the basis to working precision", () => {
  const rng = new Rng(4);
  const n = 200;
  for (const m of [1, 4, 7, 13]) {
    const basis = orthonormalBasis(randomVectors(rng, m, n));
    // v mostly inside the span: the case where one Gram–Schmidt pass is not enough.
    const v = combine(basis, Array.from({ length: m }, () => 1e6 * rng.normal()), n);
    axpy(1, rng.fillNormal(new Float64Array(n)), v);
    orthogonalize(v, basis);
    const scale = norm2(v);
    for (const b of basis) assert.ok(Math.abs(dot(b, v)) <= 1e-14 * scale, `m = ${m}`);
    for (let i = 0; i < basis.length; i++) {
      for (let j = 0; j < basis.length; j++) {
        assertClose(dot(basis[i], basis[j]), i === j ? 1 : 0, { atol: 1e-14 });
      }
    }
  }
});
