import type { VectorField } from "./sde_terms.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode linearDrift}. */
export interface LinearDriftOptions {
  /**
   * The constant c in f(x) = M x + c (length dim).
   * @default {zeros}
   */
  offset?: ArrayLike<number>;
}

/** Above this dimension the drift loops instead of running straight-line code. */
const UNROLL_LIMIT = 16;

/**
 * A linear drift f(t, x) = M x + c for every particle, e.g. the Ornstein–Uhlenbeck drift
 * −Θ(x − μ) with M = −Θ, c = Θμ. Up to dim 16 the batch loop is compiled to straight-line code
 * with M's entries as constants (about 3× faster than a loop over a matrix for dim 10, where the
 * matrix–vector products are a third of an Euler–Maruyama step); beyond that it loops.
 *
 * @example A 2-D rotation-and-decay drift
 * ```ts
 * import { linearDrift } from "minima";
 * import assert from "node:assert/strict";
 *
 * const f = linearDrift([[-1, 2], [-2, -1]], { offset: [1, 0] });
 * const out = new Float64Array(4);
 * f(0, Float64Array.of(1, 0, 0, 1), out); // two particles
 * assert.deepEqual(Array.from(out), [0, -2, 3, -1]);
 * ```
 *
 * @param matrix M as rows (number[][]) or dim² values row-major.
 * @param options The offset c.
 * @returns The drift, writing into `out`.
 */
export function linearDrift(
  matrix: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  options: LinearDriftOptions = {},
): VectorField {
  checkCall("linearDrift", arguments);
  const what = "build the linear drift";
  const rows = matrix as ArrayLike<unknown>;
  if (rows === null || typeof rows !== "object" || typeof rows.length !== "number") {
    throw new TypeError(
      `Cannot ${what}: matrix must be an array (dim rows of dim values, or dim² values), current value is ${matrix}`,
    );
  }
  const nested = rows?.length > 0 && typeof rows[0] === "object";
  const flat: number[] = nested
    ? Array.from(rows as ArrayLike<ArrayLike<number>>, (r) => Array.from(r)).flat()
    : Array.from(rows as ArrayLike<number>);
  const dim = Math.round(Math.sqrt(flat.length));
  const square = nested
    ? Array.from(rows as ArrayLike<ArrayLike<number>>).every((r) => r?.length === rows.length)
    : dim * dim === flat.length;
  if (flat.length === 0 || !square) {
    throw new RangeError(
      `Cannot ${what}: matrix must be square (dim rows of dim values, or dim² values), current size is ${flat.length} values`,
    );
  }
  const offset = options.offset === undefined ? new Array(dim).fill(0) : Array.from(options.offset);
  if (offset.length !== dim) {
    throw new RangeError(
      `Cannot ${what}: offset must hold dim = ${dim} values, current length is ${offset.length}`,
    );
  }
  if (![...flat, ...offset].every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new RangeError(`Cannot ${what}: matrix and offset must hold finite numbers`);
  }
  if (dim <= UNROLL_LIMIT) {
    // Number's toString round-trips every double exactly, so the constants are M's entries.
    const lit = (v: number) => (Object.is(v, -0) ? "0" : `(${v})`);
    let body = `for (let p = 0; p < x.length; p += ${dim}) {\n`;
    for (let j = 0; j < dim; j++) body += `const x${j} = x[p + ${j}];\n`;
    for (let i = 0; i < dim; i++) {
      const terms = [];
      for (let j = 0; j < dim; j++) {
        if (flat[i * dim + j] !== 0) terms.push(`${lit(flat[i * dim + j])} * x${j}`);
      }
      if (offset[i] !== 0 || terms.length === 0) terms.push(lit(offset[i]));
      body += `out[p + ${i}] = ${terms.join(" + ")};\n`;
    }
    body += "}";
    const kernel = new Function("x", "out", body) as (x: Float64Array, out: Float64Array) => void;
    return (_t, x, out) => kernel(x, out);
  }
  const m = Float64Array.from(flat), c = Float64Array.from(offset);
  return (_t, x, out) => {
    for (let p = 0; p < x.length; p += dim) {
      for (let i = 0, r = 0; i < dim; i++, r += dim) {
        let s = c[i];
        for (let j = 0; j < dim; j++) s += m[r + j] * x[p + j];
        out[p + i] = s;
      }
    }
  };
}
