/**
 * The middle of the formula compiler (see `_compile.ts`): turns checked trees (from
 * `_compile_parse.ts`) into JavaScript statements and expressions, placing each call in the loop
 * where its inputs change, sharing repeated calls and the range reduction of sin and cos of one
 * argument, and expanding sin/cos of a separable sum by the angle-addition formulas. Text comes
 * only from the templates of `_compile_templates.ts`, numbers, and names it makes itself
 * (coordinates `x0`, temporaries `t0`). Private to the area.
 *
 * @module
 */
import { sinCosSource } from "./_fast_trig.ts";
import {
  calledName,
  type Coordinate,
  isConstant,
  type Node,
  type Player,
  players,
  terms,
} from "./_compile_parse.ts";
import { CONSTANTS } from "./_compile_parse.ts";
import { numberJs, powJs, preLoopTemplate, UNARY_JS } from "./_compile_templates.ts";

/** Where a computation lands: the outer particle's loop, the inner precompute loop, the pairs. */
export type Level = "outer" | "pre" | "inner";

interface TrigEntry {
  trig: string;
  arg: string;
  sin: boolean;
  cos: boolean;
}

/** Statements of one loop scope, with sin/cos blocks filled in when the scope is rendered. */
export class Scope {
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

/** Fresh outer, precompute and pair scopes. */
export function scopes(): Record<Level, Scope> {
  return { outer: new Scope(), pre: new Scope(), inner: new Scope() };
}

/** The precompute loop of a scope (empty when it has no statements). */
export function preLoop(pre: Scope, load: (text: string) => string, count: string): string {
  if (pre.entries.length === 0) return "";
  return preLoopTemplate(pre.render("    "), [...pre.outputs], load, count);
}

/**
 * Emits JavaScript for checked expressions. Calls land in the loop where their inputs change:
 * "outer" (the outer particle's loop, or constants), "pre" (a loop over the inner particles
 * before the pair loop, stored in arrays) or "inner" (the pair loop).
 */
export class Emitter {
  constructor(
    readonly names: ReadonlyMap<string, Coordinate>,
    readonly outerPlayer: Player,
    readonly scopes: Record<Level, Scope>,
    readonly counter: { next: number },
    readonly angleAddition = true,
  ) {}

  players(node: Node): Set<Player> {
    return players(node, this.names);
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

  /** JavaScript for a checked tree, read from scope `target`. */
  emit(node: Node, target: Level): string {
    switch (node.type) {
      case "ParenthesisNode":
        return this.emit(node.content!, target);
      case "ConstantNode":
        return numberJs(node.value as number);
      case "SymbolNode": {
        const name = node.name!;
        const v = this.names.get(name);
        if (v) return `${v.player}${v.index}`;
        if (isConstant(name)) return `(${CONSTANTS[name]})`;
        break;
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
            return powJs(a[0], a[1], constantValue(node.args![1]));
        }
        break;
      }
      case "FunctionNode": {
        const name = calledName(node);
        const args = node.args!;
        if (name === "pow") {
          return powJs(
            this.emit(args[0], target),
            this.emit(args[1], target),
            constantValue(args[1]),
          );
        }
        // A call of constants only is computed where it is read when that is the precompute
        // loop, which runs before the outer loop and cannot see its temporaries.
        const at = target === "pre" && this.players(node).size === 0 ? "pre" : this.level(node);
        if (name === "sin" || name === "cos") {
          if (at === "inner") return this.pairTrig(name, args[0]);
          const t = this.trigEntry(at, this.emit(args[0], at));
          t[name] = true;
          return this.ref(at, `${t.trig}${name === "sin" ? "s" : "c"}`, target);
        }
        if (name !== undefined && Object.hasOwn(UNARY_JS, name)) {
          const code = UNARY_JS[name](this.emit(args[0], at));
          const scope = this.scopes[at];
          let temp = scope.calls.get(code);
          if (!temp) {
            temp = this.fresh();
            scope.calls.set(code, temp);
            scope.entries.push({ text: `const ${temp} = ${code};` });
          }
          return this.ref(at, temp, target);
        }
        break;
      }
    }
    // Trees are checked by _compile_parse.ts before they get here.
    throw new Error(`Internal error: an unchecked ${node.type} reached the emitter`);
  }
}

function constantValue(node: Node): unknown {
  return node.type === "ConstantNode" ? node.value : undefined;
}
