import assert from "node:assert/strict";
import { linearScalingRule } from "./linear_scaling_rule.ts";
import { assertClose } from "../_test_util.ts";

Deno.test("linearScalingRule maps B → κB, η → κη and keeps η/B", () => {
  for (const kappa of [0.25, 1, 3, 8]) {
    const h = linearScalingRule({ lr: 0.05, batchSize: 16 }, kappa);
    assertClose(h.lr, 0.05 * kappa, { rtol: 1e-15 }, "lr");
    assertClose(h.batchSize, 16 * kappa, { rtol: 1e-15 }, "batchSize");
    assertClose(h.lr / h.batchSize, 0.05 / 16, { rtol: 1e-15 }, "η/B, the SGD SDE's noise scale");
  }
  const hyper = { lr: 0.1, batchSize: 8 };
  linearScalingRule(hyper, 2);
  assert.deepEqual(hyper, { lr: 0.1, batchSize: 8 }, "the input is not mutated");
});

Deno.test("linearScalingRule rejects non-positive κ, η and B", () => {
  assert.throws(() => linearScalingRule({ lr: 0.1, batchSize: 8 }, 0), {
    name: "RangeError",
    message:
      "Cannot apply the linear scaling rule: kappa must be a positive finite number, current value is 0",
  });
  assert.throws(() => linearScalingRule({ lr: -0.1, batchSize: 8 }, 2), {
    name: "RangeError",
    message:
      "Cannot apply the linear scaling rule: lr must be a positive finite number, current value is -0.1",
  });
  assert.throws(() => linearScalingRule({ lr: 0.1, batchSize: 0 }, 2), {
    name: "RangeError",
    message:
      "Cannot apply the linear scaling rule: batchSize must be a positive finite number, current value is 0",
  });
});
