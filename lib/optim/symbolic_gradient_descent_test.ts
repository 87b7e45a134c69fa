import assert from "node:assert/strict";
import { symbolicGradientDescent } from "./symbolic_gradient_descent.ts";
import { symbolicLoss } from "../landscape/mod.ts";
import { assertClose } from "../_test_util.ts";

Deno.test("symbolicGradientDescent follows x ← x − ηf'(x) exactly (hand-written float64 loop)", () => {
  const loss = symbolicLoss("log(cosh(x))");
  for (const lr of [0.5, 1.9, 3]) {
    const run = symbolicGradientDescent(loss, [0.3], { lr, steps: 40 });
    let x = 0.3;
    assert.equal(run.history.length, 41);
    for (const [t, row] of run.history.entries()) {
      assert.equal(row.step, t);
      assertClose(row.x as number, x, { rtol: 1e-12, atol: 1e-300 }, `x at step ${t}`);
      assertClose(row.loss as number, Math.log(Math.cosh(x)), { rtol: 1e-12, atol: 1e-300 });
      assertClose(row.gradient_norm as number, Math.abs(Math.tanh(x)), {
        rtol: 1e-12,
        atol: 1e-300,
      });
      assert.equal(row.diverged, false);
      x -= lr * Math.tanh(x);
    }
    assert.deepEqual([run.diverged, run.divergedAt, run.steps], [false, null, 40]);
  }
});

Deno.test("symbolicGradientDescent in 2-D records every variable, every k steps", () => {
  // f = ½(x² + 4y²): x_t = (1 − η)^t x₀, y_t = (1 − 4η)^t y₀.
  const loss = symbolicLoss("0.5*(x^2 + 4*y^2)");
  const run = symbolicGradientDescent(loss, { x: 1, y: -2 }, { lr: 0.1, steps: 25, every: 10 });
  assert.deepEqual(run.history.map((r) => r.step), [0, 10, 20, 25]);
  for (const r of run.history) {
    const t = r.step as number;
    assertClose(r.x as number, 0.9 ** t, { rtol: 1e-12 });
    assertClose(r.y as number, -2 * 0.6 ** t, { rtol: 1e-12 });
  }
  assertClose(run.final[0], 0.9 ** 25, { rtol: 1e-12 });
  assertClose(run.final[1], -2 * 0.6 ** 25, { rtol: 1e-12 });
});

Deno.test("symbolicGradientDescent records divergence as data", () => {
  // ½·10x² with η = 0.3: x_t = (−2)^t, the loss 5·4^t passes 1e6 at t = 9 (5·4⁹ ≈ 1.3e6).
  const run = symbolicGradientDescent(symbolicLoss("5*x^2"), [1], { lr: 0.3, steps: 50 });
  assert.equal(run.diverged, true);
  assert.equal(run.divergedAt, 9);
  assert.equal(run.steps, 9);
  const last = run.history.at(-1)!;
  assert.deepEqual([last.step, last.diverged, last.x], [9, true, (-2) ** 9]);
  assert.equal(run.history.length, 10);
  // A custom threshold stops earlier: 5·4³ = 320 > 100.
  assert.equal(
    symbolicGradientDescent(symbolicLoss("5*x^2"), [1], {
      lr: 0.3,
      steps: 50,
      divergenceThreshold: 100,
    }).divergedAt,
    3,
  );
});

Deno.test("symbolicGradientDescent keeps a non-finite loss as a number, never null", () => {
  // exp(x²) at x = 30: e^900 overflows, the loss is Infinity and the gradient too, so the first
  // step is not finite. Both rows keep their non-finite loss as a number.
  const run = symbolicGradientDescent(symbolicLoss("exp(x^2)"), [30], {
    lr: 1,
    steps: 5,
    divergenceThreshold: Infinity,
  });
  const [first, last] = run.history;
  assert.deepEqual([run.diverged, run.divergedAt, first.loss], [true, 1, Infinity]);
  assert.ok(Number.isNaN(last.loss), `loss ${last.loss}`);
});

Deno.test("symbolicGradientDescent does not modify the starting point", () => {
  const x0 = Float64Array.of(0.5);
  symbolicGradientDescent(symbolicLoss("log(cosh(x))"), x0, { lr: 3, steps: 5 });
  assert.deepEqual(Array.from(x0), [0.5]);
});

Deno.test("symbolicGradientDescent rejects bad input with messages that name the argument", () => {
  const loss = symbolicLoss("log(cosh(x))");
  const cases: [() => unknown, string, string][] = [
    [
      () => symbolicGradientDescent(loss, [1], { lr: 0 }),
      "RangeError",
      "Cannot run gradient descent on the symbolic loss: lr must be a positive number, current value is 0",
    ],
    [
      () => symbolicGradientDescent(loss, [1], { lr: 1, steps: -1 }),
      "RangeError",
      "Cannot run gradient descent on the symbolic loss: steps must be a non-negative integer, current value is -1",
    ],
    [
      () => symbolicGradientDescent(loss, [1], { lr: 1, every: 0 }),
      "RangeError",
      "Cannot run gradient descent on the symbolic loss: every must be a positive integer, current value is 0",
    ],
    [
      () => symbolicGradientDescent(loss, [1], { lr: 1, divergenceThreshold: 0 }),
      "RangeError",
      "Cannot run gradient descent on the symbolic loss: divergenceThreshold must be a positive number, current value is 0",
    ],
    [
      () => symbolicGradientDescent(loss, [1, 2], { lr: 1 }),
      "TypeError",
      "Cannot evaluate the loss: the point must have 1 entries [x], current length is 2",
    ],
    [
      () => symbolicGradientDescent(loss, [NaN], { lr: 1 }),
      "RangeError",
      "Cannot evaluate the loss: x must be a finite number, current value is NaN",
    ],
    [
      () => symbolicGradientDescent(symbolicLoss("step^2"), [1], { lr: 1 }),
      "TypeError",
      "Cannot run gradient descent on the symbolic loss: the variable step would clash with a history column (step, loss, gradient_norm, diverged); rename it",
    ],
    [
      () => symbolicGradientDescent({} as typeof loss, [1], { lr: 1 }),
      "TypeError",
      'Cannot run gradient descent on the symbolic loss: loss must be a SymbolicLoss (e.g. symbolicLoss("log(cosh(x))")), current value is [object Object]',
    ],
  ];
  for (const [fn, name, message] of cases) assert.throws(fn, { name, message });
});
