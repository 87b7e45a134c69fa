import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { fillScaledNormals } from "./_normals.ts";
import { assertClose } from "../_test_util.ts";

/** Φ from erfc by a Chebyshev fit accurate to 1.2e-7 (Numerical Recipes, erfcc). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(
    -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                  t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                                  t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return x >= 0 ? 1 - r / 2 : r / 2;
}

Deno.test("fillScaledNormals passes Kolmogorov–Smirnov and has the normal moments and tails", () => {
  const n = 400_000;
  const x = new Float64Array(n);
  fillScaledNormals(new Rng(2), x, 1);
  // Lag-1 correlation: pairs share one 32-bit output but disjoint bits. SE 1/√n.
  let lag = 0;
  for (let i = 1; i < n; i++) lag += x[i] * x[i - 1];
  assertClose(lag / (n - 1), 0, { atol: 5 / Math.sqrt(n) }, "lag-1 correlation");
  let s1 = 0, s2 = 0, s4 = 0;
  for (const v of x) s1 += v, s2 += v * v, s4 += v ** 4;
  assertClose(s1 / n, 0, { atol: 5 / Math.sqrt(n) }, "mean");
  assertClose(s2 / n, 1, { atol: 5 * Math.sqrt(2 / n) }, "second moment");
  assertClose(s4 / n, 3, { atol: 5 * Math.sqrt(96 / n) }, "fourth moment");
  // P(|X| > R) = 5.76e-4 for the ziggurat's tail start R = 3.4426: about 230 draws here.
  const tail = x.filter((v) => Math.abs(v) > 3.442619855899).length;
  assert.ok(Math.abs(tail - 5.76e-4 * n) < 5 * Math.sqrt(5.76e-4 * n), `tail count ${tail}`);
  x.sort();
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = normalCdf(x[i]);
    d = Math.max(d, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
  }
  // The KS critical value at level 0.001 is 1.95/√n.
  assert.ok(d < 1.95 / Math.sqrt(n), `KS statistic ${d}`);
});

Deno.test("fillScaledNormals scales, reproduces the seed and advances the generator", () => {
  const a = new Float64Array(1001), b = new Float64Array(1001);
  const ra = new Rng(9), rb = new Rng(9);
  fillScaledNormals(ra, a, 1);
  fillScaledNormals(rb, b, 0.5);
  for (let i = 0; i < a.length; i++) assert.equal(b[i], 0.5 * a[i]);
  const next = new Float64Array(3);
  fillScaledNormals(ra, next, 1);
  assert.notDeepEqual(Array.from(next), Array.from(a.subarray(0, 3)));
  assert.equal(ra.uint32(), (fillScaledNormals(rb, next, 1), rb.uint32()));
});
