/**
 * Compiles a payoff written as a mathjs expression, and its gradients (given or derived
 * symbolically by mathjs), into plain JavaScript loops over Float64Arrays. Private to the area.
 *
 * Three stages, one file each:
 *
 * - `_compile_parse.ts` parses with mathjs and checks every node against a whitelist (numbers,
 *   the players' coordinates, own constants, + - * / ^ and a fixed list of functions), so nothing
 *   else from the user's text can reach the generated source;
 * - `_compile_emit.ts` turns checked trees into statements placed in the right loop;
 * - `_compile_templates.ts` holds the fixed JavaScript around them, and builds the functions
 *   once per game with `new Function`.
 *
 * Three things make the kernels fast:
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
import { show } from "./_checks.ts";
import {
  canonical,
  type Coordinate,
  derivative,
  type Node,
  type ParseContext,
  parseExpression,
  type Player,
  terms,
} from "./_compile_parse.ts";
import { Emitter, preLoop, scopes } from "./_compile_emit.ts";
import {
  buildKernel,
  fieldTemplate,
  loadCoordinates,
  payoffTemplate,
} from "./_compile_templates.ts";

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

/** A signed additive term of a gradient. */
type Term = { node: Node; sign: number };

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
  const names = new Map<string, Coordinate>();
  canonical("x", dimX).forEach((n, index) => names.set(n, { player: "x", index }));
  canonical("y", dimY).forEach((n, index) => names.set(n, { player: "y", index }));
  const ctx: ParseContext = { names, dimX, dimY, parameters: params, context };
  const payoff = parseExpression(spec.payoff, "payoff", ctx);
  // Symbols the payoff reads: the gradient in any other coordinate is 0, with no derivative.
  const read = new Set(payoff.filter((n) => n.type === "SymbolNode").map((n) => n.name!));

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
      return given.map((g, k) => parseExpression(g, `options.${key}[${k}]`, ctx));
    }
    return canonical(player, dim).map((v) =>
      read.has(v)
        ? derivative(payoff, v, `the gradient in ${player}`, ctx)
        : parseExpression("0", `the gradient in ${player}`, ctx)
    );
  };
  const gx = gradients("x", dimX, spec.gradX);
  const gy = gradients("y", dimY, spec.gradY);
  const angleAddition = spec.angleAddition ?? true;

  // The payoff matrix: x in the outer loop, y in the pair loop.
  const payoffSource = (() => {
    const sc = scopes();
    const body = new Emitter(names, "x", sc, { next: 0 }, angleAddition).emit(payoff, "inner");
    return payoffTemplate({
      dimX,
      dimY,
      pre: preLoop(sc.pre, (text) => loadCoordinates("y", dimY, "Y", "j", text), "m"),
      outer: sc.outer.render("    "),
      inner: sc.inner.render("      "),
      body,
    });
  })();

  const fieldSource = (player: Player, grads: Node[]) => {
    const other: Player = player === "x" ? "y" : "x";
    const dim = player === "x" ? dimX : dimY;
    const otherDim = player === "x" ? dimY : dimX;
    const own = grads.map(() => [] as Term[]);
    const rest = grads.map(() => [] as Term[]);
    const pair = grads.map(() => [] as Term[]);
    const counter = { next: 0 };
    const probe = new Emitter(names, player, scopes(), counter);
    grads.forEach((g, k) => {
      for (const t of terms(g)) {
        const p = probe.players(t.node);
        (p.has(other) ? (p.has(player) ? pair : rest) : own)[k].push(t);
      }
    });
    // Terms of the other player only: their mean over the other particles, once per call.
    const rs = scopes();
    const er = new Emitter(names, other, rs, counter);
    const code = (e: Emitter, ts: Term[], target: "outer" | "inner") =>
      ts.length === 0 ? "0" : e.signed(ts, target);
    const restCode = rest.map((ts) => code(er, ts, "outer"));
    // Terms of both players: the pair loop; terms of this player only: once per particle.
    const sc = scopes();
    const e = new Emitter(names, player, sc, counter, angleAddition);
    const ownCode = own.map((ts) => code(e, ts, "outer"));
    const pairCode = pair.map((ts) => code(e, ts, "inner"));
    return fieldTemplate({
      player,
      dim,
      otherDim,
      rest: restCode,
      restScope: rs.outer.render("    "),
      own: ownCode,
      pair: pairCode,
      anyRest: rest.some((ts) => ts.length > 0),
      anyPair: pair.some((ts) => ts.length > 0),
      pre: preLoop(
        sc.pre,
        (text) => loadCoordinates(other, otherDim, other.toUpperCase(), "j", text),
        "no",
      ),
      outer: sc.outer.render("    "),
      inner: sc.inner.render("      "),
    });
  };
  const fieldXSource = fieldSource("x", gx);
  const fieldYSource = fieldSource("y", gy);
  return {
    payoff: buildKernel(payoffSource),
    fieldX: buildKernel(fieldXSource),
    fieldY: buildKernel(fieldYSource),
    gradX: gx.map((g) => g.toString()),
    gradY: gy.map((g) => g.toString()),
    source: { payoff: payoffSource, fieldX: fieldXSource, fieldY: fieldYSource },
  };
}
