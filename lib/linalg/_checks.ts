/**
 * Input checks and the guarded operator application shared by the estimators, on top of
 * minima's generic checks (`lib/_checks.ts`). Private to `lib/linalg/`. Every message starts with
 * the action that failed ("Cannot run Lanczos: ...").
 *
 * @module
 */
import type { LinearOperator } from "./linear_operator.ts";
import { Rng, type Seed } from "../random/mod.ts";
import {
  checkInteger as integer,
  checkOptionalFunction,
  checkPositive as positive,
} from "../_checks.ts";

/** Checks that `op` looks like a {@linkcode LinearOperator}. */
export function checkOperator(op: LinearOperator, action: string): void {
  if (op === null || typeof op !== "object" || typeof op.matvec !== "function") {
    throw new TypeError(
      `${action}: op must be a LinearOperator { dim, matvec }, current value is ${describe(op)}`,
    );
  }
  if (!Number.isInteger(op.dim) || op.dim < 1) {
    throw new RangeError(
      `${action}: op.dim must be a positive integer, current value is ${op.dim}`,
    );
  }
}

/** Checks an integer option against [min, max]. */
export function checkInteger(
  value: number,
  name: string,
  action: string,
  min: number,
  max = Infinity,
): void {
  integer(value, name, action, min, max, { shown: "text" });
}

/** Checks a finite number > 0. */
export function checkPositive(value: number, name: string, action: string): void {
  positive(value, name, action, undefined, { shown: "text" });
}

/** Checks the optional progress callback. */
export function checkCallback(value: unknown, name: string, action: string): void {
  checkOptionalFunction(value, name, action, { shown: describe });
}

/** A seeded generator from the `seed` option (0 by default), with a message naming the action. */
export function rngFrom(seed: Seed | undefined, action: string): Rng {
  try {
    return new Rng(seed ?? 0);
  } catch {
    throw new TypeError(
      `${action}: seed must be a non-negative integer below 2^53 or a string, current value is ${seed}`,
    );
  }
}

/**
 * A copy of a user-supplied start vector, checked for length, finiteness and a non-zero norm.
 */
export function checkStartVector(
  v: ArrayLike<number>,
  dim: number,
  action: string,
): Float64Array {
  if (v === null || typeof v !== "object" || typeof v.length !== "number") {
    throw new TypeError(
      `${action}: startVector must be an array of length ${dim}, current value is ${describe(v)}`,
    );
  }
  if (v.length !== dim) {
    throw new TypeError(
      `${action}: startVector must have length op.dim = ${dim}, current length is ${v.length}`,
    );
  }
  const out = Float64Array.from(v);
  let nonzero = false;
  for (let i = 0; i < dim; i++) {
    if (!Number.isFinite(out[i])) {
      throw new RangeError(
        `${action}: startVector must be finite, entry ${i} is ${out[i]}`,
      );
    }
    if (out[i] !== 0) nonzero = true;
  }
  if (!nonzero) {
    throw new RangeError(`${action}: startVector must be non-zero, current value is all zeros`);
  }
  return out;
}

/**
 * y = A v, awaited and checked: the right length, finite entries, and never an alias of v
 * (an identity operator `v => v` would otherwise let in-place updates corrupt the basis).
 */
export async function apply(
  op: LinearOperator,
  v: Float64Array,
  action: string,
): Promise<Float64Array> {
  let y: unknown = await op.matvec(v);
  if (!(y instanceof Float64Array)) {
    if (y instanceof Float32Array || Array.isArray(y)) {
      y = Float64Array.from(y as ArrayLike<number>);
    } else {
      throw new TypeError(
        `${action}: op.matvec must return a Float64Array of length ${op.dim}, it returned ${
          describe(y)
        }`,
      );
    }
  }
  let out = y as Float64Array;
  if (out.length !== op.dim) {
    throw new TypeError(
      `${action}: op.matvec must return length op.dim = ${op.dim}, it returned length ${out.length}`,
    );
  }
  if (out === v || out.buffer === v.buffer) out = Float64Array.from(out);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new RangeError(
        `${action}: op.matvec returned a non-finite value (${
          out[i]
        }) at index ${i}; check the operator, e.g. a diverged model gives NaN Hessian-vector products`,
      );
    }
  }
  return out;
}

/** A short number for messages: two significant digits, exponent form below 1e-3 (1.9e-6). */
export function short(x: number): string {
  const r = Number(x.toPrecision(2));
  return Math.abs(r) < 1e-3 && r !== 0 ? r.toExponential() : String(r);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === "object") return "an object";
  return String(value);
}
