/**
 * The JavaScript the formula compiler writes (see `_compile.ts`): one template per compiled
 * function, the payoff and field kernels around the loops the emitter fills, and the step that
 * turns a kernel's source into a function. Every piece of text here is fixed; the only inputs
 * are the emitter's statements (built from checked trees: numbers, coordinate and temporary
 * names) and dimensions. Private to the area.
 *
 * @module
 */
import type { Player } from "./_compile_parse.ts";

/** JavaScript for the compiled one-argument functions other than sin and cos (own properties). */
export const UNARY_JS: Readonly<Record<string, (a: string) => string>> = Object.freeze({
  tan: (a: string) => `Math.tan(${a})`,
  exp: (a: string) => `Math.exp(${a})`,
  log: (a: string) => `Math.log(${a})`,
  log1p: (a: string) => `Math.log1p(${a})`,
  expm1: (a: string) => `Math.expm1(${a})`,
  sqrt: (a: string) => `Math.sqrt(${a})`,
  abs: (a: string) => `Math.abs(${a})`,
  sign: (a: string) => `Math.sign(${a})`,
  tanh: (a: string) => `Math.tanh(${a})`,
  sinh: (a: string) => `Math.sinh(${a})`,
  cosh: (a: string) => `Math.cosh(${a})`,
  atan: (a: string) => `Math.atan(${a})`,
  asin: (a: string) => `Math.asin(${a})`,
  acos: (a: string) => `Math.acos(${a})`,
  sec: (a: string) => `(1 / Math.cos(${a}))`,
  csc: (a: string) => `(1 / Math.sin(${a}))`,
  cot: (a: string) => `(1 / Math.tan(${a}))`,
  sech: (a: string) => `(1 / Math.cosh(${a}))`,
  csch: (a: string) => `(1 / Math.sinh(${a}))`,
  coth: (a: string) => `(1 / Math.tanh(${a}))`,
  square: (a: string) => `sq(${a})`,
  cube: (a: string) => `cube(${a})`,
});

/** x^e: squares and cubes by multiplication, other powers by Math.pow. */
export function powJs(base: string, exponent: string, constant?: unknown): string {
  if (constant === 2 || constant === 3) return `${constant === 2 ? "sq" : "cube"}(${base})`;
  return `Math.pow(${base}, ${exponent})`;
}

/** A number as a JavaScript literal (negative ones parenthesized). */
export function numberJs(v: number): string {
  return v < 0 || Object.is(v, -0) ? `(${v})` : String(v);
}

/** The helpers every kernel may call. */
const HELPERS = { sq: (v: number) => v * v, cube: (v: number) => v * v * v };

/** Turns a kernel's source (a `function` expression) into the function. */
export function buildKernel(source: string): (a: Float64Array, b: Float64Array) => Float64Array {
  return new Function(...Object.keys(HELPERS), `"use strict";\nreturn ${source};`)(
    ...Object.values(HELPERS),
  );
}

/**
 * Declarations of the coordinates of `player` that `code` reads, from `array[index]`: one pass
 * over the code's names, so the cost grows with the code, not with code × dimension.
 */
export function loadCoordinates(
  player: Player,
  dim: number,
  array: string,
  index: string,
  code: string,
): string {
  const used = new Set<number>();
  for (const m of code.matchAll(new RegExp(`\\b${player}(\\d+)\\b`, "g"))) {
    const k = Number(m[1]);
    if (k < dim) used.add(k);
  }
  return [...used].sort((a, b) => a - b)
    .map((k) => `const ${player}${k} = ${array}[${index} * ${dim} + ${k}];`).join(" ");
}

/** The precompute loop over the inner particles, storing each output in `<name>v[j]`. */
export function preLoopTemplate(
  text: string,
  outputs: readonly string[],
  load: (text: string) => string,
  count: string,
): string {
  if (text.trim() === "") return "";
  const body = `${text}\n    ${outputs.map((o) => `${o}v[j] = ${o};`).join(" ")}`;
  return `${outputs.map((o) => `const ${o}v = new Float64Array(${count});`).join(" ")}
  for (let j = 0; j < ${count}; j++) {
    ${load(body)}
${body}
  }`;
}

/** The pieces of the payoff kernel. */
export interface PayoffPieces {
  dimX: number;
  dimY: number;
  /** The precompute loop over y (from {@linkcode preLoopTemplate}). */
  pre: string;
  /** Statements once per x particle. */
  outer: string;
  /** Statements per pair, before the value. */
  inner: string;
  /** K(x_i, y_j). */
  body: string;
}

/** K(x_i, y_j) row-major [n, m]: x in the outer loop, y in the pair loop. */
export function payoffTemplate(p: PayoffPieces): string {
  const innerText = `${p.inner}\n      out[i * m + j] = ${p.body};`;
  return `function payoff(X, Y) {
  const n = X.length / ${p.dimX}, m = Y.length / ${p.dimY};
  const out = new Float64Array(n * m);
  ${p.pre}
  for (let i = 0; i < n; i++) {
    ${loadCoordinates("x", p.dimX, "X", "i", p.outer + innerText)}
${p.outer}
    for (let j = 0; j < m; j++) {
      ${loadCoordinates("y", p.dimY, "Y", "j", innerText)}
${innerText}
    }
  }
  return out;
}`;
}

/** The pieces of a field kernel, (1/n_o) Σ_j ∇_p K for each particle of player p. */
export interface FieldPieces {
  player: Player;
  dim: number;
  otherDim: number;
  /** Per component: the terms of the other player only (averaged once per call). */
  rest: readonly string[];
  /** Statements of the other player's loop that the rest terms read. */
  restScope: string;
  /** Per component: the terms of this player only (once per particle). */
  own: readonly string[];
  /** Per component: the coupling terms (per pair). */
  pair: readonly string[];
  anyRest: boolean;
  anyPair: boolean;
  /** The precompute loop over the other player's particles. */
  pre: string;
  /** Statements once per particle. */
  outer: string;
  /** Statements per pair. */
  inner: string;
}

/** The field kernel of one player. */
export function fieldTemplate(p: FieldPieces): string {
  const other: Player = p.player === "x" ? "y" : "x";
  const P = p.player.toUpperCase(), O = other.toUpperCase();
  const ks = p.rest.map((_, k) => k);
  const restText = `${p.restScope}\n    ${ks.map((k) => `r${k} += ${p.rest[k]};`).join(" ")}`;
  const innerText = `${p.inner}\n      ${ks.map((k) => `g${k} += ${p.pair[k]};`).join(" ")}`;
  const storeText = ks.map((k) => `out[i * ${p.dim} + ${k}] = g${k} / no + r${k} + (${p.own[k]});`)
    .join("\n    ");
  return `function field${P}(X, Y) {
  const np = ${P}.length / ${p.dim}, no = ${O}.length / ${p.otherDim};
  const out = new Float64Array(np * ${p.dim});
  ${ks.map((k) => `let r${k} = 0;`).join(" ")}
  ${
    p.anyRest
      ? `for (let j = 0; j < no; j++) {
    ${loadCoordinates(other, p.otherDim, O, "j", restText)}
${restText}
  }
  ${ks.map((k) => `r${k} /= no;`).join(" ")}`
      : ""
  }
  ${p.pre}
  for (let i = 0; i < np; i++) {
    ${loadCoordinates(p.player, p.dim, P, "i", p.outer + innerText + storeText)}
${p.outer}
    ${ks.map((k) => `let g${k} = 0;`).join(" ")}
    ${
    p.anyPair
      ? `for (let j = 0; j < no; j++) {
      ${loadCoordinates(other, p.otherDim, O, "j", innerText)}
${innerText}
    }`
      : ""
  }
    ${storeText}
  }
  return out;
}`;
}
