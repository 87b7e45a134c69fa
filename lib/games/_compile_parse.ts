/**
 * The front of the formula compiler (see `_compile.ts`): mathjs parses the text, and every node
 * of the tree is then checked against a whitelist (finite numbers, the players' coordinates, own
 * constants, + - * / ^, and a fixed list of one-argument functions and pow). Parameters become
 * numbers, and the 1-D names `x`, `y` become `x1`, `y1`. A tree that leaves here holds nothing
 * else, so nothing outside the whitelist can reach the generated code. Names resolve only
 * through own properties of the tables, so `constructor`, `toString`, `__proto__` and the other
 * `Object.prototype` names are unknown symbols and functions like any other. Private to the area.
 *
 * @module
 */
import type { MathNode } from "mathjs";
import { mathjs } from "../_mathjs.ts";
import { show } from "./_checks.ts";

/** A loose view of mathjs nodes: the fields the compiler reads. */
export interface Node {
  type: string;
  name?: string;
  value?: unknown;
  op?: string;
  fn?: Node | string;
  args?: Node[];
  content?: Node;
  implicit?: boolean;
  toString(): string;
  filter(test: (n: Node) => boolean): Node[];
  transform(f: (n: Node, path: string, parent: Node | null) => Node): Node;
}

/** The two players. */
export type Player = "x" | "y";

/** A coordinate: its player and its index from 0. */
export interface Coordinate {
  player: Player;
  index: number;
}

/** What parsing needs: the coordinates by canonical name, the parameters, the message prefix. */
export interface ParseContext {
  /** Canonical names (`x1`, ..., `y1`, ...) of the coordinates. */
  names: ReadonlyMap<string, Coordinate>;
  dimX: number;
  dimY: number;
  parameters: Readonly<Record<string, number>>;
  /** The error-message prefix. */
  context: string;
}

/** Named constants (own properties only: looked up with `Object.hasOwn`). */
export const CONSTANTS: Readonly<Record<string, number>> = Object.freeze({
  pi: Math.PI,
  e: Math.E,
  tau: 2 * Math.PI,
});

/** The functions that compile, with their argument counts. */
export const FUNCTIONS: Readonly<Record<string, number>> = Object.freeze({
  sin: 1,
  cos: 1,
  tan: 1,
  exp: 1,
  log: 1,
  log1p: 1,
  expm1: 1,
  sqrt: 1,
  abs: 1,
  sign: 1,
  tanh: 1,
  sinh: 1,
  cosh: 1,
  atan: 1,
  asin: 1,
  acos: 1,
  sec: 1,
  csc: 1,
  cot: 1,
  sech: 1,
  csch: 1,
  coth: 1,
  square: 1,
  cube: 1,
  pow: 2,
});

/** The supported function names, sorted, for messages. */
export const SUPPORTED: readonly string[] = Object.keys(FUNCTIONS).sort();

/** The mathjs operators that compile (by their function name). */
const OPERATORS: Readonly<Record<string, number>> = Object.freeze({
  add: 2,
  subtract: 2,
  multiply: 2,
  divide: 2,
  unaryMinus: 1,
  unaryPlus: 1,
  pow: 2,
});

/** Whether `name` is a compiled function (an own property of the table). */
export function isFunction(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name);
}

/** Whether `name` is a named constant (an own property of the table). */
export function isConstant(name: string): boolean {
  return Object.hasOwn(CONSTANTS, name);
}

/** The variable names a player's coordinates go by: x (or x1) in 1-D, x1..xd otherwise. */
export function variableNames(player: Player, dim: number): string[] {
  return dim === 1
    ? [player, `${player}1`]
    : Array.from({ length: dim }, (_, k) => `${player}${k + 1}`);
}

/** The canonical names x1..xd of a player's coordinates. */
export function canonical(player: Player, dim: number): string[] {
  return Array.from({ length: dim }, (_, k) => `${player}${k + 1}`);
}

/** The name of the function a FunctionNode calls, when it is a plain symbol (not `a.sin`). */
export function calledName(node: Node): string | undefined {
  const fn = node.fn;
  if (typeof fn === "string") return fn;
  return fn !== undefined && fn.type === "SymbolNode" ? fn.name : undefined;
}

/**
 * Parses text, replaces parameters by numbers and 1-D names `x`, `y` by `x1`, `y1`, and checks
 * the tree against the whitelist.
 *
 * @param text The formula.
 * @param what Its name in messages ("payoff", "options.gradX[0]").
 * @param ctx Coordinates, parameters, the message prefix.
 * @returns The checked tree.
 */
export function parseExpression(text: unknown, what: string, ctx: ParseContext): Node {
  if (typeof text !== "string" || text.trim() === "") {
    throw new TypeError(
      `${ctx.context}: ${what} must be a mathjs expression as a string, e.g. "cos(x - y)", current value is ${
        show(text)
      }`,
    );
  }
  let node: Node;
  try {
    node = mathjs().parse(text) as unknown as Node;
  } catch (error) {
    throw new TypeError(
      `${ctx.context}: ${what} is not a valid mathjs expression (${
        (error as Error).message
      }), current value is ${show(text)}`,
    );
  }
  const math = mathjs();
  const renamed = node.transform((n, path) => {
    if (n.type !== "SymbolNode" || path === "fn") return n;
    const name = n.name!;
    if (Object.hasOwn(ctx.parameters, name)) {
      return new math.ConstantNode(ctx.parameters[name]) as unknown as Node;
    }
    if (ctx.dimX === 1 && name === "x") return new math.SymbolNode("x1") as unknown as Node;
    if (ctx.dimY === 1 && name === "y") return new math.SymbolNode("y1") as unknown as Node;
    return n;
  });
  checkTree(renamed, what, ctx);
  return renamed;
}

/**
 * ∂node/∂name by mathjs's symbolic derivative, checked against the whitelist like a parsed
 * formula (a derivative can only use what it was given, but nothing unchecked is emitted).
 *
 * @param node A checked tree.
 * @param name A canonical coordinate name.
 * @param what The derivative's name in messages ("the gradient in x").
 * @param ctx Coordinates, parameters, the message prefix.
 * @returns The checked derivative.
 */
export function derivative(node: Node, name: string, what: string, ctx: ParseContext): Node {
  let d: Node;
  try {
    d = mathjs().derivative(node as unknown as MathNode, name) as unknown as Node;
  } catch (error) {
    throw new TypeError(
      `${ctx.context}: mathjs cannot differentiate the payoff with respect to ${name} (${
        (error as Error).message
      }); give options.gradX and options.gradY`,
    );
  }
  checkTree(d, what, ctx);
  return d;
}

/**
 * Throws the compiler's message for the first node outside the whitelist, in the order the
 * emitter reads the tree (an operator's arguments before the operator, a call's name before
 * its arguments).
 */
export function checkTree(node: Node, what: string, ctx: ParseContext): void {
  switch (node.type) {
    case "ParenthesisNode":
      checkTree(node.content!, what, ctx);
      return;
    case "ConstantNode": {
      const v = node.value;
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new TypeError(
          `${ctx.context}: ${what} may only contain finite numbers, found ${show(v)}`,
        );
      }
      return;
    }
    case "SymbolNode": {
      const name = node.name!;
      if (ctx.names.has(name) || isConstant(name)) return;
      throw new TypeError(unknownSymbol(name, what, ctx));
    }
    case "OperatorNode": {
      for (const a of node.args!) checkTree(a, what, ctx);
      const fn = typeof node.fn === "string" ? node.fn : undefined;
      if (fn !== undefined && Object.hasOwn(OPERATORS, fn) && node.args!.length === OPERATORS[fn]) {
        return;
      }
      throw new TypeError(
        `${ctx.context}: ${what} uses the operator "${node.op}", which cannot be compiled; use + - * / ^ and the functions ${
          SUPPORTED.join(", ")
        }`,
      );
    }
    case "FunctionNode": {
      const name = calledName(node);
      const args = node.args!;
      if (name !== undefined && isFunction(name) && args.length === FUNCTIONS[name]) {
        for (const a of args) checkTree(a, what, ctx);
        return;
      }
      throw new TypeError(
        `${ctx.context}: ${what} calls ${
          name ?? node.fn?.toString()
        } with ${args.length} argument(s), which cannot be compiled; the supported functions are ${
          SUPPORTED.join(", ")
        } (one argument each; pow takes two)`,
      );
    }
  }
  throw new TypeError(
    `${ctx.context}: ${what} contains a ${node.type} ("${node.toString()}"), which cannot be compiled; write it with numbers, coordinates, + - * / ^ and the functions ${
      SUPPORTED.join(", ")
    }`,
  );
}

function unknownSymbol(name: string, what: string, ctx: ParseContext): string {
  const list = (p: Player) => {
    const ns = [...ctx.names].filter(([, v]) => v.player === p).map(([k]) => k);
    return ns.length === 1 ? `${p} (or ${p}1)` : ns.join(", ");
  };
  return `${ctx.context}: ${what} uses the unknown symbol "${name}"; use ${list("x")} for x, ${
    list("y")
  } for y, pi or e, or give its value in options.parameters`;
}

/** Splits a sum into signed terms: a − (b + c) → [+a, −b, −c]. */
export function terms(
  node: Node,
  sign = 1,
  out: { node: Node; sign: number }[] = [],
): { node: Node; sign: number }[] {
  if (node.type === "ParenthesisNode") return terms(node.content!, sign, out);
  if (node.type === "OperatorNode" && node.fn === "add") {
    terms(node.args![0], sign, out);
    terms(node.args![1], sign, out);
  } else if (node.type === "OperatorNode" && node.fn === "subtract") {
    terms(node.args![0], sign, out);
    terms(node.args![1], -sign, out);
  } else if (node.type === "OperatorNode" && node.fn === "unaryMinus") {
    terms(node.args![0], -sign, out);
  } else {
    out.push({ node, sign });
  }
  return out;
}

/** The players whose coordinates a tree reads. */
export function players(node: Node, names: ReadonlyMap<string, Coordinate>): Set<Player> {
  const set = new Set<Player>();
  for (const s of node.filter((n) => n.type === "SymbolNode")) {
    const v = names.get(s.name!);
    if (v) set.add(v.player);
  }
  return set;
}
