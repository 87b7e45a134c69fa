/**
 * Compiles a payoff written as a mathjs expression, and its gradients (given or derived
 * symbolically by mathjs), into plain JavaScript loops over Float64Arrays. Private to the area.
 *
 * The loops are generated once per game with `new Function` from a whitelisted syntax tree
 * (numbers, the player's coordinates and a fixed list of functions): nothing from the user's text
 * is pasted into the source except through that tree. Three things make them fast:
 *
 * - each gradient is split into additive terms: terms of the differentiated player only (a
 *   potential) are computed once per particle, terms of the other player only once per call, and
 *   only the terms that couple both run in the all-pairs loop;
 * - repeated calls (the same function of the same argument) are computed once per pair, and sin
 *   and cos of one argument share one range reduction (see `_fast_trig.ts`);
 * - calls that depend only on the outer loop's particle are hoisted out of the inner loop.
 *
 * @module
 */
import type { MathNode } from "mathjs";
import { mathjs } from "../_mathjs.ts";
import { sinCosSource } from "./_fast_trig.ts";
import { show } from "./_checks.ts";

/** The compiled kernels of a game written as formulas. */
export interface CompiledKernels {
  /** K(x_i, y_j) row-major [n, m]. */
  payoff(x: Float64Array, y: Float64Array): Float64Array;
  /** (1/m) Σ_j ∇_x K(x_i, y_j), [n, dimX]. */
  fieldX(x: Float64Array, y: Float64Array): Float64Array;
  /** (1/n) Σ_i ∇_y K(x_i, y_j), [m, dimY]. */
  fieldY(x: Float64Array, y: Float64Array): Float64Array;
  /** The gradient formulas used (given or derived), as mathjs text. */
  gradX: string[];
  /** The gradient formulas used (given or derived), as mathjs text. */
  gradY: string[];
  /** The generated source of the three kernels, for inspection. */
  source: { payoff: string; fieldX: string; fieldY: string };
}

/** What {@linkcode compileKernels} needs. */
export interface CompileSpec {
  payoff: string;
  gradX?: readonly string[];
  gradY?: readonly string[];
  dimX: number;
  dimY: number;
  parameters?: Readonly<Record<string, number>>;
  /** The error-message prefix. */
  context: string;
  /** Rewrite sin/cos of separable sums by the angle-addition formulas (default true). */
  angleAddition?: boolean;
}

// A loose view of mathjs nodes: the fields the compiler reads.
interface Node {
  type: string;
  name?: string;
  value?: unknown;
  op?: string;
  fn?: Node | string;
  args?: Node[];
  content?: Node;
  toString(): string;
  filter(test: (n: Node) => boolean): Node[];
  transform(f: (n: Node, path: string, parent: Node | null) => Node): Node;
}

type Player = "x" | "y";

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI };

/** Unary functions: mathjs name → JavaScript (a template over the argument). */
const UNARY: Record<string, (a: string) => string> = {
  tan: (a) => `Math.tan(${a})`,
  exp: (a) => `Math.exp(${a})`,
  log: (a) => `Math.log(${a})`,
  log1p: (a) => `Math.log1p(${a})`,
  expm1: (a) => `Math.expm1(${a})`,
  sqrt: (a) => `Math.sqrt(${a})`,
  abs: (a) => `Math.abs(${a})`,
  sign: (a) => `Math.sign(${a})`,
  tanh: (a) => `Math.tanh(${a})`,
  sinh: (a) => `Math.sinh(${a})`,
  cosh: (a) => `Math.cosh(${a})`,
  atan: (a) => `Math.atan(${a})`,
  asin: (a) => `Math.asin(${a})`,
  acos: (a) => `Math.acos(${a})`,
  sec: (a) => `(1 / Math.cos(${a}))`,
  csc: (a) => `(1 / Math.sin(${a}))`,
  cot: (a) => `(1 / Math.tan(${a}))`,
  sech: (a) => `(1 / Math.cosh(${a}))`,
  csch: (a) => `(1 / Math.sinh(${a}))`,
  coth: (a) => `(1 / Math.tanh(${a}))`,
  square: (a) => `sq(${a})`,
  cube: (a) => `cube(${a})`,
};
const SUPPORTED = ["sin", "cos", ...Object.keys(UNARY), "pow"].sort();

type Level = "outer" | "pre" | "inner";

interface TrigEntry {
  trig: string;
  arg: string;
  sin: boolean;
  cos: boolean;
}

/** Statements of one loop scope, with sin/cos blocks filled in when the scope is rendered. */
class Scope {
  readonly entries: ({ text: string } | TrigEntry)[] = [];
  readonly calls = new Map<string, string>();
  readonly trig = new Map<string, TrigEntry>();
  /** Temporaries of the precompute loop that the pair loop reads, stored in `<name>v[j]`. */
  readonly outputs = new Set<string>();
  render(indent: string): string {
    return this.entries.map((e) =>
      "text" in e ? e.text : sinCosSource(e.arg, e.trig, { sin: e.sin, cos: e.cos })
    ).join("\n").split("\n").filter((l) => l.trim() !== "").map((l) => indent + l).join("\n");
  }
}

/**
 * Emits JavaScript for expressions. Calls land in the loop where their inputs change: "outer"
 * (the outer particle's loop, or constants), "pre" (a loop over the inner particles before the
 * pair loop, stored in arrays) or "inner" (the pair loop).
 */
class Emitter {
  constructor(
    readonly names: Map<string, { player: Player; index: number }>,
    readonly outerPlayer: Player,
    readonly scopes: Record<Level, Scope>,
    readonly counter: { next: number },
    readonly context: string,
    readonly what: string,
    readonly angleAddition = true,
  ) {}

  players(node: Node): Set<Player> {
    const set = new Set<Player>();
    for (const s of node.filter((n) => n.type === "SymbolNode")) {
      const v = this.names.get(s.name!);
      if (v) set.add(v.player);
    }
    return set;
  }

  level(node: Node): Level {
    const p = this.players(node);
    if (p.size === 2) return "inner";
    if (p.size === 0 || p.has(this.outerPlayer)) return "outer";
    return "pre";
  }

  /** A temporary of scope `at`, as read from scope `target`. */
  ref(at: Level, temp: string, target: Level): string {
    if (at === "pre" && target === "inner") {
      this.scopes.pre.outputs.add(temp);
      return `${temp}v[j]`;
    }
    return temp;
  }

  fresh(): string {
    return `t${this.counter.next++}`;
  }

  trigEntry(at: Level, arg: string): TrigEntry {
    const scope = this.scopes[at];
    let t = scope.trig.get(arg);
    if (!t) {
      t = { trig: this.fresh(), arg, sin: false, cos: false };
      scope.trig.set(arg, t);
      scope.entries.push(t);
    }
    return t;
  }

  signed(ts: { node: Node; sign: number }[], target: Level): string {
    return ts.map((t, i) =>
      `${t.sign < 0 ? "-" : i === 0 ? "" : "+"}${i === 0 && t.sign > 0 ? "" : " "}${
        this.emit(t.node, target)
      }`
    ).join(" ");
  }

  /**
   * sin or cos of an argument that couples both players. When the argument is a sum of a part A
   * of the outer particle and a part B of the inner one, the angle-addition formulas
   * sin(A + B) = sA·cB + cA·sB, cos(A + B) = cA·cB − sA·sB need no trigonometry in the pair loop.
   */
  pairTrig(name: "sin" | "cos", argNode: Node): string {
    const parts = terms(argNode);
    const outerTerms = parts.filter((t) => this.level(t.node) === "outer");
    const preTerms = parts.filter((t) => this.level(t.node) === "pre");
    if (
      this.angleAddition && outerTerms.length > 0 && preTerms.length > 0 &&
      outerTerms.length + preTerms.length === parts.length
    ) {
      const a = this.trigEntry("outer", this.signed(outerTerms, "outer"));
      const b = this.trigEntry("pre", this.signed(preTerms, "pre"));
      a.sin =
        a.cos =
        b.sin =
        b.cos =
          true;
      const key = `${a.trig}+${b.trig}`;
      const inner = this.scopes.inner;
      let temp = inner.calls.get(key);
      if (!temp) {
        temp = this.fresh();
        inner.calls.set(key, temp);
        const sb = this.ref("pre", `${b.trig}s`, "inner"),
          cb = this.ref("pre", `${b.trig}c`, "inner");
        inner.entries.push({
          text:
            `const ${temp}s = ${a.trig}s * ${cb} + ${a.trig}c * ${sb}, ${temp}c = ${a.trig}c * ${cb} - ${a.trig}s * ${sb};`,
        });
      }
      return `${temp}${name === "sin" ? "s" : "c"}`;
    }
    const t = this.trigEntry("inner", this.emit(argNode, "inner"));
    t[name] = true;
    return `${t.trig}${name === "sin" ? "s" : "c"}`;
  }

  emit(node: Node, target: Level): string {
    switch (node.type) {
      case "ParenthesisNode":
        return this.emit(node.content!, target);
      case "ConstantNode": {
        const v = node.value;
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new TypeError(
            `${this.context}: ${this.what} may only contain finite numbers, found ${show(v)}`,
          );
        }
        return v < 0 || Object.is(v, -0) ? `(${v})` : String(v);
      }
      case "SymbolNode": {
        const v = this.names.get(node.name!);
        if (v) return `${v.player}${v.index}`;
        if (node.name! in CONSTANTS) return `(${CONSTANTS[node.name!]})`;
        throw new TypeError(this.unknown(node.name!));
      }
      case "OperatorNode": {
        const a = node.args!.map((n) => this.emit(n, target));
        switch (node.fn) {
          case "add":
            return `(${a[0]} + ${a[1]})`;
          case "subtract":
            return `(${a[0]} - ${a[1]})`;
          case "multiply":
            return `(${a[0]} * ${a[1]})`;
          case "divide":
            return `(${a[0]} / ${a[1]})`;
          case "unaryMinus":
            return `(-${a[0]})`;
          case "unaryPlus":
            return a[0];
          case "pow":
            return this.pow(node, a[0], a[1]);
        }
        throw new TypeError(
          `${this.context}: ${this.what} uses the operator "${node.op}", which cannot be compiled; use + - * / ^ and the functions ${
            SUPPORTED.join(", ")
          }`,
        );
      }
      case "FunctionNode": {
        const name = typeof node.fn === "string" ? node.fn : node.fn!.name!;
        const args = node.args!;
        if (name === "pow" && args.length === 2) {
          return this.pow(node, this.emit(args[0], target), this.emit(args[1], target));
        }
        if ((name === "sin" || name === "cos" || name in UNARY) && args.length === 1) {
          const at = this.level(node);
          if (name === "sin" || name === "cos") {
            if (at === "inner") return this.pairTrig(name, args[0]);
            const t = this.trigEntry(at, this.emit(args[0], at));
            t[name] = true;
            return this.ref(at, `${t.trig}${name === "sin" ? "s" : "c"}`, target);
          }
          const code = UNARY[name](this.emit(args[0], at));
          const scope = this.scopes[at];
          let temp = scope.calls.get(code);
          if (!temp) {
            temp = this.fresh();
            scope.calls.set(code, temp);
            scope.entries.push({ text: `const ${temp} = ${code};` });
          }
          return this.ref(at, temp, target);
        }
        throw new TypeError(
          `${this.context}: ${this.what} calls ${name} with ${args.length} argument(s), which cannot be compiled; the supported functions are ${
            SUPPORTED.join(", ")
          } (one argument each; pow takes two)`,
        );
      }
    }
    throw new TypeError(
      `${this.context}: ${this.what} contains a ${node.type} ("${node.toString()}"), which cannot be compiled; write it with numbers, coordinates, + - * / ^ and the functions ${
        SUPPORTED.join(", ")
      }`,
    );
  }

  pow(node: Node, base: string, exponent: string): string {
    const e = node.args![1];
    if (e.type === "ConstantNode" && (e.value === 2 || e.value === 3)) {
      return `${e.value === 2 ? "sq" : "cube"}(${base})`;
    }
    return `Math.pow(${base}, ${exponent})`;
  }

  unknown(name: string): string {
    const list = (p: Player) => {
      const ns = [...this.names].filter(([, v]) => v.player === p).map(([k]) => k);
      return ns.length === 1 ? `${p} (or ${p}1)` : ns.join(", ");
    };
    return `${this.context}: ${this.what} uses the unknown symbol "${name}"; use ${
      list("x")
    } for x, ${list("y")} for y, pi or e, or give its value in options.parameters`;
  }
}

/** The variable names a player's coordinates go by: x (or x1) in 1-D, x1..xd otherwise. */
export function variableNames(player: Player, dim: number): string[] {
  return dim === 1
    ? [player, `${player}1`]
    : Array.from({ length: dim }, (_, k) => `${player}${k + 1}`);
}

function canonical(player: Player, dim: number): string[] {
  return Array.from({ length: dim }, (_, k) => `${player}${k + 1}`);
}

/** Parses text, replacing parameters by numbers and 1-D names `x`, `y` by `x1`, `y1`. */
function parseExpression(
  text: unknown,
  what: string,
  spec: CompileSpec,
): Node {
  if (typeof text !== "string" || text.trim() === "") {
    throw new TypeError(
      `${spec.context}: ${what} must be a mathjs expression as a string, e.g. "cos(x - y)", current value is ${
        show(text)
      }`,
    );
  }
  let node: Node;
  try {
    node = mathjs().parse(text) as unknown as Node;
  } catch (error) {
    throw new TypeError(
      `${spec.context}: ${what} is not a valid mathjs expression (${
        (error as Error).message
      }), current value is ${show(text)}`,
    );
  }
  const params = spec.parameters ?? {};
  return node.transform((n, path) => {
    if (n.type !== "SymbolNode" || path === "fn") return n;
    if (Object.hasOwn(params, n.name!)) {
      return new (mathjs().ConstantNode)(params[n.name!]) as unknown as Node;
    }
    if (spec.dimX === 1 && n.name === "x") {
      return new (mathjs().SymbolNode)("x1") as unknown as Node;
    }
    if (spec.dimY === 1 && n.name === "y") {
      return new (mathjs().SymbolNode)("y1") as unknown as Node;
    }
    return n;
  });
}

/** Splits a sum into signed terms: a − (b + c) → [+a, −b, −c]. */
function terms(node: Node, sign = 1, out: { node: Node; sign: number }[] = []) {
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

function scopes(): Record<Level, Scope> {
  return { outer: new Scope(), pre: new Scope(), inner: new Scope() };
}

/** Declarations of the precompute arrays, and the loop over the inner particles that fills them. */
function preLoop(pre: Scope, load: (text: string) => string, count: string): string {
  if (pre.entries.length === 0) return "";
  const outs = [...pre.outputs];
  const text = `${pre.render("    ")}\n    ${outs.map((o) => `${o}v[j] = ${o};`).join(" ")}`;
  return `${outs.map((o) => `const ${o}v = new Float64Array(${count});`).join(" ")}
  for (let j = 0; j < ${count}; j++) {
    ${load(text)}
${text}
  }`;
}

/**
 * Compiles the payoff and its gradients into typed-array kernels.
 *
 * @param spec The formulas, the dimensions and parameters.
 * @returns The kernels and their source.
 */
export function compileKernels(spec: CompileSpec): CompiledKernels {
  const { dimX, dimY, context } = spec;
  const params = spec.parameters ?? {};
  if (params === null || typeof params !== "object") {
    throw new TypeError(
      `${context}: options.parameters must be an object of named numbers, current value is ${
        show(params)
      }`,
    );
  }
  for (const [k, v] of Object.entries(params)) {
    if (
      !/^[A-Za-z_]\w*$/.test(k) || /^[xy]\d*$/.test(k) || typeof v !== "number" ||
      !Number.isFinite(v)
    ) {
      throw new TypeError(
        `${context}: options.parameters.${k} must be a finite number named unlike a coordinate (x, x1, y2, ...), current value is ${
          show(v)
        }`,
      );
    }
  }
  const names = new Map<string, { player: Player; index: number }>();
  canonical("x", dimX).forEach((n, index) => names.set(n, { player: "x", index }));
  canonical("y", dimY).forEach((n, index) => names.set(n, { player: "y", index }));
  const payoff = parseExpression(spec.payoff, "payoff", spec);
  // Check symbols before differentiating, so the message names the user's expression.
  new Emitter(names, "x", scopes(), { next: 0 }, context, "payoff").emit(payoff, "inner");

  const gradients = (player: Player, dim: number, given: readonly string[] | undefined) => {
    const key = player === "x" ? "gradX" : "gradY";
    if (given !== undefined) {
      if (!Array.isArray(given) || given.length !== dim) {
        throw new RangeError(
          `${context}: options.${key} must list one expression per coordinate of ${player} (${dim}), current value is ${
            show(given)
          }`,
        );
      }
      return given.map((g, k) => parseExpression(g, `options.${key}[${k}]`, spec));
    }
    return canonical(player, dim).map((v) =>
      mathjs().derivative(payoff as unknown as MathNode, v) as unknown as Node
    );
  };
  const gx = gradients("x", dimX, spec.gradX);
  const gy = gradients("y", dimY, spec.gradY);

  const helpers = { sq: (v: number) => v * v, cube: (v: number) => v * v * v };
  const build = (source: string) =>
    new Function(...Object.keys(helpers), `"use strict";\nreturn ${source};`)(
      ...Object.values(helpers),
    );
  /** Declarations of the coordinates of `player` that `code` reads. */
  const load = (player: Player, array: string, index: string, code: string) => {
    const dim = player === "x" ? dimX : dimY;
    return Array.from({ length: dim }, (_, k) => k)
      .filter((k) => new RegExp(`\\b${player}${k}\\b`).test(code))
      .map((k) => `const ${player}${k} = ${array}[${index} * ${dim} + ${k}];`).join(" ");
  };

  // The payoff matrix: x in the outer loop, y in the pair loop.
  const payoffSource = (() => {
    const sc = scopes();
    const body = new Emitter(
      names,
      "x",
      sc,
      { next: 0 },
      context,
      "payoff",
      spec.angleAddition ?? true,
    ).emit(payoff, "inner");
    const outerText = sc.outer.render("    ");
    const innerText = `${sc.inner.render("      ")}\n      out[i * m + j] = ${body};`;
    return `function payoff(X, Y) {
  const n = X.length / ${dimX}, m = Y.length / ${dimY};
  const out = new Float64Array(n * m);
  ${preLoop(sc.pre, (text) => load("y", "Y", "j", text), "m")}
  for (let i = 0; i < n; i++) {
    ${load("x", "X", "i", outerText + innerText)}
${outerText}
    for (let j = 0; j < m; j++) {
      ${load("y", "Y", "j", innerText)}
${innerText}
    }
  }
  return out;
}`;
  })();

  const fieldSource = (player: Player, grads: Node[], what: string) => {
    const other: Player = player === "x" ? "y" : "x";
    const dim = player === "x" ? dimX : dimY;
    const P = player.toUpperCase(), O = other.toUpperCase();
    const own = grads.map(() => [] as { node: Node; sign: number }[]);
    const rest = grads.map(() => [] as { node: Node; sign: number }[]);
    const pair = grads.map(() => [] as { node: Node; sign: number }[]);
    const counter = { next: 0 };
    const probe = new Emitter(names, player, scopes(), counter, context, what);
    grads.forEach((g, k) => {
      for (const t of terms(g)) {
        const p = probe.players(t.node);
        (p.has(other) ? (p.has(player) ? pair : rest) : own)[k].push(t);
      }
    });
    const code = (e: Emitter, ts: { node: Node; sign: number }[], target: Level) =>
      ts.length === 0 ? "0" : e.signed(ts, target);
    // Terms of the other player only: their mean over the other particles, once per call.
    const rs = scopes();
    const er = new Emitter(names, other, rs, counter, context, what);
    const restCode = rest.map((ts) => code(er, ts, "outer"));
    // Terms of both players: the pair loop; terms of this player only: once per particle.
    const sc = scopes();
    const e = new Emitter(names, player, sc, counter, context, what, spec.angleAddition ?? true);
    const ownCode = own.map((ts) => code(e, ts, "outer"));
    const pairCode = pair.map((ts) => code(e, ts, "inner"));
    const anyRest = rest.some((ts) => ts.length > 0), anyPair = pair.some((ts) => ts.length > 0);
    const ks = grads.map((_, k) => k);
    const restText = `${rs.outer.render("    ")}\n    ${
      ks.map((k) => `r${k} += ${restCode[k]};`).join(" ")
    }`;
    const outerText = sc.outer.render("    ");
    const innerText = `${sc.inner.render("      ")}\n      ${
      ks.map((k) => `g${k} += ${pairCode[k]};`).join(" ")
    }`;
    const storeText = ks.map((k) =>
      `out[i * ${dim} + ${k}] = g${k} / no + r${k} + (${ownCode[k]});`
    )
      .join("\n    ");
    return `function field${P}(X, Y) {
  const np = ${P}.length / ${dim}, no = ${O}.length / ${other === "x" ? dimX : dimY};
  const out = new Float64Array(np * ${dim});
  ${ks.map((k) => `let r${k} = 0;`).join(" ")}
  ${
      anyRest
        ? `for (let j = 0; j < no; j++) {
    ${load(other, O, "j", restText)}
${restText}
  }
  ${ks.map((k) => `r${k} /= no;`).join(" ")}`
        : ""
    }
  ${preLoop(sc.pre, (text) => load(other, O, "j", text), "no")}
  for (let i = 0; i < np; i++) {
    ${load(player, P, "i", outerText + innerText + storeText)}
${outerText}
    ${ks.map((k) => `let g${k} = 0;`).join(" ")}
    ${
      anyPair
        ? `for (let j = 0; j < no; j++) {
      ${load(other, O, "j", innerText)}
${innerText}
    }`
        : ""
    }
    ${storeText}
  }
  return out;
}`;
  };
  const fieldXSource = fieldSource("x", gx, "the gradient in x");
  const fieldYSource = fieldSource("y", gy, "the gradient in y");
  return {
    payoff: build(payoffSource),
    fieldX: build(fieldXSource),
    fieldY: build(fieldYSource),
    gradX: gx.map((g) => g.toString()),
    gradY: gy.map((g) => g.toString()),
    source: { payoff: payoffSource, fieldX: fieldXSource, fieldY: fieldYSource },
  };
}
