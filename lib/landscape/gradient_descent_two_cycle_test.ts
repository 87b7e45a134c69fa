import assert from "node:assert/strict";
import { gradientDescentTwoCycle } from "./gradient_descent_two_cycle.ts";
import { symbolicLoss } from "./symbolic_loss.ts";
import { assertClose } from "../_test_util.ts";

/** An independent root of tanh(x) = 2x/η by Newton's method in plain float64. */
function newtonRoot(lr: number): number {
  let x = lr / 2; // tanh < 1, so x* < η/2; Newton from the right converges monotonically.
  for (let k = 0; k < 100; k++) {
    const f = Math.tanh(x) - 2 * x / lr;
    const df = 1 / Math.cosh(x) ** 2 - 2 / lr;
    x -= f / df;
  }
  return x;
}

Deno.test("gradientDescentTwoCycle solves tanh(x*) = 2x*/η for log cosh", () => {
  const loss = symbolicLoss("log(cosh(x))");
  for (const lr of [2.2, 2.5, 3, 4, 6]) {
    const c = gradientDescentTwoCycle(loss, { lr });
    assertClose(c.x, newtonRoot(lr), { rtol: 1e-13 }, `x* at η = ${lr}`);
    assertClose(c.curvature, 1 / Math.cosh(c.x) ** 2, { rtol: 1e-12 });
    assertClose(c.loss, Math.log(Math.cosh(c.x)), { rtol: 1e-13 });
    assert.equal(c.minimumCurvature, 1);
    assertClose(c.multiplier, (1 - lr / Math.cosh(c.x) ** 2) ** 2, { rtol: 1e-12 });
    assert.equal(c.stable, c.multiplier < 1);
    // The point of the example: the curvature at the cycle is below 2/η, at the minimum above.
    assert.ok(c.curvature < 2 / lr && c.minimumCurvature > 2 / lr);
    assert.ok(c.iterations > 10 && c.iterations <= 200);
  }
  assertClose(gradientDescentTwoCycle(loss, { lr: 3 }).x, 1.2878, { atol: 1e-4 });
});

Deno.test("gradientDescentTwoCycle matches closed forms and is a real orbit of x ← x − ηf'(x)", () => {
  // f = √(1 + x²) − 1 (f''(0) = 1, softening): 2x = ηx/√(1 + x²) gives x* = √(η²/4 − 1) and
  // f''(x*) = (1 + x*²)^{−3/2} = (2/η)³, so the cycle attracts: (1 − 8/η²)² < 1 for η = 3.
  const soft = symbolicLoss("sqrt(1 + x^2) - 1");
  const c = gradientDescentTwoCycle(soft, { lr: 3 });
  assertClose(c.x, Math.sqrt(1.25), { rtol: 1e-13 });
  assertClose(c.curvature, 8 / 27, { rtol: 1e-12 });
  assertClose(c.multiplier, (1 - 8 / 9) ** 2, { rtol: 1e-11 });
  assert.ok(c.stable);
  const step = (x: number) => x - 3 * x / Math.sqrt(1 + x * x);
  assertClose(step(c.x), -c.x, { rtol: 1e-13 });
  assertClose(step(-c.x), c.x, { rtol: 1e-13 });
  // f = x²/2 + x⁴/8 (stiffening) has its cycle for η < 2: 2 = η(1 + x²/2), x* = √(2(2/η − 1)),
  // and it repels: f''(x*) = 1 + 3x*²/2 makes |1 − ηf''| > 1 (η = 1: x* = √2, (1 − 4)² = 9).
  const stiff = gradientDescentTwoCycle(symbolicLoss("x^2/2 + x^4/8"), { lr: 1 });
  assertClose(stiff.x, Math.SQRT2, { rtol: 1e-13 });
  assertClose(stiff.multiplier, 9, { rtol: 1e-12 });
  assert.equal(stiff.stable, false);
});

Deno.test("gradientDescentTwoCycle rejects bad input with messages that name the argument", () => {
  const logcosh = symbolicLoss("log(cosh(x))");
  const cases: [() => unknown, string, string][] = [
    [
      () => gradientDescentTwoCycle(logcosh, { lr: 0 }),
      "RangeError",
      "Cannot find the gradient descent 2-cycle: lr must be a positive number, current value is 0",
    ],
    [
      () => gradientDescentTwoCycle(symbolicLoss("x^2 + y^2"), { lr: 3 }),
      "TypeError",
      "Cannot find the gradient descent 2-cycle: the loss must have one variable, current variables are [x, y]",
    ],
    [
      () => gradientDescentTwoCycle(logcosh, { lr: 3, bracket: [0, 1] }),
      "RangeError",
      "Cannot find the gradient descent 2-cycle: bracket must be [lower, upper] with 0 < lower < upper, current value is [0,1]",
    ],
    [
      () => gradientDescentTwoCycle(logcosh, { lr: 1.5, bracket: [0.5, 10] }),
      "RangeError",
      "Cannot find the gradient descent 2-cycle: ηf'(x) − 2x has the same sign at both ends of the bracket [0.5,10] (-0.3068 and -18.50); there is no symmetric 2-cycle there (a softening loss such as log cosh has one when ηf''(0) > 2): widen the bracket or raise η",
    ],
    [
      () => gradientDescentTwoCycle(symbolicLoss("log(cosh(x)) + 0.01*x"), { lr: 3 }),
      "TypeError",
      "",
    ],
    [
      () => gradientDescentTwoCycle(null as unknown as typeof logcosh, { lr: 3 }),
      "TypeError",
      'Cannot find the gradient descent 2-cycle: loss must be a SymbolicLoss (e.g. symbolicLoss("log(cosh(x))")), current value is null',
    ],
  ];
  for (const [fn, name, message] of cases) {
    if (message === "") {
      assert.throws(fn, (e: Error) => e.name === name && /the loss is not even/.test(e.message));
    } else assert.throws(fn, { name, message });
  }
});
