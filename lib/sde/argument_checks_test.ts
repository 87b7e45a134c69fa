import assert from "node:assert/strict";
import { linearDrift } from "./linear_drift.ts";
import { quadraticOracle } from "./quadratic_oracle.ts";
import { simulateOptimizer } from "./simulate_optimizer.ts";
import { sgd } from "../optim/mod.ts";

// Each failed with "object null is not iterable" before.
Deno.test("the SDE builders name a vector or matrix that is null", async () => {
  await assert.rejects(
    () =>
      simulateOptimizer(sgd({ lr: 0.1 }), quadraticOracle({ curvature: [1] }), {
        theta0: null as never,
      }),
    new TypeError(
      "Cannot simulate the optimizer: theta0 must be an array of d = 1 numbers, current value is null",
    ),
  );
  assert.throws(
    () => quadraticOracle({ curvature: [1], center: null as never }),
    new TypeError(
      "Cannot build the quadratic oracle: center must be an array of d = 1 numbers, current value is null",
    ),
  );
  assert.throws(
    () => linearDrift(null as never),
    new TypeError(
      "Cannot build the linear drift: matrix must be an array (dim rows of dim values, or dim² values), current value is null",
    ),
  );
});
