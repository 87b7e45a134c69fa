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
      "Cannot apply the linear scaling rule: batchSize must be a positive integer (a number of samples), current value is 0",
  });
});

Deno.test("linearScalingRule refuses a fractional batch size, naming the κ that give whole ones", () => {
  assert.throws(() => linearScalingRule({ lr: 0.1, batchSize: 32 }, 0.3), {
    name: "RangeError",
    message:
      "Cannot apply the linear scaling rule: the scaled batch size κ·B = 0.3·32 = 9.6 is not a whole number of samples; choose κ = 9/32 = 0.28125 (B = 9) or κ = 10/32 = 0.3125 (B = 10)",
  });
  assert.throws(() => linearScalingRule({ lr: 0.1, batchSize: 2.5 }, 2), {
    name: "RangeError",
    message:
      "Cannot apply the linear scaling rule: batchSize must be a positive integer (a number of samples), current value is 2.5",
  });
  // Below one sample only the larger factor is offered.
  assert.throws(
    () => linearScalingRule({ lr: 0.1, batchSize: 4 }, 0.1),
    /choose κ = 1\/4 = 0\.25 \(B = 1\)$/,
  );
  // Floating-point noise is not a fraction: 0.1·30 = 3.0000000000000004 gives B = 3 exactly.
  assert.deepEqual(linearScalingRule({ lr: 0.1, batchSize: 30 }, 0.1), {
    lr: 0.010000000000000002,
    batchSize: 3,
  });
  assert.equal(linearScalingRule({ lr: 0.1, batchSize: 3 }, 1 / 3).batchSize, 1);
});
