import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { assertClose } from "../_test_util.ts";
import { whitenInputs } from "./whiten_inputs.ts";

Deno.test("whitenInputs: mean 0 and covariance I, an invertible affine map of the input", () => {
  const rng = new Rng(2);
  // Correlated inputs: x = A g + b.
  const x = Array.from({ length: 40 }, () => {
    const g = [rng.normal(), rng.normal(), rng.normal()];
    return [g[0] + 3, 2 * g[0] + g[1], g[0] - g[1] + 0.5 * g[2] - 1];
  });
  const z = whitenInputs(x);
  for (let a = 0; a < 3; a++) {
    assertClose(z.reduce((s, r) => s + r[a], 0) / 40, 0, { atol: 1e-13 });
    for (let b = 0; b < 3; b++) {
      const c = z.reduce((s, r) => s + r[a] * r[b], 0) / 40;
      assertClose(c, a === b ? 1 : 0, { atol: 1e-12 });
    }
  }
  // Triangular: the first coordinate is the standardized first input.
  const m = x.reduce((s, r) => s + r[0], 0) / 40;
  const sd = Math.sqrt(x.reduce((s, r) => s + (r[0] - m) ** 2, 0) / 40);
  assertClose(z[7][0], (x[7][0] - m) / sd, { rtol: 1e-12 });
});

Deno.test("whitenInputs: bad input", () => {
  assert.throws(() => whitenInputs([[1, 2], [3, 4]]), {
    name: "RangeError",
    message:
      "Cannot whiten the inputs: the covariance of 2 rows in 2 dimensions is singular; need more rows than dimensions",
  });
  assert.throws(() => whitenInputs([[1, 2], [2, 4], [3, 6]]), {
    name: "RangeError",
    message:
      "Cannot whiten the inputs: the inputs are degenerate (they lie in a hyperplane: coordinate 1 is a combination of the ones before it)",
  });
  assert.throws(() => whitenInputs([[1, 2], [2]]), {
    name: "TypeError",
    message: "Cannot whiten the inputs: row 1 must hold 2 finite numbers",
  });
});
