import assert from "node:assert/strict";
import { gamma as mathjsGamma } from "mathjs";
import { gamma } from "./_gamma.ts";

Deno.test("gamma matches closed forms and mathjs within 1e-13 relative", () => {
  // Γ(n) = (n − 1)!, Γ(1/2) = √π, Γ(3/2) = √π/2.
  const exact: [number, number][] = [[1, 1], [2, 1], [5, 24], [10, 362880], [
    0.5,
    Math.sqrt(Math.PI),
  ], [
    1.5,
    Math.sqrt(Math.PI) / 2,
  ]];
  for (const [x, want] of exact) {
    assert.ok(Math.abs(gamma(x) / want - 1) < 1e-13, `Γ(${x}) = ${gamma(x)}, want ${want}`);
  }
  for (let x = 0.05; x < 3; x += 0.0731) {
    const want = mathjsGamma(x) as number;
    assert.ok(Math.abs(gamma(x) / want - 1) < 1e-13, `Γ(${x}) = ${gamma(x)}, mathjs ${want}`);
  }
  // Reflection below 1/2, where the sign alternates between poles.
  assert.ok(Math.abs(gamma(-0.5) / (-2 * Math.sqrt(Math.PI)) - 1) < 1e-13);
});
