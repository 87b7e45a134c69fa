import assert from "node:assert/strict";
import { Rng } from "./rng.ts";
import { fillStable, stable } from "./stable.ts";
import { assertClose } from "../_test_util.ts";

// The characteristic function of S_α(σ, β, 0), α ≠ 1, is
// E exp(itX) = exp(−σ^α|t|^α (1 − iβ sign(t) tan(πα/2))), an independent closed-form reference.
function empiricalCf(x: Float64Array, t: number): { re: number; im: number } {
  let re = 0, im = 0;
  for (const v of x) {
    re += Math.cos(t * v);
    im += Math.sin(t * v);
  }
  return { re: re / x.length, im: im / x.length };
}

function exactCf(
  t: number,
  alpha: number,
  beta: number,
  scale: number,
): { re: number; im: number } {
  const m = Math.pow(scale * Math.abs(t), alpha);
  const phase = alpha === 1 ? 0 : m * beta * Math.sign(t) * Math.tan(Math.PI * alpha / 2);
  const r = Math.exp(-m);
  return { re: r * Math.cos(phase), im: r * Math.sin(phase) };
}

for (
  const [alpha, beta, scale] of [[0.7, 0], [1.2, 0], [1.5, 0.5], [1.8, -0.8], [2, 0], [1, 0]]
    .map(([a, b]) => [a, b, 0.8])
) {
  Deno.test(`stable(α=${alpha}, β=${beta}) matches the closed-form characteristic function`, () => {
    const x = fillStable(new Rng(11), new Float64Array(200_000), alpha, { beta, scale });
    for (const t of [0.3, 1, 2.5]) {
      const e = empiricalCf(x, t), c = exactCf(t, alpha, beta, scale);
      // The standard error of a mean of cos/sin is at most sqrt(1/n) ≈ 2.2e-3.
      assertClose(e.re, c.re, { atol: 0.01 }, `Re φ(${t})`);
      assertClose(e.im, c.im, { atol: 0.01 }, `Im φ(${t})`);
    }
  });
}

Deno.test("stable with α = 2 is Gaussian with variance 2σ²", () => {
  const x = fillStable(new Rng(12), new Float64Array(100_000), 2, { scale: 0.5 });
  const v = x.reduce((s, a) => s + a * a, 0) / x.length;
  assertClose(v, 0.5, { rtol: 0.02 }, "variance");
});

Deno.test("stable rejects α, β and scale out of range", () => {
  const rng = new Rng(0);
  assert.throws(() => stable(rng, 0), /alpha must be in \(0, 2\], current value is 0/);
  assert.throws(() => stable(rng, 2.5), RangeError);
  assert.throws(() => stable(rng, 1.5, { beta: 2 }), /beta must be in \[-1, 1\]/);
  assert.throws(() => stable(rng, 1.5, { scale: -1 }), /scale must be positive/);
});
