import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { assertAllClose, TOL } from "../_test_util.ts";
import { mathjsGame } from "./mathjs_game.ts";
import { euclidean } from "./euclidean.ts";
import { torus } from "./torus.ts";
import { sphere } from "./sphere.ts";

// References: the gradients written by hand in float64 and averaged by plain loops.
function meanField(
  n: number,
  m: number,
  dim: number,
  pair: (i: number, j: number) => number[],
  over: "j" | "i",
): Float64Array {
  const count = over === "j" ? n : m;
  const out = new Float64Array(count * dim);
  for (let a = 0; a < count; a++) {
    const s = new Array(dim).fill(0);
    const others = over === "j" ? m : n;
    for (let b = 0; b < others; b++) {
      const g = over === "j" ? pair(a, b) : pair(b, a);
      for (let k = 0; k < dim; k++) s[k] += g[k];
    }
    for (let k = 0; k < dim; k++) out[a * dim + k] = s[k] / others;
  }
  return out;
}

function uniform(rng: Rng, count: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: count }, () => lo + (hi - lo) * rng.uniform());
}

const TWO_PI = 2 * Math.PI;

for (const angleAddition of [true, false]) {
  Deno.test(`mathjsGame: 1-D torus game forces and payoff match hand-written float64 (angleAddition ${angleAddition})`, () => {
    const game = mathjsGame("cos(x - y) + 0.5*cos(2*x) - 0.5*cos(2*y)", { angleAddition });
    const rng = new Rng(1);
    const x = uniform(rng, 7, 0, TWO_PI), y = uniform(rng, 5, 0, TWO_PI);
    const fx = meanField(7, 5, 1, (i, j) => [-Math.sin(x[i] - y[j]) - Math.sin(2 * x[i])], "j");
    const fy = meanField(7, 5, 1, (i, j) => [Math.sin(x[i] - y[j]) + Math.sin(2 * y[j])], "i");
    assertAllClose(game.fieldX(x, y), fx, { atol: 1e-15 }, "fieldX");
    assertAllClose(game.fieldY(x, y), fy, { atol: 1e-15 }, "fieldY");
    const k = Float64Array.from(
      { length: 35 },
      (_, t) => {
        const i = Math.floor(t / 5), j = t % 5;
        return Math.cos(x[i] - y[j]) + 0.5 * Math.cos(2 * x[i]) - 0.5 * Math.cos(2 * y[j]);
      },
    );
    assertAllClose(game.payoff(x, y), k, { atol: 1e-15 }, "payoff");
    assert.deepEqual(game.x, torus(1));
  });

  Deno.test(`mathjsGame: 2-D coupled game on the torus matches float64 (angleAddition ${angleAddition})`, () => {
    const game = mathjsGame("cos(x1 - y1) * cos(x2 - y2) + 0.5*cos(2*x1) - 0.5*cos(2*y2)", {
      angleAddition,
      temperature: 0.3,
    });
    const rng = new Rng(2);
    const x = uniform(rng, 2 * 6, 0, TWO_PI), y = uniform(rng, 2 * 9, 0, TWO_PI);
    const fx = meanField(6, 9, 2, (i, j) => {
      const d1 = x[2 * i] - y[2 * j], d2 = x[2 * i + 1] - y[2 * j + 1];
      return [
        -Math.sin(d1) * Math.cos(d2) - Math.sin(2 * x[2 * i]),
        -Math.cos(d1) * Math.sin(d2),
      ];
    }, "j");
    const fy = meanField(6, 9, 2, (i, j) => {
      const d1 = x[2 * i] - y[2 * j], d2 = x[2 * i + 1] - y[2 * j + 1];
      return [
        Math.sin(d1) * Math.cos(d2),
        Math.cos(d1) * Math.sin(d2) + Math.sin(2 * y[2 * j + 1]),
      ];
    }, "i");
    assertAllClose(game.fieldX(x, y), fx, { atol: 1e-15 }, "fieldX");
    assertAllClose(game.fieldY(x, y), fy, { atol: 1e-15 }, "fieldY");
    assert.deepEqual([game.x.dim, game.y.dim, game.temperature], [2, 2, 0.3]);
  });
}

Deno.test("mathjsGame: the angle-addition rewrite changes the generated loops, not the numbers", () => {
  const on = mathjsGame("sin(2*x1 - y1 + 0.3) * exp(cos(y2 - x2))");
  const off = mathjsGame("sin(2*x1 - y1 + 0.3) * exp(cos(y2 - x2))", { angleAddition: false });
  assert.match(on.source.fieldX, /v\[j\]/);
  assert.doesNotMatch(off.source.fieldX, /v\[j\]/);
  const rng = new Rng(3);
  const x = uniform(rng, 2 * 11, -4, 9), y = uniform(rng, 2 * 13, -4, 9);
  const fx = meanField(11, 13, 2, (i, j) => {
    const a = 2 * x[2 * i] - y[2 * j] + 0.3, b = y[2 * j + 1] - x[2 * i + 1];
    const e = Math.exp(Math.cos(b));
    return [2 * Math.cos(a) * e, Math.sin(a) * e * Math.sin(b)];
  }, "j");
  assertAllClose(on.fieldX(x, y), fx, { rtol: 1e-13, atol: 1e-14 }, "fieldX (rewrite on)");
  assertAllClose(off.fieldX(x, y), fx, { rtol: 1e-13, atol: 1e-14 }, "fieldX (rewrite off)");
  assertAllClose(on.fieldY(x, y), off.fieldY(x, y), { rtol: 1e-13, atol: 1e-14 }, "fieldY");
});

Deno.test("mathjsGame: terms of one player are summed correctly (x-only, y-only, coupled, constants)", () => {
  // K = a·x·y + x² − b·y⁴ + y: ∂K/∂x = a·y + 2x (y-only term averaged), ∂K/∂y = a·x − 4b·y³ + 1.
  const game = mathjsGame("a*x*y + x^2 - b*y^4 + y", {
    x: euclidean(1),
    y: euclidean(1),
    parameters: { a: 1.5, b: 0.25 },
  });
  const x = Float64Array.of(-1, 0.5, 2), y = Float64Array.of(0.3, -0.7);
  const my = (0.3 - 0.7) / 2, mx = (-1 + 0.5 + 2) / 3;
  assertAllClose(game.fieldX(x, y), Array.from(x, (v) => 1.5 * my + 2 * v), {
    atol: TOL.float64,
  });
  assertAllClose(game.fieldY(x, y), Array.from(y, (v) => 1.5 * mx - v ** 3 + 1), {
    atol: TOL.float64,
  });
  assert.deepEqual(game.gradX.length, 1);
});

Deno.test("mathjsGame: given gradients are used as written", () => {
  // A deliberately different "gradient" shows that the given text, not the derivative, runs.
  const game = mathjsGame("cos(x - y)", { gradX: ["2*sin(y)"], gradY: ["x"] });
  const x = Float64Array.of(0.1, 0.2), y = Float64Array.of(1, 2, 3);
  const ms = (Math.sin(1) + Math.sin(2) + Math.sin(3)) / 3;
  assertAllClose(game.fieldX(x, y), [2 * ms, 2 * ms], { atol: 1e-15 });
  assertAllClose(game.fieldY(x, y), [0.15, 0.15, 0.15], { atol: 1e-15 });
  assert.deepEqual(game.gradX, ["2 * sin(y1)"]);
});

Deno.test("mathjsGame: domains of other kinds and higher dimension than used", () => {
  const game = mathjsGame("x1*y1 + x2*y2 + x3*y3", { x: sphere(3), y: sphere(3) });
  const x = Float64Array.of(1, 0, 0, 0, 0, 1), y = Float64Array.of(0, 1, 0);
  assertAllClose(game.fieldX(x, y), [0, 1, 0, 0, 1, 0], { atol: 0 });
  assertAllClose(game.fieldY(x, y), [0.5, 0, 0.5], { atol: 0 });
  const wide = mathjsGame("cos(x1 - y)", { x: torus(2), y: torus(1) });
  assertAllClose(wide.fieldX(Float64Array.of(1, 5), Float64Array.of(0)), [-Math.sin(1), 0], {
    atol: 1e-16,
  });
});

Deno.test("mathjsGame: bad input names the argument and the fix", () => {
  assert.throws(
    () => mathjsGame("cos(x - z)"),
    {
      name: "TypeError",
      message:
        'Cannot build the game: payoff uses the unknown symbol "z"; use x (or x1) for x, y (or y1) for y, pi or e, or give its value in options.parameters',
    },
  );
  assert.throws(
    () => mathjsGame("erf(x - y)"),
    {
      name: "TypeError",
      message:
        "Cannot build the game: payoff calls erf with 1 argument(s), which cannot be compiled; the supported functions are abs, acos, asin, atan, cos, cosh, cot, coth, csc, csch, cube, exp, expm1, log, log1p, pow, sec, sech, sign, sin, sinh, sqrt, square, tan, tanh (one argument each; pow takes two)",
    },
  );
  assert.throws(() => mathjsGame("x > y ? 1 : 0"), /payoff contains a ConditionalNode/);
  assert.throws(
    () => mathjsGame("cos(x - y)", { x: torus(2) }),
    /payoff uses the unknown symbol "x"; use x1, x2 for x, y \(or y1\) for y/,
  );
  assert.throws(
    () => mathjsGame("cos(x1 - y1)", { x: torus(2), gradX: ["sin(x1)"] }),
    {
      name: "RangeError",
      message:
        'Cannot build the game: options.gradX must list one expression per coordinate of x (2), current value is ["sin(x1)"]',
    },
  );
  assert.throws(
    () => mathjsGame("cos(x - y)", { temperature: 0 }),
    {
      name: "RangeError",
      message:
        "Cannot build the game: options.temperature must be a positive finite number, current value is 0",
    },
  );
  assert.throws(
    () => mathjsGame("cos(x - y)", { temperature: -1 }),
    /options.temperature must be a positive finite number, current value is -1/,
  );
  assert.throws(
    () => mathjsGame("cos(x1 - y1) + cos(x2 - y2)", { x: torus(1), y: torus(2) }),
    {
      name: "RangeError",
      message:
        "Cannot build the game: the payoff uses x2, but options.x is torus(1), whose points have 1 coordinate(s); pass a domain of dimension 2 or more",
    },
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => mathjsGame("cos(x - y)", { x: { kind: "cube", dim: 1 } as any }),
    {
      name: "TypeError",
      message:
        'Cannot build the game: options.x must be a domain made by torus(dim), euclidean(dim) or sphere(dim), current value is {"kind":"cube","dim":1}',
    },
  );
  assert.throws(() => mathjsGame("cos(x - "), /payoff is not a valid mathjs expression/);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => mathjsGame(3 as any), /payoff must be a mathjs expression as a string/);
  assert.throws(
    () => mathjsGame("a*cos(x - y)", { parameters: { a: NaN } }),
    /options.parameters.a must be a finite number named unlike a coordinate/,
  );
  assert.throws(
    () => mathjsGame("cos(x - y)", { parameters: { x2: 1 } }),
    /options.parameters.x2 must be a finite number named unlike a coordinate/,
  );
  const game = mathjsGame("cos(x - y)");
  assert.throws(
    () => game.fieldX(Float64Array.of(), Float64Array.of(1)),
    {
      name: "RangeError",
      message:
        "Cannot evaluate game.fieldX: x must hold a positive whole number of points of 1 coordinates, current length is 0",
    },
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => game.fieldY([1, 2] as any, Float64Array.of(1)),
    /Cannot evaluate game.fieldY: x must be a Float64Array of points/,
  );
});
