import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { linearDrift } from "./linear_drift.ts";
import { assertAllClose } from "../_test_util.ts";

Deno.test("linearDrift computes M x + c per particle, compiled (dim ≤ 16) and looped", () => {
  const rng = new Rng(1);
  for (const dim of [1, 3, 10, 16, 17, 25]) {
    const m = Array.from({ length: dim }, () => Array.from({ length: dim }, () => rng.normal()));
    m[0][0] = 0; // zero entries are skipped in the compiled form
    const c = Array.from({ length: dim }, () => rng.normal());
    const particles = 4;
    const x = rng.fillNormal(new Float64Array(particles * dim));
    const want = new Float64Array(particles * dim);
    for (let p = 0; p < particles; p++) {
      for (let i = 0; i < dim; i++) {
        want[p * dim + i] = c[i] + m[i].reduce((s, a, j) => s + a * x[p * dim + j], 0);
      }
    }
    for (const f of [linearDrift(m, { offset: c }), linearDrift(m.flat(), { offset: c })]) {
      const out = new Float64Array(particles * dim);
      assert.equal(f(0, x, out), undefined);
      assertAllClose(out, want, { rtol: 1e-12, atol: 1e-12 }, `dim ${dim}`);
    }
  }
  const zero = new Float64Array(2);
  linearDrift([[0, 0], [0, 0]])(0, Float64Array.of(1, 2), zero);
  assert.deepEqual(Array.from(zero), [0, 0]);
});

Deno.test("linearDrift rejects non-square matrices, bad offsets and non-finite entries", () => {
  assert.throws(() => linearDrift([1, 2, 3]), {
    name: "RangeError",
    message:
      "Cannot build the linear drift: matrix must be square (dim rows of dim values, or dim² values), current size is 3 values",
  });
  assert.throws(() => linearDrift([[1, 2], [3]]), RangeError);
  assert.throws(() => linearDrift([[1]], { offset: [1, 2] }), {
    name: "RangeError",
    message: "Cannot build the linear drift: offset must hold dim = 1 values, current length is 2",
  });
  assert.throws(() => linearDrift([[NaN]]), {
    name: "RangeError",
    message: "Cannot build the linear drift: matrix and offset must hold finite numbers",
  });
});
