import { emit, quiet } from "./_kernel.ts";
import { escapeHtml, formatNumber, textTable } from "./_format.ts";

/** How a measured value is compared with the expected one. */
export type Relation = "≈" | "≤" | "≥" | "<" | ">" | "=";

/** A paper's claim as a notebook checks it. */
export interface ClaimSpec {
  /** The claim in words, e.g. "sharpness plateaus at 2/η". */
  statement: string;
  /** What the notebook measured: a number, several numbers (each must hold), or a boolean. */
  actual: number | readonly number[] | boolean;
  /** What the claim predicts: a number (or one per measured value), or a boolean. */
  expected: number | readonly number[] | boolean;
  /**
   * The comparison. "≈": |a − e| ≤ atol + rtol·|e|; "≤": a ≤ e + atol + rtol·|e| (and "≥" likewise,
   * the tolerance is slack); "<", ">": strict, no slack; "=": exact equality.
   * @default {"≈"}
   */
  relation?: Relation;
  /** Relative tolerance. @default {0} */
  rtol?: number;
  /** Absolute tolerance. @default {0} */
  atol?: number;
}

/** Options of a single {@linkcode claim}. */
export type ClaimOptions = Pick<ClaimSpec, "relation" | "rtol" | "atol">;

/** A checked claim. */
export interface ClaimResult {
  /** The claim in words. */
  statement: string;
  /** What was measured. */
  actual: number | number[] | boolean;
  /** What the claim predicts. */
  expected: number | number[] | boolean;
  /** The comparison made. */
  relation: Relation;
  /** The relative tolerance used. */
  rtol: number;
  /** The absolute tolerance used. */
  atol: number;
  /** Whether the claim holds (for every measured value). */
  passed: boolean;
  /** The worst margin as text, e.g. "|a − e| = 0.31 > 0.2". */
  detail: string;
}

/** The MIME type carrying checked claims as JSON (read by the notebook runner and report). */
export const CLAIMS_MIME = "application/vnd.minima.claims+json";

/** Thrown after a claim table is shown when any claim in it failed. */
export class ClaimError extends Error {
  /** Every claim of the check, passed or not. */
  readonly results: ClaimResult[];
  /**
   * Makes the error from a checked claim list; the message lists every failed claim.
   *
   * @param results Every claim of the check, at least one of them failed.
   */
  constructor(results: ClaimResult[]) {
    const failed = results.filter((r) => !r.passed);
    super(
      `${failed.length} of ${results.length} claim${results.length === 1 ? "" : "s"} failed: ${
        failed.map((r) => `"${r.statement}" (${r.detail})`).join("; ")
      }`,
    );
    this.name = "ClaimError";
    this.results = results;
  }
}

/**
 * Checks one claim numerically, shows a ✓/✗ table with the numbers, and throws a
 * {@linkcode ClaimError} when it fails, so a failing claim fails the notebook run.
 *
 * @example
 * ```ts
 * import { claim } from "minima";
 * import assert from "node:assert/strict";
 *
 * const eta = 0.1, plateau = 19.6;
 * const r = await claim("sharpness plateaus at 2/η", plateau, 2 / eta, { rtol: 0.05 });
 * assert.ok(r.passed);
 * await assert.rejects(() => claim("a ≤ 2/η", 25, 2 / eta, { relation: "≤" }), /1 of 1 claim failed/);
 * ```
 *
 * @param statement The claim in words.
 * @param actual The measured value(s).
 * @param expected The predicted value(s).
 * @param options Relation and tolerances.
 * @returns The checked claim.
 */
export async function claim(
  statement: string,
  actual: ClaimSpec["actual"],
  expected: ClaimSpec["expected"],
  options: ClaimOptions = {},
): Promise<ClaimResult> {
  return quiet((await claims([{ statement, actual, expected, ...options }]))[0]);
}

/**
 * Checks several claims, shows them in one ✓/✗ table, and throws a {@linkcode ClaimError} if any
 * failed (after showing all of them).
 *
 * @example
 * ```ts
 * import { claims } from "minima";
 * import assert from "node:assert/strict";
 *
 * const results = await claims([
 *   { statement: "2-cycle at x* ≈ 1.29", actual: 1.2878, expected: 1.29, rtol: 0.01 },
 *   { statement: "every run converged", actual: true, expected: true },
 *   { statement: "a ≤ 2/η for every η", actual: [9.8, 19.7], expected: [10, 20], relation: "≤", rtol: 0.02 },
 * ]);
 * assert.equal(results.filter((r) => r.passed).length, 3);
 * ```
 *
 * @param list The claims.
 * @returns The checked claims.
 */
export async function claims(list: readonly ClaimSpec[]): Promise<ClaimResult[]> {
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(
      "Cannot check claims: give a non-empty array of { statement, actual, expected }",
    );
  }
  const results = list.map((spec, i) => check(spec, i));
  const header = ["", "claim", "measured", "", "expected", "tolerance"];
  const rows = results.map((r) => [
    r.passed ? "✓" : "✗",
    r.statement,
    show(r.actual),
    r.relation,
    show(r.expected),
    tolerance(r),
  ]);
  const text = textTable(header, rows, [false, false, true, false, true, false]) +
    results.filter((r) => !r.passed).map((r) => `\n✗ ${r.statement}: ${r.detail}`).join("");
  const html = `<table><thead><tr>${
    header.map((h) => `<th>${h}</th>`).join("")
  }</tr></thead><tbody>${
    results.map((r, i) =>
      `<tr style="background:${r.passed ? "#e8f6ec" : "#fbe4e4"}">${
        rows[i].map((c, j) =>
          `<td style="text-align:${j === 2 || j === 4 ? "right" : "left"}"${
            j === 0 ? ` title="${escapeHtml(r.detail)}"` : ""
          }>${escapeHtml(c)}</td>`
        ).join("")
      }</tr>`
    ).join("")
  }</tbody></table>`;
  const bundle = { "text/html": html, "text/plain": text, [CLAIMS_MIME]: { claims: results } };
  if (!(await emit(bundle))) console.log(text);
  if (results.some((r) => !r.passed)) throw new ClaimError(results);
  return quiet(results);
}

function check(spec: ClaimSpec, index: number): ClaimResult {
  const where = `Cannot check claim ${index}`;
  if (typeof spec?.statement !== "string" || spec.statement.trim() === "") {
    throw new TypeError(`${where}: statement must be a non-empty string describing the claim`);
  }
  const relation = spec.relation ?? (typeof spec.actual === "boolean" ? "=" : "≈");
  if (!["≈", "≤", "≥", "<", ">", "="].includes(relation)) {
    throw new TypeError(
      `${where} ("${spec.statement}"): relation must be one of ≈ ≤ ≥ < > =, current value is ${
        JSON.stringify(relation)
      }`,
    );
  }
  const rtol = spec.rtol ?? 0, atol = spec.atol ?? 0;
  if (!(rtol >= 0) || !(atol >= 0)) {
    throw new RangeError(
      `${where} ("${spec.statement}"): rtol and atol must be non-negative, current values are ${rtol} and ${atol}`,
    );
  }
  const base = { statement: spec.statement, relation, rtol, atol };
  if (typeof spec.actual === "boolean" || typeof spec.expected === "boolean") {
    if (
      typeof spec.actual !== "boolean" || typeof spec.expected !== "boolean" || relation !== "="
    ) {
      throw new TypeError(
        `${where} ("${spec.statement}"): a boolean claim needs boolean actual and expected and relation "="`,
      );
    }
    const passed = spec.actual === spec.expected;
    return {
      ...base,
      actual: spec.actual,
      expected: spec.expected,
      passed,
      detail: passed ? "holds" : `measured ${spec.actual}, expected ${spec.expected}`,
    };
  }
  const actual = typeof spec.actual === "number" ? [spec.actual] : Array.from(spec.actual ?? []);
  const expected = typeof spec.expected === "number"
    ? actual.map(() => spec.expected as number)
    : Array.from(spec.expected ?? []);
  if (actual.length === 0 || actual.some((a) => typeof a !== "number")) {
    throw new TypeError(
      `${where} ("${spec.statement}"): actual must be a number, a non-empty array of numbers or a boolean`,
    );
  }
  if (
    expected.length !== actual.length ||
    expected.some((e) => typeof e !== "number" || Number.isNaN(e))
  ) {
    throw new TypeError(
      `${where} ("${spec.statement}"): expected must be a number or an array as long as actual (${actual.length})`,
    );
  }
  let passed = true;
  let worst = "";
  let worstMargin = -Infinity;
  actual.forEach((a, i) => {
    const e = expected[i];
    const slack = atol + rtol * Math.abs(e);
    let margin: number; // > 0 means violated by that much
    let text: string;
    switch (relation) {
      case "≈":
        margin = Math.abs(a - e) - slack;
        text = `|a − e| = ${formatNumber(Math.abs(a - e))} ${margin > 0 ? ">" : "≤"} ${
          formatNumber(slack)
        }`;
        break;
      case "≤":
        margin = a - (e + slack);
        text = `${formatNumber(a)} ${margin > 0 ? ">" : "≤"} ${formatNumber(e + slack)}`;
        break;
      case "≥":
        margin = (e - slack) - a;
        text = `${formatNumber(a)} ${margin > 0 ? "<" : "≥"} ${formatNumber(e - slack)}`;
        break;
      case "<":
        margin = a < e ? -Math.abs(e - a) : Math.abs(a - e) + Number.MIN_VALUE;
        text = `${formatNumber(a)} ${a < e ? "<" : "≥"} ${formatNumber(e)}`;
        break;
      case ">":
        margin = a > e ? -Math.abs(a - e) : Math.abs(e - a) + Number.MIN_VALUE;
        text = `${formatNumber(a)} ${a > e ? ">" : "≤"} ${formatNumber(e)}`;
        break;
      default:
        margin = a === e ? -1 : 1;
        text = `${formatNumber(a)} ${a === e ? "=" : "≠"} ${formatNumber(e)}`;
    }
    if (Number.isNaN(a)) margin = Infinity;
    if (margin > 0) passed = false;
    if (margin > worstMargin) {
      worstMargin = margin;
      worst = actual.length > 1 ? `[${i}] ${text}` : text;
    }
  });
  return {
    ...base,
    actual: typeof spec.actual === "number" ? spec.actual : actual,
    expected: typeof spec.expected === "number" ? spec.expected : expected,
    passed,
    detail: worst,
  };
}

function show(v: number | number[] | boolean): string {
  if (Array.isArray(v)) {
    const shown = v.slice(0, 6).map((x) => formatNumber(x)).join(", ");
    return `[${shown}${v.length > 6 ? `, … (${v.length})` : ""}]`;
  }
  return formatNumber(v);
}

function tolerance(r: ClaimResult): string {
  const parts = [];
  if (r.rtol > 0) parts.push(`rtol ${formatNumber(r.rtol)}`);
  if (r.atol > 0) parts.push(`atol ${formatNumber(r.atol)}`);
  return parts.join(", ") || (r.relation === "≈" ? "exact" : "");
}
