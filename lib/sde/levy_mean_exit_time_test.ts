import assert from "node:assert/strict";
import { levyMeanExitTime } from "./levy_mean_exit_time.ts";
import { fillStable, Rng } from "../random/mod.ts";
import { assertClose, TOL } from "../_test_util.ts";

Deno.test("levyMeanExitTime: closed forms at α = 1 and α = 1/2, and its scaling", () => {
  // α = 1: c = Γ(2)/π; α = 1/2: c = Γ(3/2)sin(π/4)/π = (√π/2)(√2/2)/π.
  assertClose(levyMeanExitTime(1, 0.5), 2 * Math.PI, { rtol: TOL.float64 });
  const c = (Math.sqrt(Math.PI) / 2) * (Math.SQRT2 / 2) / Math.PI;
  assertClose(levyMeanExitTime(0.5, 0.25), 0.5 * 2 / c, { rtol: TOL.float64 });
  // (a/ε)^α: halving ε or doubling the distance multiplies it by 2^α.
  const base = levyMeanExitTime(1.5, 0.4);
  assertClose(levyMeanExitTime(1.5, 0.2), base * 2 ** 1.5, { rtol: TOL.float64 });
  assertClose(levyMeanExitTime(1.5, 0.4, { distance: 2 }), base * 2 ** 1.5, { rtol: TOL.float64 });
});

Deno.test("levyMeanExitTime's jump rate is the one-sided tail of the library's α-stable draws", () => {
  // E τ = 1/rate with rate = P(L_1 > a/ε) ~ (c_α/α)(a/ε)^{−α}: check P(X > y) · levyMeanExitTime
  // at ε = 1, a = y against 1 on 10⁶ draws (2,300 and 7,800 beyond y, 1–2% standard errors;
  // measured 1.03 and 1.02).
  for (const alpha of [1.2, 1.5]) {
    const x = fillStable(new Rng(9), new Float64Array(1_000_000), alpha);
    const y = 20;
    let beyond = 0;
    for (const v of x) if (v > y) beyond++;
    const tail = beyond / x.length;
    assertClose(
      tail * levyMeanExitTime(alpha, 1, { distance: y }),
      1,
      { atol: 0.08 },
      `α = ${alpha}`,
    );
  }
});

Deno.test("levyMeanExitTime rejects bad input with exact messages", () => {
  const what = "Cannot compute the Lévy mean exit time";
  const cases: [() => unknown, string][] = [
    [
      () => levyMeanExitTime(2, 0.1),
      `${what}: alpha must be in (0, 2) (Gaussian noise, α = 2, exits by Kramers' law instead), current value is 2`,
    ],
    [
      () => levyMeanExitTime(1, 0),
      `${what}: epsilon must be a positive finite number, current value is 0`,
    ],
    [
      () => levyMeanExitTime(1, 0.1, { distance: -1 }),
      `${what}: distance must be a positive finite number, current value is -1`,
    ],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, message);
      return true;
    });
  }
});
