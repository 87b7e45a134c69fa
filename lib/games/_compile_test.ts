/**
 * The formula compiler against mathjs itself: every generated kernel (payoff, fieldX, fieldY)
 * agrees with `mathjs.evaluate` of the payoff and of its gradient formulas, on a table covering
 * every whitelisted function and operator and on random expression trees over the whitelist;
 * every `Object.prototype` name is an unknown symbol or function; and the generated source holds
 * only the compiler's own names.
 */
import assert from "node:assert/strict";
import { compile, derivative as mathDerivative, type EvalFunction } from "mathjs";
import { Rng } from "../random/mod.ts";
import { compileKernels, type CompileSpec } from "./_compile.ts";
import { FUNCTIONS, SUPPORTED } from "./_compile_parse.ts";
import { mathjsGame, MAX_FORMULA_DIM } from "./mathjs_game.ts";
import { torus } from "./torus.ts";

/** Names of the coordinates in mathjs scope: x1..xd (and x, y in 1-D). */
function scopeOf(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  parameters: Record<string, number>,
): Record<string, number> {
  const scope: Record<string, number> = { ...parameters };
  for (let k = 0; k < x.length; k++) scope[`x${k + 1}`] = x[k];
  for (let k = 0; k < y.length; k++) scope[`y${k + 1}`] = y[k];
  if (x.length === 1) scope.x = x[0];
  if (y.length === 1) scope.y = y[0];
  return scope;
}

const compiled = new Map<string, EvalFunction>();

/** mathjs's value (`evaluate`, compiled once per formula) as a real number, or undefined when it is complex, non-finite or huge. */
function real(formula: string, scope: Record<string, number>): number | undefined {
  let v: unknown;
  try {
    let code = compiled.get(formula);
    if (!code) compiled.set(formula, code = compile(formula));
    v = code.evaluate({ ...scope });
  } catch {
    return undefined;
  }
  return typeof v === "number" && Number.isFinite(v) && Math.abs(v) < 1e8 ? v : undefined;
}

function close(actual: number, expected: number, what: string): void {
  const bound = 1e-9 * (1 + Math.abs(expected));
  if (!(Math.abs(actual - expected) <= bound)) {
    assert.fail(`${what}: compiled ${actual}, mathjs ${expected}`);
  }
}

/**
 * Compiles and checks all three kernels against mathjs at random points: n × m pairs for the
 * payoff, and each particle's mean gradient over the other player's particles for the fields
 * (skipping particles where mathjs gives a complex or non-finite value). Returns how many values
 * were compared.
 */
function checkAgainstMathjs(spec: CompileSpec, rng: Rng, n = 3, m = 4, spread = 2): number {
  const kernels = compileKernels(spec);
  const parameters = { ...(spec.parameters ?? {}) };
  const draw = (count: number, dim: number) =>
    Float64Array.from({ length: count * dim }, () => (2 * rng.uniform() - 1) * spread);
  const X = draw(n, spec.dimX), Y = draw(m, spec.dimY);
  const xi = (i: number) => X.subarray(i * spec.dimX, (i + 1) * spec.dimX);
  const yj = (j: number) => Y.subarray(j * spec.dimY, (j + 1) * spec.dimY);
  const K = kernels.payoff(X, Y), FX = kernels.fieldX(X, Y), FY = kernels.fieldY(X, Y);
  let compared = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const want = real(spec.payoff, scopeOf(xi(i), yj(j), parameters));
      if (want === undefined) continue;
      close(K[i * m + j], want, `payoff "${spec.payoff}" at pair (${i}, ${j})`);
      compared++;
    }
  }
  const field = (
    F: Float64Array,
    grads: string[],
    count: number,
    others: number,
    at: (p: number, o: number) => Record<string, number>,
    name: string,
  ) => {
    grads.forEach((g, k) => {
      for (let p = 0; p < count; p++) {
        let sum = 0, ok = true;
        for (let o = 0; o < others && ok; o++) {
          const v = real(g, at(p, o));
          if (v === undefined) ok = false;
          else sum += v;
        }
        if (!ok) continue;
        close(F[p * grads.length + k], sum / others, `${name}[${k}] = "${g}" of "${spec.payoff}"`);
        compared++;
      }
    });
  };
  field(FX, kernels.gradX, n, m, (i, j) => scopeOf(xi(i), yj(j), parameters), "fieldX");
  field(FY, kernels.gradY, m, n, (j, i) => scopeOf(xi(i), yj(j), parameters), "fieldY");
  // Nothing but the compiler's own names in the generated code.
  for (const source of Object.values(kernels.source)) checkIdentifiers(source);
  return compared;
}

/** The names a generated kernel may contain: keywords, its own variables, Math's functions. */
const ALLOWED = new Set([
  "function",
  "const",
  "let",
  "if",
  "for",
  "return",
  "new",
  "use",
  "strict",
  "Float64Array",
  "Math",
  "sq",
  "cube",
  "payoff",
  "fieldX",
  "fieldY",
  "X",
  "Y",
  "n",
  "m",
  "i",
  "j",
  "np",
  "no",
  "out",
  // fast trig (_fast_trig.ts) locals
  "e",
  "Infinity",
  "NaN",
]);
const MATH = new Set(Object.getOwnPropertyNames(Math));

function checkIdentifiers(source: string): void {
  // Strip number literals (1e-5, 0.5) so exponents are not read as names.
  const code = source.replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, "0");
  for (const m of code.matchAll(/(\.?)\b([A-Za-z_$][\w$]*)\b/g)) {
    const [, dot, name] = m;
    if (dot === ".") {
      if (!MATH.has(name) && name !== "length") assert.fail(`generated code reads .${name}`);
      continue;
    }
    if (
      ALLOWED.has(name) || /^([xy]|g|r)\d+$/.test(name) ||
      /^t\d+(s|c|a|k|r|z|ps|pc|q|o|d)?v?$/.test(name) || /^_[a-z]\w*$/.test(name)
    ) {
      continue;
    }
    assert.fail(`generated code contains the name ${name}:\n${source}`);
  }
}

Deno.test("compiled kernels match mathjs.evaluate for every whitelisted function and operator", () => {
  const rng = new Rng(7);
  // Derived gradients (mathjs differentiates these).
  const derived: [string, number, number, Record<string, number>?][] = [
    ["cos(x - y) + 0.3*cos(x)", 1, 1],
    ["sin(x1 + 2*y1 - x2) * cos(x2 - y2) + sin(x1) - cos(y2)", 2, 2],
    ["tan(0.3*(x - y)) + exp(x*y/4) + log(2 + x^2 + y^2) + sqrt(1 + (x - y)^2)", 1, 1],
    ["abs(x - y) + tanh(x*y) + sinh(x - y)/4 + cosh(x + y)/4 + atan(x - 2*y)", 1, 1],
    ["asin((x - y)/5) + acos((x + y)/5) + sec(x/3 - y/3) + csc(1 + (x*y)^2)", 1, 1],
    ["cot(2 + x^2 + y^2) + sech(x - y) + csch(1 + x^2 + y^2) + coth(2 + y^2 - x)", 1, 1],
    ["pow(1 + x^2, 1.5) - (x - y)^3 + y^2/2 - x/(2 + y^2) + +x - -y + 2^x", 1, 1],
    ["a*cos(x1 - y1) + b*x2*y2 - pi*x1 + e*y1 + tau", 2, 3, { a: 0.7, b: -1.25 }],
    ["2x y + 3(x - y)^2", 1, 1],
    // Calls of constants inside the precompute loop (they were emitted in the outer loop, unseen).
    ["cos(x - y) + exp(y * cos(2)) + sin(sqrt(csch(2 + y^2) / csc(a)))", 1, 1, { a: 0.5 }],
  ];
  let compared = 0;
  for (const [payoff, dimX, dimY, parameters] of derived) {
    for (const angleAddition of [true, false]) {
      compared += checkAgainstMathjs(
        { payoff, dimX, dimY, parameters, context: "c", angleAddition },
        rng,
      );
    }
  }
  // Functions mathjs does not differentiate, with their gradients given.
  const given: CompileSpec[] = [
    {
      payoff: "square(x - y) + cube(x + y)",
      gradX: ["2*(x - y) + 3*(x + y)^2"],
      gradY: ["-2*(x - y) + 3*(x + y)^2"],
    },
    {
      payoff: "sign(x)*y + log1p(x^2 + y^2) + expm1(x - y)",
      gradX: ["y + 2*x/(1 + x^2 + y^2) + exp(x - y)"],
      gradY: ["sign(x) + 2*y/(1 + x^2 + y^2) - exp(x - y)"],
    },
  ].map((s) => ({ ...s, dimX: 1, dimY: 1, context: "c" }));
  for (const spec of given) compared += checkAgainstMathjs(spec, rng);
  // Every supported function appears above.
  const text = [...derived.map((d) => d[0]), ...given.map((g) => g.payoff)].join(" ");
  for (const f of SUPPORTED) assert.match(text, new RegExp(`\\b${f}\\(`), `${f} is not covered`);
  assert.ok(compared > 400, `only ${compared} values compared`);
});

/** A random formula over the whitelist: coordinates, numbers, constants, operators, functions. */
function randomFormula(rng: Rng, dimX: number, dimY: number, depth: number): string {
  const coordinate = () => {
    const p = rng.uniform() < 0.5 ? "x" : "y";
    const d = p === "x" ? dimX : dimY;
    return d === 1 && rng.uniform() < 0.5 ? p : `${p}${1 + Math.floor(rng.uniform() * d)}`;
  };
  const leaf = () => {
    const u = rng.uniform();
    if (u < 0.55) return coordinate();
    if (u < 0.8) return String(Math.round((rng.uniform() * 6 - 3) * 100) / 100);
    if (u < 0.9) return ["pi", "e", "tau"][Math.floor(rng.uniform() * 3)];
    return ["a", "b"][Math.floor(rng.uniform() * 2)];
  };
  // Functions mathjs can differentiate (the gradients are derived).
  const unary = Object.keys(FUNCTIONS).filter((f) =>
    FUNCTIONS[f] === 1 && !["square", "cube", "sign", "log1p", "expm1"].includes(f)
  );
  const node = (level: number): string => {
    if (level >= depth || rng.uniform() < 0.25) return leaf();
    const u = rng.uniform();
    if (u < 0.45) {
      const op = ["+", "-", "*", "/"][Math.floor(rng.uniform() * 4)];
      return `(${node(level + 1)} ${op} ${node(level + 1)})`;
    }
    if (u < 0.55) return `(${node(level + 1)})^${[2, 3, 0.5, 1.5][Math.floor(rng.uniform() * 4)]}`;
    if (u < 0.6) return `-${node(level + 1)}`;
    if (u < 0.65) return `pow(${node(level + 1)}, 2)`;
    const f = unary[Math.floor(rng.uniform() * unary.length)];
    return `${f}(${node(level + 1)})`;
  };
  // A coupling term keeps both players in the formula.
  return `${node(0)} + cos(${coordinate()} - ${coordinate()})`;
}

Deno.test("property: random formulas over the whitelist compile to kernels that match mathjs", () => {
  const rng = new Rng(2024);
  let compared = 0, formulas = 0, refused = 0;
  for (let trial = 0; trial < 80; trial++) {
    const dimX = 1 + Math.floor(rng.uniform() * 3), dimY = 1 + Math.floor(rng.uniform() * 2);
    const payoff = randomFormula(rng, dimX, dimY, 3);
    const spec: CompileSpec = {
      payoff,
      dimX,
      dimY,
      parameters: { a: 0.5, b: -1.5 },
      context: "c",
      angleAddition: rng.uniform() < 0.7,
    };
    let kernelsCompared: number;
    try {
      kernelsCompared = checkAgainstMathjs(spec, rng, 2, 3, 1.5);
    } catch (error) {
      if (error instanceof assert.AssertionError) throw error;
      // mathjs's derivative folds constants and gives up on complex ones (acos(sec(2)) ...):
      // a formula with no real gradient, refused with a clear message, is not a compiler bug.
      // Likewise a derivative it folds to a non-finite constant (x / sinh(0)).
      if (
        /mathjs cannot differentiate|gradient in [xy] may only contain finite numbers/.test(
          (error as Error).message,
        )
      ) {
        refused++;
        continue;
      }
      throw new Error(`"${payoff}" failed to compile: ${(error as Error).message}`);
    }
    compared += kernelsCompared;
    if (kernelsCompared > 0) formulas++;
  }
  assert.ok(
    formulas > 70 && compared > 800,
    `${formulas} formulas, ${compared} values, ${refused} refused`,
  );
});

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

Deno.test("every Object.prototype name is an unknown symbol or function, never generated code", () => {
  assert.ok(PROTOTYPE_NAMES.includes("constructor") && PROTOTYPE_NAMES.includes("__proto__"));
  const hint =
    "use x (or x1) for x, y (or y1) for y, pi or e, or give its value in options.parameters";
  const functions = `the supported functions are ${
    SUPPORTED.join(", ")
  } (one argument each; pow takes two)`;
  for (const name of PROTOTYPE_NAMES) {
    assert.throws(() => mathjsGame(`cos(x - y) + ${name}`), {
      name: "TypeError",
      message: `Cannot build the game: payoff uses the unknown symbol "${name}"; ${hint}`,
    }, name);
    assert.throws(() => mathjsGame(`cos(x - y) + ${name}(x)`), {
      name: "TypeError",
      message:
        `Cannot build the game: payoff calls ${name} with 1 argument(s), which cannot be compiled; ${functions}`,
    }, `${name}(x)`);
    assert.throws(() => mathjsGame("cos(x - y)", { gradX: [name], gradY: ["sin(x - y)"] }), {
      name: "TypeError",
      message: `Cannot build the game: options.gradX[0] uses the unknown symbol "${name}"; ${hint}`,
    }, `gradX ${name}`);
  }
  // A method call through an object is not a function name.
  assert.throws(() => mathjsGame("a.sin(x - y)"), {
    name: "TypeError",
    message:
      `Cannot build the game: payoff calls a.sin with 1 argument(s), which cannot be compiled; ${functions}`,
  });
  assert.throws(() => mathjsGame("cos(x).constructor + y"), {
    name: "TypeError",
    message:
      `Cannot build the game: payoff contains a AccessorNode ("cos(x1).constructor"), which cannot be compiled; write it with numbers, coordinates, + - * / ^ and the functions ${
        SUPPORTED.join(", ")
      }`,
  });
  // A parameter may carry such a name: it is an own property and becomes a number.
  const game = mathjsGame("toString * cos(x - y)", { parameters: { toString: 2 } });
  assert.equal(
    game.payoff(new Float64Array([0.5]), new Float64Array([0.25]))[0],
    2 * Math.cos(0.25),
  );
});

Deno.test("a coordinate index is bounded by the domain before anything is compiled", () => {
  const t0 = performance.now();
  assert.throws(() => mathjsGame("x300000*y"), {
    name: "RangeError",
    message:
      `Cannot build the game: the payoff uses x300000, but a game compiled from formulas has at most ${MAX_FORMULA_DIM} coordinates per player (each gets its own code); use tensorGame for larger ones`,
  });
  assert.throws(() => mathjsGame("x1*y", { x: torus(5000) }), {
    name: "RangeError",
    message:
      `Cannot build the game: options.x has 5000 coordinates, but a game compiled from formulas has at most ${MAX_FORMULA_DIM} coordinates per player (each gets its own code); use tensorGame for larger ones`,
  });
  assert.throws(() => mathjsGame("x300000*y", { x: torus(2) }), {
    name: "RangeError",
    message:
      "Cannot build the game: the payoff uses x300000, but options.x is torus(2), whose points have 2 coordinate(s); pass a domain of dimension 300000 or more",
  });
  // The refusals cost nothing like the minutes x300000 once took to compile.
  assert.ok(performance.now() - t0 < 5000);
  // At the bound, compiling stays linear in the dimension (one derivative per coordinate read).
  const game = mathjsGame(`x${MAX_FORMULA_DIM} * y + cos(x1 - y)`);
  const x = new Float64Array(MAX_FORMULA_DIM).fill(0.5);
  const f = game.fieldX(x, new Float64Array([2]));
  assert.equal(f[MAX_FORMULA_DIM - 1], 2);
  close(f[0], -Math.sin(0.5 - 2), "fieldX[0]");
  assert.equal(f[1], 0);
});

Deno.test("derivatives mathjs cannot take are a clear error naming the fix", () => {
  assert.throws(() => mathjsGame("square(x - y)"), {
    name: "TypeError",
    message:
      'Cannot build the game: mathjs cannot differentiate the payoff with respect to x1 (Cannot process function "square" in derivative: the function is not supported, undefined, or the number of arguments passed to it are not supported); give options.gradX and options.gradY',
  });
  // The same derivative by mathjs's own reference instance fails alike.
  assert.throws(() => mathDerivative("square(x - y)", "x"));
});
