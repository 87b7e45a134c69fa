import assert from "node:assert/strict";
import { symbolicLoss } from "./symbolic_loss.ts";
import { lanczos } from "../linalg/mod.ts";
import { assertAllClose, assertClose, TOL } from "../_test_util.ts";
import { Rng } from "../random/mod.ts";

const points = (d: number, count: number, seed: number) => {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Array.from({ length: d }, () => 2 * rng.normal()));
};

Deno.test("symbolicLoss gives the hand-derived derivatives of ½(xy − 1)²", () => {
  const loss = symbolicLoss("0.5*(x*y-1)^2");
  assert.deepEqual(loss.variables, ["x", "y"]);
  assert.equal(loss.dim, 2);
  for (const [x, y] of points(2, 20, 1)) {
    const r = x * y - 1;
    assertClose(loss.value([x, y]), 0.5 * r * r, { rtol: TOL.float64, atol: 1e-15 }, "value");
    assertAllClose(
      loss.gradient([x, y]),
      [r * y, r * x],
      { rtol: TOL.float64, atol: 1e-14 },
      "gradient",
    );
    // ∂²/∂x² = y², ∂²/∂x∂y = 2xy − 1, ∂²/∂y² = x².
    assertAllClose(
      loss.hessian({ x, y }),
      [y * y, 2 * x * y - 1, 2 * x * y - 1, x * x],
      { rtol: TOL.float64, atol: 1e-14 },
      "Hessian",
    );
  }
});

Deno.test("symbolicLoss differentiates log cosh, a double well and ½h(y)x² exactly", () => {
  const logCosh = symbolicLoss("log(cosh(x))");
  for (const x of [-2, -0.3, 0, 0.7, 3]) {
    assertClose(logCosh.value([x]), Math.log(Math.cosh(x)), { rtol: 1e-14, atol: 1e-16 });
    assertClose(logCosh.gradient([x])[0], Math.tanh(x), { rtol: 1e-14, atol: 1e-16 }, "tanh");
    assertClose(logCosh.hessian([x])[0], 1 / Math.cosh(x) ** 2, { rtol: 1e-13 }, "sech²");
  }
  // f = (x² − c)²/4: f' = x(x² − c), f'' = 3x² − c, with c a parameter.
  const well = symbolicLoss("(x^2 - c)^2 / 4", { parameters: { c: 2 } });
  assert.deepEqual(well.variables, ["x"]);
  for (const x of [-1.5, 0, 0.4, Math.SQRT2]) {
    assertClose(well.gradient([x])[0], x * (x * x - 2), { rtol: 1e-14, atol: 1e-15 });
    assertClose(well.hessian([x])[0], 3 * x * x - 2, { rtol: 1e-14, atol: 1e-15 });
  }
  // ½h(y)x² with h(y) = 1 + a·y², the toy with a manifold of minima x = 0.
  const valley = symbolicLoss("0.5*(1 + a*y^2)*x^2", { parameters: { a: 2 } });
  for (const [x, y] of points(2, 10, 2)) {
    const h = 1 + 2 * y * y;
    assertAllClose(valley.gradient([x, y]), [h * x, 2 * y * x * x], { rtol: 1e-14, atol: 1e-14 });
    assertAllClose(
      valley.hessian([x, y]),
      [h, 4 * x * y, 4 * x * y, 2 * x * x],
      { rtol: 1e-14, atol: 1e-14 },
    );
  }
});

Deno.test("symbolicLoss handles three variables, a chosen order and an absent variable", () => {
  // f = e^x sin y + z³x.
  const f = symbolicLoss("exp(x)*sin(y) + z^3*x");
  assert.deepEqual(f.variables, ["x", "y", "z"]);
  for (const [x, y, z] of points(3, 10, 3)) {
    const ex = Math.exp(x), s = Math.sin(y), c = Math.cos(y);
    assertAllClose(f.gradient([x, y, z]), [ex * s + z ** 3, ex * c, 3 * z * z * x], {
      rtol: 1e-13,
      atol: 1e-13,
    });
    assertAllClose(
      f.hessian([x, y, z]),
      [ex * s, ex * c, 3 * z * z, ex * c, -ex * s, 0, 3 * z * z, 0, 6 * z * x],
      { rtol: 1e-13, atol: 1e-13 },
    );
  }
  const reordered = symbolicLoss("exp(x)*sin(y) + z^3*x", { variables: ["z", "x", "y", "w"] });
  assert.equal(reordered.dim, 4);
  const g = reordered.gradient({ x: 0.5, y: 1, z: -1, w: 7 });
  assertAllClose(g, [3 * 0.5, Math.exp(0.5) * Math.sin(1) - 1, Math.exp(0.5) * Math.cos(1), 0], {
    rtol: 1e-14,
  });
  // Constants are not variables.
  assert.deepEqual(symbolicLoss("x^2 + pi*e").variables, ["x"]);
  assert.equal(symbolicLoss("x^2 + pi").value([1]), 1 + Math.PI);
});

Deno.test("symbolicLoss's gradient agrees with central differences of its value", () => {
  const f = symbolicLoss("log(1 + exp(x*y - z)) + 0.25*tanh(x)^2*z^2 + sqrt(1 + y^2)");
  const eps = 1e-5;
  for (const p of points(3, 5, 4)) {
    const g = f.gradient(p);
    const h = f.hessian(p);
    for (let i = 0; i < 3; i++) {
      const plus = [...p], minus = [...p];
      plus[i] += eps;
      minus[i] -= eps;
      assertClose(g[i], (f.value(plus) - f.value(minus)) / (2 * eps), { rtol: 1e-6, atol: 1e-8 });
      const gp = f.gradient(plus), gm = f.gradient(minus);
      for (let j = 0; j < 3; j++) {
        assertClose(h[j * 3 + i], (gp[j] - gm[j]) / (2 * eps), { rtol: 1e-6, atol: 1e-8 });
      }
    }
  }
});

Deno.test("symbolicLoss's Hessian operator feeds the spectral estimators", async () => {
  // At (x, y) = (1, 2) the Hessian of ½(xy − 1)² is [[4, 3], [3, 1]]: eigenvalues (5 ± √45)/2.
  const loss = symbolicLoss("0.5*(x*y-1)^2");
  const op = loss.hessianOperator([1, 2]);
  assert.equal(op.dim, 2);
  const res = await lanczos(op, { k: 2, maxIterations: 2, tol: 1e-12 });
  assertAllClose(res.values, [(5 + Math.sqrt(45)) / 2, (5 - Math.sqrt(45)) / 2], { rtol: 1e-14 });
  assert.deepEqual(loss.gradientExpressions.length, 2);
  assert.deepEqual(loss.hessianExpressions[0][1], loss.hessianExpressions[1][0]);
});

Deno.test("symbolicLoss returns non-finite values as they are but rejects non-real ones", () => {
  assert.equal(symbolicLoss("1/x").value([0]), Infinity);
  assert.throws(() => symbolicLoss("log(x)").value([-1]), {
    name: "RangeError",
    message:
      'Cannot evaluate the loss: "log(x)" is not a real number at x = -1 (mathjs gave Complex 3.141592653589793i); keep the point inside the expression\'s domain',
  });
  assert.throws(() => symbolicLoss("sqrt(x)").gradient([-4]), {
    name: "RangeError",
    message:
      'Cannot evaluate the gradient: "1 / 2 / sqrt(x)" is not a real number at x = -4 (mathjs gave Complex -0.25i); keep the point inside the expression\'s domain',
  });
});

Deno.test("symbolicLoss rejects bad expressions and points with messages that name the problem", () => {
  const build = "Cannot build the symbolic loss";
  const cases: [() => unknown, string, string][] = [
    [
      () => symbolicLoss("0.5*(x*y-"),
      "TypeError",
      `${build}: "0.5*(x*y-" is not a valid expression (Unexpected end of expression (char 10))`,
    ],
    [
      () => symbolicLoss(""),
      "TypeError",
      `${build}: expression must be a non-empty string such as "0.5*(x*y-1)^2", current value is ""`,
    ],
    [
      () => symbolicLoss("x*z", { variables: ["x"] }),
      "TypeError",
      `${build}: unknown symbol z in "x*z"; list it in variables [x] or give its value in parameters`,
    ],
    [
      () => symbolicLoss("foo(x)"),
      "TypeError",
      `${build}: unknown function foo in "foo(x)"; use mathjs functions such as exp, log, cosh, tanh, sqrt`,
    ],
    [
      () => symbolicLoss("f = x^2"),
      "TypeError",
      `${build}: "f = x^2" is an assignment; give only the right-hand side, e.g. "x^2"`,
    ],
    [
      () => symbolicLoss("max(x, y)"),
      "TypeError",
      `${build}: mathjs cannot differentiate "max(x, y)" with respect to x (Cannot process function "max" in derivative: the function is not supported, undefined, or the number of arguments passed to it are not supported)`,
    ],
    [
      () => symbolicLoss("pi + 1"),
      "TypeError",
      `${build}: "pi + 1" has no variables; write it in terms of at least one symbol, or list the variables`,
    ],
    [
      () => symbolicLoss("x + y", { variables: ["x", "x", "y"] }),
      "TypeError",
      `${build}: variables must be distinct, x appears twice`,
    ],
    [
      () => symbolicLoss("x", { variables: ["1x"] }),
      "TypeError",
      `${build}: variables must be names (a letter or _ then letters, digits, _), current entry is "1x"`,
    ],
    [
      () => symbolicLoss("h*x", { variables: ["x", "h"], parameters: { h: 1 } }),
      "TypeError",
      `${build}: h is both a variable and a parameter; remove it from one of them`,
    ],
    [
      () => symbolicLoss("h*x", { parameters: { h: NaN } }),
      "RangeError",
      `${build}: parameter h must be a finite number, current value is NaN`,
    ],
  ];
  for (const [fn, name, message] of cases) assert.throws(fn, { name, message });

  const loss = symbolicLoss("0.5*(x*y-1)^2");
  const pointCases: [() => unknown, string, string][] = [
    [
      () => loss.value([1]),
      "TypeError",
      "Cannot evaluate the loss: the point must have 2 entries [x, y], current length is 1",
    ],
    [
      () => loss.gradient({ x: 1 }),
      "TypeError",
      "Cannot evaluate the gradient: the point is missing variable y; the variables are [x, y]",
    ],
    [
      () => loss.hessian({ x: 1, y: 2, z: 3 }),
      "TypeError",
      "Cannot evaluate the Hessian: the point has an unknown variable z; the variables are [x, y]",
    ],
    [
      () => loss.value([1, NaN]),
      "RangeError",
      "Cannot evaluate the loss: y must be a finite number, current value is NaN",
    ],
    [
      () => loss.value(3 as unknown as number[]),
      "TypeError",
      "Cannot evaluate the loss: the point must be an array of 2 numbers [x, y] or an object with those keys, current value is 3",
    ],
  ];
  for (const [fn, name, message] of pointCases) assert.throws(fn, { name, message });
});
