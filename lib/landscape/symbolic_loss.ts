import type { EvalFunction, MathJsInstance, MathNode } from "mathjs";
import { mathjs } from "../_mathjs.ts";
import { denseOperator, type LinearOperator } from "../linalg/mod.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode symbolicLoss}. */
export interface SymbolicLossOptions {
  /**
   * The variables, in the order of points, gradients and Hessian rows.
   * @default {the expression's free symbols that are not parameters or constants, sorted}
   */
  variables?: string[];
  /**
   * Named constants and their values (e.g. `{ h: 2 }` in `"0.5*h*x^2"`); not differentiated.
   * @default {{}}
   */
  parameters?: Record<string, number>;
}

/** A point: values in the order of `variables`, or an object with one entry per variable. */
export type SymbolicPoint = ArrayLike<number> | Record<string, number>;

/** A loss given by a formula, with exact derivatives (see {@linkcode symbolicLoss}). */
export interface SymbolicLoss {
  /** The expression as given. */
  readonly expression: string;
  /** The variables, in order. */
  readonly variables: readonly string[];
  /** The number of variables. */
  readonly dim: number;
  /** ∂f/∂v_i as mathjs formulas (simplified). */
  readonly gradientExpressions: readonly string[];
  /** ∂²f/∂v_i∂v_j as mathjs formulas, a symmetric table. */
  readonly hessianExpressions: readonly (readonly string[])[];
  /** f(x). Non-finite results (overflow, 0/0) are returned as they are. */
  value(x: SymbolicPoint): number;
  /** ∇f(x), exact. */
  gradient(x: SymbolicPoint): Float64Array;
  /** ∇²f(x), exact, row-major dim × dim. */
  hessian(x: SymbolicPoint): Float64Array;
  /** ∇²f(x) as a {@linkcode LinearOperator} for the spectral estimators. */
  hessianOperator(x: SymbolicPoint): LinearOperator;
}

/** mathjs's own constants, which are never variables unless listed as such. */
const CONSTANTS = new Set([
  "e",
  "E",
  "pi",
  "PI",
  "tau",
  "phi",
  "LN2",
  "LN10",
  "LOG2E",
  "LOG10E",
  "SQRT2",
  "SQRT1_2",
  "Infinity",
]);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** minima's own mathjs instance (loaded on first use), which nothing a notebook does changes. */
function math(): MathJsInstance {
  return mathjs();
}

/**
 * A toy loss written as a mathjs expression over named variables, with its exact gradient and
 * Hessian in float64 by symbolic differentiation (mathjs `derivative`, each formula compiled once):
 * f(x), ∇f(x)_i = ∂f/∂x_i, ∇²f(x)_ij = ∂²f/∂x_i∂x_j. For notebooks' toy landscapes (log cosh, double
 * wells, ½h(y)x²) and as an exact reference in tests.
 *
 * @see Ma, Kunin, Wu, Ying, "Beyond the quadratic approximation: the multiscale structure of
 * neural network loss landscapes", arXiv 2204.11326 (the log cosh example).
 *
 * @example The Hessian of ½(xy − 1)² at (1, 1) is [[1, 1], [1, 1]]
 * ```ts
 * import { symbolicLoss } from "minima";
 * import assert from "node:assert/strict";
 *
 * const loss = symbolicLoss("0.5*(x*y-1)^2");
 * assert.deepEqual(loss.variables, ["x", "y"]);
 * assert.equal(loss.value([2, 1]), 0.5);
 * assert.deepEqual(Array.from(loss.gradient({ x: 2, y: 1 })), [1, 2]);
 * assert.deepEqual(Array.from(loss.hessian([1, 1])), [1, 1, 1, 1]);
 * ```
 *
 * @param expression The loss, e.g. `"log(cosh(x))"` or `"0.5*h*x^2"`.
 * @param options The variables' order and the parameters' values.
 * @returns The loss with value, gradient, Hessian and Hessian operator.
 */
export function symbolicLoss(expression: string, options: SymbolicLossOptions = {}): SymbolicLoss {
  checkCall("symbolicLoss", arguments);
  const action = "Cannot build the symbolic loss";
  if (typeof expression !== "string" || expression.trim() === "") {
    throw new TypeError(
      `${action}: expression must be a non-empty string such as "0.5*(x*y-1)^2", current value is ${
        typeof expression === "string" ? '""' : expression
      }`,
    );
  }
  const m = math();
  let node: MathNode;
  try {
    node = m.parse(expression);
  } catch (error) {
    throw new TypeError(
      `${action}: "${expression}" is not a valid expression (${(error as Error).message})`,
    );
  }
  if (node.type === "AssignmentNode" || node.type === "FunctionAssignmentNode") {
    throw new TypeError(
      `${action}: "${expression}" is an assignment; give only the right-hand side, e.g. "x^2"`,
    );
  }

  const parameters = checkParameters(options.parameters ?? {}, action);
  const { symbols, functions } = freeSymbols(node);
  for (const f of functions) {
    if (typeof (m as unknown as Record<string, unknown>)[f] !== "function") {
      throw new TypeError(
        `${action}: unknown function ${f} in "${expression}"; use mathjs functions such as exp, log, cosh, tanh, sqrt`,
      );
    }
  }
  const variables = options.variables === undefined
    ? [...symbols].filter((s) => !(s in parameters) && !CONSTANTS.has(s)).sort()
    : checkVariables(options.variables, parameters, action);
  for (const s of symbols) {
    if (!variables.includes(s) && !(s in parameters) && !CONSTANTS.has(s)) {
      throw new TypeError(
        `${action}: unknown symbol ${s} in "${expression}"; list it in variables [${
          variables.join(", ")
        }] or give its value in parameters`,
      );
    }
  }
  if (variables.length === 0) {
    throw new TypeError(
      `${action}: "${expression}" has no variables; write it in terms of at least one symbol, or list the variables`,
    );
  }

  const d = variables.length;
  const differentiate = (n: MathNode, v: string): MathNode => {
    try {
      return m.derivative(n, v);
    } catch (error) {
      throw new TypeError(
        `${action}: mathjs cannot differentiate "${n.toString()}" with respect to ${v} (${
          (error as Error).message
        })`,
      );
    }
  };
  const gradientNodes = variables.map((v) => differentiate(node, v));
  const hessianNodes: MathNode[][] = variables.map(() => new Array<MathNode>(d));
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      hessianNodes[i][j] = differentiate(gradientNodes[i], variables[j]);
      hessianNodes[j][i] = hessianNodes[i][j];
    }
  }
  const valueCode = node.compile();
  const gradientCode = gradientNodes.map((n) => n.compile());
  const hessianCode: EvalFunction[][] = hessianNodes.map((row) => row.map((n) => n.compile()));

  const scopeOf = (x: SymbolicPoint, what: string): Record<string, number> => {
    const scope: Record<string, number> = { ...parameters };
    const values = pointValues(x, variables, `Cannot evaluate the ${what}`);
    for (let i = 0; i < d; i++) scope[variables[i]] = values[i];
    return scope;
  };
  const real = (
    code: EvalFunction,
    scope: Record<string, number>,
    formula: string,
    what: string,
  ) => {
    const y = code.evaluate(scope);
    if (typeof y !== "number") {
      throw new RangeError(
        `Cannot evaluate the ${what}: "${formula}" is not a real number at ${
          variables.map((v) => `${v} = ${scope[v]}`).join(", ")
        } (mathjs gave ${describe(y)}); keep the point inside the expression's domain`,
      );
    }
    return y;
  };

  const loss: SymbolicLoss = {
    expression,
    variables: Object.freeze([...variables]),
    dim: d,
    gradientExpressions: Object.freeze(gradientNodes.map((n) => n.toString())),
    hessianExpressions: Object.freeze(
      hessianNodes.map((row) => Object.freeze(row.map((n) => n.toString()))),
    ),
    value(x: SymbolicPoint): number {
      return real(valueCode, scopeOf(x, "loss"), expression, "loss");
    },
    gradient(x: SymbolicPoint): Float64Array {
      const scope = scopeOf(x, "gradient");
      return Float64Array.from(
        gradientCode,
        (code, i) => real(code, scope, loss.gradientExpressions[i], "gradient"),
      );
    },
    hessian(x: SymbolicPoint): Float64Array {
      const scope = scopeOf(x, "Hessian");
      const h = new Float64Array(d * d);
      for (let i = 0; i < d; i++) {
        for (let j = i; j < d; j++) {
          const v = real(hessianCode[i][j], scope, loss.hessianExpressions[i][j], "Hessian");
          h[i * d + j] = v;
          h[j * d + i] = v;
        }
      }
      return h;
    },
    hessianOperator(x: SymbolicPoint): LinearOperator {
      return denseOperator(loss.hessian(x), d);
    },
  };
  return loss;
}

/** The symbols of an expression, apart from the names of called functions. */
function freeSymbols(node: MathNode): { symbols: Set<string>; functions: Set<string> } {
  const symbols = new Set<string>();
  const functions = new Set<string>();
  node.traverse((n: MathNode, path: string, parent: MathNode | null) => {
    if (n.type !== "SymbolNode") return;
    const name = (n as unknown as { name: string }).name;
    if (parent !== null && parent.type === "FunctionNode" && path === "fn") functions.add(name);
    else symbols.add(name);
  });
  return { symbols, functions };
}

function checkVariables(
  variables: string[],
  parameters: Record<string, number>,
  action: string,
): string[] {
  if (!Array.isArray(variables)) {
    throw new TypeError(
      `${action}: variables must be an array of names such as ["x", "y"], current value is ${variables}`,
    );
  }
  const seen = new Set<string>();
  for (const v of variables) {
    if (typeof v !== "string" || !NAME.test(v)) {
      throw new TypeError(
        `${action}: variables must be names (a letter or _ then letters, digits, _), current entry is ${
          JSON.stringify(v)
        }`,
      );
    }
    if (seen.has(v)) {
      throw new TypeError(`${action}: variables must be distinct, ${v} appears twice`);
    }
    if (v in parameters) {
      throw new TypeError(
        `${action}: ${v} is both a variable and a parameter; remove it from one of them`,
      );
    }
    seen.add(v);
  }
  return [...variables];
}

function checkParameters(
  parameters: Record<string, number>,
  action: string,
): Record<string, number> {
  if (parameters === null || typeof parameters !== "object" || Array.isArray(parameters)) {
    throw new TypeError(
      `${action}: parameters must be an object of named numbers such as { h: 2 }, current value is ${parameters}`,
    );
  }
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (!NAME.test(name)) {
      throw new TypeError(
        `${action}: parameter names must be a letter or _ then letters, digits, _, current name is ${
          JSON.stringify(name)
        }`,
      );
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new RangeError(
        `${action}: parameter ${name} must be a finite number, current value is ${value}`,
      );
    }
    out[name] = value;
  }
  return out;
}

function pointValues(x: SymbolicPoint, variables: readonly string[], action: string): number[] {
  if (x === null || typeof x !== "object") {
    throw new TypeError(
      `${action}: the point must be an array of ${variables.length} numbers [${
        variables.join(", ")
      }] or an object with those keys, current value is ${x}`,
    );
  }
  let values: number[];
  if (typeof (x as ArrayLike<number>).length === "number") {
    const arr = x as ArrayLike<number>;
    if (arr.length !== variables.length) {
      throw new TypeError(
        `${action}: the point must have ${variables.length} entries [${
          variables.join(", ")
        }], current length is ${arr.length}`,
      );
    }
    values = Array.from(arr);
  } else {
    const rec = x as Record<string, number>;
    for (const key of Object.keys(rec)) {
      if (!variables.includes(key)) {
        throw new TypeError(
          `${action}: the point has an unknown variable ${key}; the variables are [${
            variables.join(", ")
          }]`,
        );
      }
    }
    values = variables.map((v) => {
      if (!(v in rec)) {
        throw new TypeError(
          `${action}: the point is missing variable ${v}; the variables are [${
            variables.join(", ")
          }]`,
        );
      }
      return rec[v];
    });
  }
  values.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(
        `${action}: ${variables[i]} must be a finite number, current value is ${v}`,
      );
    }
  });
  return values;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") {
    const type = (value as { type?: string }).type;
    return `${type ?? value.constructor?.name ?? "an object"} ${String(value)}`;
  }
  return `${typeof value} ${String(value)}`;
}
