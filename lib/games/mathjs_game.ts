import type { Domain } from "./domain.ts";
import type { Game } from "./game.ts";
import { torus } from "./torus.ts";
import { checkDomain, checkPositions, checkPositive } from "./_checks.ts";
import { compileKernels } from "./_compile.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode mathjsGame}. */
export interface MathjsGameOptions {
  /**
   * The minimizing player's domain.
   * @default {torus(d)} with d the number of x coordinates the payoff uses
   */
  x?: Domain;
  /**
   * The maximizing player's domain.
   * @default {torus(d)} with d the number of y coordinates the payoff uses
   */
  y?: Domain;
  /**
   * T = 1/β, the weight of both players' entropies.
   * @default {0.1}
   */
  temperature?: number;
  /**
   * ∂K/∂x_k, one mathjs expression per coordinate of x.
   * @default {derived symbolically from the payoff by mathjs}
   */
  gradX?: readonly string[];
  /**
   * ∂K/∂y_k, one mathjs expression per coordinate of y.
   * @default {derived symbolically from the payoff by mathjs}
   */
  gradY?: readonly string[];
  /**
   * Named constants used in the formulas, e.g. `{ a: 0.5 }` for "a*cos(2*x)".
   * @default {{}}
   */
  parameters?: Readonly<Record<string, number>>;
  /**
   * Rewrite sin and cos of a sum a(x) + b(y) in the all-pairs loops by the angle-addition
   * formulas, with sin/cos of a and b computed once per particle (exact up to rounding). Turn it
   * off only to measure what it saves.
   * @default {true}
   */
  angleAddition?: boolean;
}

/** A game compiled from formulas: a {@linkcode Game} that also shows what was compiled. */
export interface MathjsGame extends Game {
  /** The payoff formula as given. */
  readonly formula: string;
  /** The gradient formulas in x used (given or derived). */
  readonly gradX: readonly string[];
  /** The gradient formulas in y used (given or derived). */
  readonly gradY: readonly string[];
  /** The generated JavaScript of the three kernels. */
  readonly source: { readonly payoff: string; readonly fieldX: string; readonly fieldY: string };
  /**
   * K(x_i, y_j), row-major [n, m], synchronously.
   * @param x n points of x.dim coordinates.
   * @param y m points of y.dim coordinates.
   */
  payoff(x: Float64Array, y: Float64Array): Float64Array;
  /**
   * (1/m) Σ_j ∇_x K(x_i, y_j), [n, x.dim], synchronously.
   * @param x n points.
   * @param y m points.
   */
  fieldX(x: Float64Array, y: Float64Array): Float64Array;
  /**
   * (1/n) Σ_i ∇_y K(x_i, y_j), [m, y.dim], synchronously.
   * @param x n points.
   * @param y m points.
   */
  fieldY(x: Float64Array, y: Float64Array): Float64Array;
}

/**
 * A mean-field zero-sum game from a payoff formula in mathjs syntax, for low-dimensional games.
 * Coordinates are `x`, `y` in 1-D (or `x1`, `y1`) and `x1..xd`, `y1..yd` otherwise. Gradients are
 * derived symbolically by mathjs unless given, and everything is compiled once into float64
 * loops over typed arrays: terms of one player only are evaluated once per particle, only the
 * coupling terms run over all pairs, sin and cos of a sum a(x) + b(y) are expanded by the
 * angle-addition formulas (so the pair loop does no trigonometry), and otherwise sin/cos of one
 * argument share one range reduction.
 *
 * Energy: E(p, q) = ∫∫K dp dq + ∫U_X dp − ∫U_Y dq + T∫p log p − T∫q log q (see {@linkcode Game}).
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying, quasistatic dynamics for mean-field
 * zero-sum games (ICLR 2022).
 *
 * @example A game on the circle: cos(x − y) + ½cos 2x − ½cos 2y
 * ```ts
 * import { mathjsGame } from "minima";
 * import assert from "node:assert/strict";
 *
 * const game = mathjsGame("cos(x - y) + 0.5*cos(2*x) - 0.5*cos(2*y)", { temperature: 0.2 });
 * // ∂K/∂x at x = 1 against y = 0: −sin(1) − sin(2).
 * const f = game.fieldX(Float64Array.of(1), Float64Array.of(0));
 * assert.ok(Math.abs(f[0] - (-Math.sin(1) - Math.sin(2))) < 1e-15);
 * ```
 *
 * @param payoff K(x, y) as a mathjs expression.
 * @param options Domains, temperature, gradients and parameters.
 * @returns The compiled game.
 */
export function mathjsGame(payoff: string, options: MathjsGameOptions = {}): MathjsGame {
  checkCall("mathjsGame", arguments);
  const context = "Cannot build the game";
  const temperature = options.temperature ?? 0.1;
  checkPositive(temperature, "options.temperature", context);
  const dims = usedDims(payoff);
  const x = options.x === undefined ? undefined : checkDomain(options.x, "options.x", context);
  const y = options.y === undefined ? undefined : checkDomain(options.y, "options.y", context);
  // Every coordinate gets its own statements in the compiled loops: bound the dimension before
  // compiling anything (x300000 used to compile for minutes).
  for (const [p, used, domain] of [["x", dims.x, x], ["y", dims.y, y]] as const) {
    const dim = domain?.dim ?? used;
    if (dim > MAX_FORMULA_DIM) {
      throw new RangeError(
        `${context}: ${
          domain ? `options.${p} has ${dim} coordinates` : `the payoff uses ${p}${used}`
        }, but a game compiled from formulas has at most ${MAX_FORMULA_DIM} coordinates per player (each gets its own code); use tensorGame for larger ones`,
      );
    }
  }
  return build(payoff, options, context, temperature, dims, x ?? torus(dims.x), y ?? torus(dims.y));
}

/** The most coordinates per player a formula game compiles. */
export const MAX_FORMULA_DIM = 1024;

function build(
  payoff: string,
  options: MathjsGameOptions,
  context: string,
  temperature: number,
  dims: { x: number; y: number },
  x: Domain,
  y: Domain,
): MathjsGame {
  if (dims.x > x.dim || dims.y > y.dim) {
    const [p, d, used] = dims.x > x.dim ? ["x", x, dims.x] : ["y", y, dims.y];
    throw new RangeError(
      `${context}: the payoff uses ${p}${used}, but options.${p} is ${d.kind}(${d.dim}), whose points have ${d.dim} coordinate(s); pass a domain of dimension ${used} or more`,
    );
  }
  const kernels = compileKernels({
    payoff,
    gradX: options.gradX,
    gradY: options.gradY,
    dimX: x.dim,
    dimY: y.dim,
    parameters: options.parameters,
    context,
    angleAddition: options.angleAddition ?? true,
  });
  const check = (a: Float64Array, b: Float64Array, method: string) => {
    const c = `Cannot evaluate game.${method}`;
    checkPositions(a, x.dim, "x", c);
    checkPositions(b, y.dim, "y", c);
  };
  return {
    x,
    y,
    temperature,
    description: payoff,
    formula: payoff,
    gradX: kernels.gradX,
    gradY: kernels.gradY,
    source: kernels.source,
    payoff(a, b) {
      check(a, b, "payoff");
      return kernels.payoff(a, b);
    },
    fieldX(a, b) {
      check(a, b, "fieldX");
      return kernels.fieldX(a, b);
    },
    fieldY(a, b) {
      check(a, b, "fieldY");
      return kernels.fieldY(a, b);
    },
  };
}

/** The highest coordinate index of x and y a formula mentions (1 for bare `x`, `y`). */
function usedDims(payoff: string): { x: number; y: number } {
  const out = { x: 1, y: 1 };
  if (typeof payoff !== "string") return out;
  for (const m of payoff.matchAll(/\b([xy])(\d+)\b/g)) {
    const p = m[1] as "x" | "y";
    out[p] = Math.max(out[p], Number(m[2]));
  }
  return out;
}
