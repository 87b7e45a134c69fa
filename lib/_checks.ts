/**
 * minima's argument checks, in one place and with one signature: every check takes the value,
 * its name as the user wrote it, and the context that starts the message ("Cannot run Lanczos"),
 * then what the check needs (bounds, the wanted form), and throws
 * `${context}: ${name} must be ${what}, current value is ${value}`. Private to minima; the areas'
 * own check files (`linalg/_checks.ts`, `games/_checks.ts`, `optim/_checks.ts`,
 * `landscape/_linear_stability_checks.ts`) build their domain checks on these and keep their
 * exact messages.
 *
 * {@linkcode checkCall} is the check every exported function runs first: unknown option keys
 * and a Promise passed where a value is expected, from the table `tools/docs.ts` generates from
 * the API's own types (`_api_table.ts`).
 *
 * @module
 */
import { API } from "./_api_table.ts";

/**
 * How a value is written in a message: as JSON (strings quoted, see {@linkcode show}), as
 * `String(value)`, or by the caller's function.
 */
export type Shown = "json" | "text" | ((value: unknown) => string);

/** A value for an error message (JSON for strings, arrays and plain objects, cut at 80). */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  if (ArrayBuffer.isView(value)) {
    return `a ${value.constructor.name} of length ${
      (value as unknown as ArrayLike<number>).length
    }`;
  }
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? s.slice(0, 77) + "..." : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function shown(value: unknown, as: Shown): string {
  return typeof as === "function" ? as(value) : as === "json" ? show(value) : String(value);
}

/** What a failed check throws with: the error type and how the value is written. */
export interface MustBe {
  /** @default {"RangeError"} */
  error?: "RangeError" | "TypeError";
  /** @default {"json"} */
  shown?: Shown;
}

/**
 * Throws `${context}: ${name} must be ${what}, current value is ${value}`, the form of every
 * argument error.
 */
export function mustBe(
  value: unknown,
  name: string,
  context: string,
  what: string,
  how: MustBe = {},
): never {
  const message = `${context}: ${name} must be ${what}, current value is ${
    shown(value, how.shown ?? "json")
  }`;
  throw how.error === "TypeError" ? new TypeError(message) : new RangeError(message);
}

/** A finite number > 0 ("a positive finite number", or the caller's words). */
export function checkPositive(
  value: unknown,
  name: string,
  context: string,
  what = "a positive finite number",
  how: MustBe = {},
): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    mustBe(value, name, context, what, how);
  }
  return value;
}

/** An integer ≥ 1. */
export function checkPositiveInteger(value: unknown, name: string, context: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    mustBe(value, name, context, "a positive integer");
  }
  return value;
}

/** An integer ≥ 0. */
export function checkNonNegativeInteger(value: unknown, name: string, context: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    mustBe(value, name, context, "a non-negative integer");
  }
  return value;
}

/** An integer in [min, max] ("a positive integer", "an integer ≥ 3", "an integer in [1, 9]"). */
export function checkInteger(
  value: unknown,
  name: string,
  context: string,
  min: number,
  max = Infinity,
  how: MustBe = {},
): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const what = max === Infinity
      ? (min === 1 ? "a positive integer" : `an integer ≥ ${min}`)
      : `an integer in [${min}, ${max}]`;
    mustBe(value, name, context, what, how);
  }
  return value;
}

/** A number in [lo, hi]. */
export function checkInRange(
  value: unknown,
  name: string,
  context: string,
  lo: number,
  hi: number,
): number {
  if (typeof value !== "number" || !(value >= lo && value <= hi)) {
    mustBe(value, name, context, `a number in [${lo}, ${hi}]`);
  }
  return value;
}

/** A function, when given (optional callbacks such as `onProgress`). */
export function checkOptionalFunction(
  value: unknown,
  name: string,
  context: string,
  how: MustBe = {},
): void {
  if (value !== undefined && typeof value !== "function") {
    mustBe(value, name, context, "a function", { error: "TypeError", ...how });
  }
}

/** An exported function's parameters, as `tools/docs.ts` reads them from its types. */
export interface ApiEntry {
  /** Parameter names, in order. */
  params: string[];
  /** Indexes of the parameters whose type admits a Promise (or any value). */
  promises?: number[];
  /** The options parameter: its index and the keys its type declares. */
  options?: { index: number; keys: string[] };
}

function isThenable(value: unknown): boolean {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function awaitHint(what: string, fn: string): never {
  throw new TypeError(
    `Cannot call ${fn}: ${what} is a Promise, not a value; did you forget await? (e.g. const data = await fashionMnist(...))`,
  );
}

/**
 * The check every exported function runs first, with its own name and `arguments`:
 *
 * - an option key its options type does not declare is a TypeError naming the key, the valid
 *   keys and the nearest one (`sgd({ lr: 0.1, momentum: 0.9 })` used to drop momentum);
 * - a Promise given where the type expects a value, as an argument or as a field of a plain
 *   object argument (`{ model, loss, data }` with `data` not awaited), is a TypeError asking
 *   whether `await` is missing.
 *
 * The keys come from `_api_table.ts`, generated from the types by `deno task docs`.
 *
 * @param fn The exported name.
 * @param args The call's `arguments`.
 */
let checkedCalls = 0;

/** How many times {@linkcode checkCall} has run in this process (tests hold loops to it). */
export function checkCallCount(): number {
  return checkedCalls;
}

export function checkCall(fn: string, args: ArrayLike<unknown>): void {
  checkedCalls++;
  const entry = API[fn];
  if (entry === undefined) return;
  const promises = entry.promises;
  for (let i = 0; i < args.length; i++) {
    if (promises !== undefined && promises.includes(i)) continue;
    const value = args[i];
    const name = entry.params[i] ?? `argument ${i + 1}`;
    if (isThenable(value)) awaitHint(name, fn);
    if (isPlainObject(value)) {
      for (const key in value) {
        if (isThenable(value[key])) awaitHint(`${name}.${key}`, fn);
      }
    }
  }
  const options = entry.options;
  if (options === undefined) return;
  const given = args[options.index];
  // Options left out are the defaults; null, a number, a string or a list is no options object
  // (null failed inside with "Cannot read properties of null", the others were ignored).
  if (
    given !== undefined &&
    (given === null || typeof given !== "object" || Array.isArray(given))
  ) {
    throw new TypeError(
      `Cannot call ${fn}: ${
        entry.params[options.index] ?? "options"
      } must be an object of options or left out, current value is ${show(given)}`,
    );
  }
  if (!isPlainObject(given)) return;
  for (const key of Object.keys(given)) {
    if (options.keys.includes(key)) continue;
    // minima's own functions forward their options to the ones they build on (sharpness to
    // hessianOperator): those keys were checked by the outer function, so a call from the
    // library itself is not refused.
    if (calledFromLibrary()) return;
    const near = nearest(key, options.keys);
    throw new TypeError(
      `Cannot call ${fn}: unknown option ${key}${
        near ? ` (did you mean ${near}?)` : ""
      }; the options are ${options.keys.join(", ")}`,
    );
  }
}

/** The folder of minima's library code. */
const LIBRARY = new URL("./", import.meta.url).href;

/**
 * Whether the exported function that called {@linkcode checkCall} was itself called from
 * minima's library code (not a test, a doc example or a user's code). Read from the stack, only
 * when a key is unknown.
 */
function calledFromLibrary(): boolean {
  // Frames: calledFromLibrary, checkCall, the exported function, its caller.
  const frame = (new Error().stack ?? "").split("\n").filter((l) => l.includes(" at "))[3];
  const url = frame?.match(/(file:\/\/[^\s)]+?):\d+:\d+\)?\s*$/)?.[1];
  return url !== undefined && url.startsWith(LIBRARY) && !url.includes("#") &&
    !/_test\.ts$/.test(url);
}

/** The valid key closest to a mistyped one, when it is close (by edit distance or case). */
export function nearest(key: string, keys: readonly string[]): string | undefined {
  let best: string | undefined, bestDistance = Infinity;
  for (const k of keys) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : distance(key, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 4)) ? best : undefined;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
