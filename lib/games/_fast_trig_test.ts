import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { fastCos, fastSin, sinCosSource } from "./_fast_trig.ts";

// Math.sin/Math.cos (V8's fdlibm port) are the float64 reference.
const ULPS_2 = 4.5e-16;

Deno.test("fastSin and fastCos agree with Math.sin and Math.cos within 2 ulp on |x| < 1e6", () => {
  const rng = new Rng(1);
  for (const scale of [1, 10, 1e3, 9.9e5]) {
    for (let i = 0; i < 100_000; i++) {
      const x = (2 * rng.uniform() - 1) * scale;
      const es = Math.abs(fastSin(x) - Math.sin(x)), ec = Math.abs(fastCos(x) - Math.cos(x));
      assert.ok(es <= ULPS_2 && ec <= ULPS_2, `x = ${x}: sin error ${es}, cos error ${ec}`);
    }
  }
});

Deno.test("fastSin and fastCos are exact at quadrant boundaries and fall back beyond 1e6", () => {
  for (let k = -8; k <= 8; k++) {
    const x = k * Math.PI / 2;
    assert.ok(Math.abs(fastSin(x) - Math.sin(x)) <= ULPS_2, `sin(${k}π/2)`);
    assert.ok(Math.abs(fastCos(x) - Math.cos(x)) <= ULPS_2, `cos(${k}π/2)`);
  }
  for (const x of [1e7, -3.3e9, 1e300]) {
    assert.equal(fastSin(x), Math.sin(x));
    assert.equal(fastCos(x), Math.cos(x));
  }
  assert.ok(Number.isNaN(fastSin(NaN)) && Number.isNaN(fastCos(Infinity)));
});

Deno.test("sinCosSource computes both values of one argument", () => {
  const f = new Function(
    "u",
    `${sinCosSource("u * 2", "t", { sin: true, cos: true })}\nreturn [ts, tc];`,
  ) as (u: number) => [number, number];
  for (const u of [-7.1, -0.3, 0, 0.9, 2.2, 5e5, 4e6]) {
    const [s, c] = f(u);
    assert.ok(Math.abs(s - Math.sin(2 * u)) <= ULPS_2, `sin(2·${u})`);
    assert.ok(Math.abs(c - Math.cos(2 * u)) <= ULPS_2, `cos(2·${u})`);
  }
});
