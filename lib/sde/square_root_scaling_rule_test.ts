import assert from "node:assert/strict";
import { squareRootScalingRule } from "./square_root_scaling_rule.ts";
import { assertClose } from "../_test_util.ts";

const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, batchSize: 32 };

Deno.test("squareRootScalingRule maps η, β₁, β₂, ε and B exactly", () => {
  for (const kappa of [0.5, 1, 2, 4, 8, 10]) {
    const h = squareRootScalingRule(adam, kappa);
    assertClose(h.lr, Math.sqrt(kappa) * 1e-3, { rtol: 1e-15 }, "lr");
    assertClose(h.beta1!, 1 - kappa * 0.1, { rtol: 1e-12, atol: 1e-15 }, "beta1");
    assertClose(h.beta2, 1 - kappa * 0.001, { rtol: 1e-12 }, "beta2");
    assertClose(h.eps, 1e-8 / Math.sqrt(kappa), { rtol: 1e-15 }, "eps");
    assertClose(h.batchSize, 32 * kappa, { rtol: 1e-15 }, "batchSize");
  }
  // κ = 1/(1 − β₁) = 10 is the limit: β₁ becomes 0.
  assert.equal(squareRootScalingRule(adam, 10).beta1, 0);
  // RMSprop has no β₁.
  const r = squareRootScalingRule({ lr: 0.01, beta2: 0.99, eps: 1e-6, batchSize: 8 }, 4);
  assert.equal("beta1" in r, false);
  assertClose(r.beta2, 0.96, { rtol: 1e-12 }, "RMSprop beta");
});

Deno.test("squareRootScalingRule keeps the Adam SDE's constants c₁, c₂, σ₀, ε₀", () => {
  // σ ∝ 1/√B: σ₀ = ση ∝ η/√B; c_i = (1 − β_i)/η²; ε₀ = εη.
  const consts = (h: typeof adam) => [
    (1 - h.beta1) / h.lr ** 2,
    (1 - h.beta2) / h.lr ** 2,
    h.lr / Math.sqrt(h.batchSize),
    h.eps * h.lr,
  ];
  const base = consts(adam);
  for (const kappa of [2, 4, 8]) {
    const scaled = consts(squareRootScalingRule(adam, kappa) as typeof adam);
    for (let i = 0; i < 4; i++) assertClose(scaled[i], base[i], { rtol: 1e-9 }, `constant ${i}`);
  }
});

Deno.test("squareRootScalingRule explains the κ ≤ 1/(1 − β₁) limit and rejects bad inputs", () => {
  assert.throws(() => squareRootScalingRule(adam, 16), {
    name: "RangeError",
    message:
      "Cannot apply the square-root scaling rule: kappa must be at most 1/(1 − beta1) = 10 so that the scaled beta1 = 1 − κ(1 − beta1) stays in [0, 1), current value is 16; the rule has no valid beta1 beyond that batch-size factor",
  });
  assert.throws(() => squareRootScalingRule({ ...adam, beta1: 0.999, beta2: 0.99 }, 200), {
    name: "RangeError",
    message:
      "Cannot apply the square-root scaling rule: kappa must be at most 1/(1 − beta2) = 100 so that the scaled beta2 = 1 − κ(1 − beta2) stays in [0, 1), current value is 200; the rule has no valid beta2 beyond that batch-size factor",
  });
  assert.throws(() => squareRootScalingRule({ ...adam, beta1: 1 }, 2), {
    name: "RangeError",
    message:
      "Cannot apply the square-root scaling rule: beta1 must be in [0, 1), current value is 1",
  });
  assert.throws(() => squareRootScalingRule(adam, -1), {
    name: "RangeError",
    message:
      "Cannot apply the square-root scaling rule: kappa must be a positive finite number, current value is -1",
  });
  assert.throws(() => squareRootScalingRule({ ...adam, eps: -1 }, 2), {
    name: "RangeError",
    message:
      "Cannot apply the square-root scaling rule: eps must be a non-negative finite number, current value is -1",
  });
});

Deno.test("squareRootScalingRule refuses a fractional batch size rather than rounding κ away", () => {
  const base = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, batchSize: 32 };
  assert.throws(() => squareRootScalingRule(base, 1.5 + 1 / 64), {
    name: "RangeError",
    message:
      "Cannot apply the square-root scaling rule: the scaled batch size κ·B = 1.515625·32 = 48.5 is not a whole number of samples; choose κ = 48/32 = 1.5 (B = 48) or κ = 49/32 = 1.53125 (B = 49)",
  });
  assert.equal(squareRootScalingRule(base, 1.5).batchSize, 48);
  assert.throws(
    () => squareRootScalingRule({ ...base, batchSize: 2.5 }, 2),
    /batchSize must be a positive integer \(a number of samples\), current value is 2.5/,
  );
});
