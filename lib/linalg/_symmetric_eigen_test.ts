import assert from "node:assert/strict";
import { symmetricEigen } from "./_symmetric_eigen.ts";
import { jacobiEigen } from "./_test_matrices.ts";
import { assertAllClose, assertClose } from "../_test_util.ts";
import { Rng } from "../random/mod.ts";

Deno.test("symmetricEigen matches cyclic Jacobi and has residuals at rounding level", () => {
  const rng = new Rng(3);
  for (const n of [1, 2, 3, 5, 17, 60]) {
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
    }
    const r = symmetricEigen(a, n);
    assertAllClose(r.values, jacobiEigen(a, n).values, { atol: 1e-12 }, `values n = ${n}`);
    for (let j = 0; j < n; j++) {
      const v = r.vectors[j];
      assertClose(v.reduce((s, x) => s + x * x, 0), 1, { atol: 1e-13 }, "unit");
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k] * v[k];
        assert.ok(Math.abs(s - r.values[j] * v[i]) < 1e-12, `residual n = ${n}`);
      }
    }
  }
});

Deno.test("symmetricEigen handles a diagonal matrix and repeated eigenvalues", () => {
  const r = symmetricEigen([3, 0, 0, 0, 1, 0, 0, 0, 3], 3);
  assertAllClose(r.values, [1, 3, 3], {}, "values");
  assertAllClose(r.vectors[0].map(Math.abs), [0, 1, 0], {}, "vector of 1");
});
