import assert from "node:assert/strict";
import { Rng, seedToInteger } from "./rng.ts";
import { assertClose } from "../_test_util.ts";

/** Φ, the standard normal CDF, from erfc by a Chebyshev fit accurate to 1.2e-7 (Numerical Recipes). */
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

Deno.test("Rng gives the same stream for the same seed and different ones otherwise", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xs = Array.from({ length: 5 }, () => a.uint32());
  assert.deepEqual(Array.from({ length: 5 }, () => b.uint32()), xs);
  assert.notDeepEqual(Array.from({ length: 5 }, () => c.uint32()), xs);
  assert.equal(new Rng("run-1").uint32(), new Rng(seedToInteger("run-1")).uint32());
});

Deno.test("Rng.uniform has the moments of U(0, 1) and stays in [0, 1)", () => {
  const rng = new Rng(1);
  const n = 200_000;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
  }
  // Standard errors: sqrt(1/12/n) ≈ 6.5e-4 for the mean; 5 of them as the bound.
  assertClose(s / n, 0.5, { atol: 3.3e-3 }, "mean");
  assertClose(s2 / n - (s / n) ** 2, 1 / 12, { atol: 2e-3 }, "variance");
});

Deno.test("Rng.normal passes a Kolmogorov–Smirnov test and has the normal moments", () => {
  const rng = new Rng(2);
  const n = 100_000;
  const x = rng.fillNormal(new Float64Array(n)).sort();
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = normalCdf(x[i]);
    d = Math.max(d, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
  }
  // The KS critical value at level 0.001 is 1.95/sqrt(n).
  assert.ok(d < 1.95 / Math.sqrt(n), `KS statistic ${d}`);
  let s2 = 0, s4 = 0;
  for (const v of x) {
    s2 += v * v;
    s4 += v ** 4;
  }
  assertClose(s2 / n, 1, { atol: 0.02 }, "second moment");
  assertClose(s4 / n, 3, { atol: 0.12 }, "fourth moment");
  // The ziggurat's tail branch is exercised: P(|X| > 3.4426) ≈ 5.8e-4, about 58 draws here.
  const tail = x.filter((v) => Math.abs(v) > 3.442619855899).length;
  assert.ok(tail > 20 && tail < 110, `tail count ${tail}`);
});

Deno.test("Rng.fillNormal gives the same draws for Float32Array and Float64Array", () => {
  const a = new Rng(5).fillNormal(new Float32Array(10));
  const b = new Rng(5).fillNormal(new Float64Array(10));
  assert.deepEqual(Array.from(a), Array.from(Float32Array.from(b)));
});

Deno.test("Rng.integer is uniform over its range", () => {
  const rng = new Rng(3);
  const counts = new Array(7).fill(0);
  const n = 70_000;
  for (let i = 0; i < n; i++) counts[rng.integer(7)]++;
  // Pearson chi-square with 6 degrees of freedom: 22.46 is the 0.001 critical value.
  const chi2 = counts.reduce((s, c) => s + (c - n / 7) ** 2 / (n / 7), 0);
  assert.ok(chi2 < 22.46, `chi2 ${chi2}`);
});

Deno.test("Rng.fillRademacher gives ±1 with mean near 0", () => {
  const x = new Rng(4).fillRademacher(new Float64Array(100_000));
  assert.ok(x.every((v) => v === 1 || v === -1));
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  assertClose(mean, 0, { atol: 0.016 }, "mean");
});

Deno.test("Rng.fork gives independent reproducible streams and state round-trips", () => {
  const parent = new Rng(9);
  const child = parent.fork();
  const again = new Rng(9).fork();
  assert.equal(child.uint32(), again.uint32());
  const state = parent.getState();
  const x = parent.normal();
  parent.setState(state);
  assert.equal(parent.normal(), x);
});

Deno.test("Rng rejects bad seeds, ranges and states with messages that name them", () => {
  assert.throws(() => new Rng(-1), /seed must be a non-negative integer.*-1/);
  assert.throws(() => new Rng(1.5), TypeError);
  assert.throws(
    () => new Rng(1).integer(0),
    /n must be an integer in \[1, 2\^32\], current value is 0/,
  );
  assert.throws(
    () => new Rng(1).setState({ words: [0, 0, 0, 0] }),
    /state.words must be four 32-bit integers/,
  );
});

Deno.test("Rng.fillNormal is exactly the stream of repeated normal() calls, tail and wedge included", () => {
  for (const seed of [0, 7, 123456789]) {
    const a = new Rng(seed), b = new Rng(seed);
    // 200k draws take the wedge branch thousands of times and the tail about 115 times.
    const x = a.fillNormal(new Float64Array(200_000));
    let tail = 0;
    for (let i = 0; i < x.length; i++) {
      const y = b.normal();
      if (y !== x[i]) assert.fail(`seed ${seed}, draw ${i}: ${x[i]} ≠ ${y}`);
      if (Math.abs(y) > 3.442619855899) tail++;
    }
    assert.ok(tail > 50, `tail draws ${tail}`);
    assert.equal(a.uint32(), b.uint32(), "the state after the fill");
    const f = new Rng(seed).fillNormal(new Float32Array(9000)), g = new Rng(seed);
    for (let i = 0; i < f.length; i++) assert.equal(f[i], Math.fround(g.normal()));
  }
});
