import { emit, quiet } from "./_kernel.ts";
import { escapeHtml, formatNumber, textTable } from "./_format.ts";
import { isSeedInterval, type SeedInterval } from "./seed_interval.ts";
import { checkCall } from "../_checks.ts";

/** How a measured value is compared with the expected one. */
export type Relation = "≈" | "≤" | "≥" | "<" | ">" | "=";

/**
 * What a checked statement is. A "claim" is a result of the paper that the run could have
 * contradicted; an "identity" holds by construction or by an inequality at any point (a bound
 * from Cauchy–Schwarz, a step size chosen to satisfy a condition, a function that throws by
 * design). Identities are shown with their own mark (≡) and not counted among the claims.
 */
export type ClaimKind = "claim" | "identity";

/** What a notebook measured: a number, several numbers, a boolean, or intervals over seeds. */
export type Measured =
  | number
  | readonly number[]
  | boolean
  | SeedInterval
  | readonly SeedInterval[];

/**
 * A negative control: the same quantity measured under a null model (gradient flow instead of
 * the SDE, a rule without its key part) that the claim's test must reject.
 */
export interface ClaimControl {
  /** The null model in words, e.g. "GD (no noise)". */
  label: string;
  /** What the null model gave, compared with the claim's expected value(s) the same way. */
  actual: Measured;
}

/** A paper's claim as a notebook checks it. */
export interface ClaimSpec {
  /** The claim in words, e.g. "sharpness plateaus at 2/η". */
  statement: string;
  /**
   * What the notebook measured: a number, several numbers (each must hold), a boolean, or an
   * interval over seeds from {@linkcode seedInterval} (or several), which must hold at every point
   * of the interval.
   */
  actual: Measured;
  /**
   * What the claim predicts: a number (or one per measured value), or a boolean. An infinite
   * expected value is compared exactly, without tolerance (5 ≤ ∞ holds, 5 ≈ ∞ and 5 ≥ ∞ fail);
   * a NaN measurement fails every relation.
   */
  expected: number | readonly number[] | boolean;
  /**
   * The comparison. "≈": |a − e| ≤ atol + rtol·|e|; "≤": a ≤ e + atol + rtol·|e| (and "≥" likewise,
   * the tolerance is slack); "<", ">": strict, no slack; "=": exact equality. An interval passes
   * when every point of it does ("≈": both ends within the tolerance of e; ">": the lower end
   * above e).
   * @default {"≈"}
   */
  relation?: Relation;
  /** Relative tolerance. @default {0} */
  rtol?: number;
  /** Absolute tolerance. @default {0} */
  atol?: number;
  /** A claim of the paper, or an identity check. @default {"claim"} */
  kind?: ClaimKind;
  /**
   * A null model that must fail the same test at the same tolerance: the claim holds only if its
   * own measurement passes and the control's fails at every one of its values.
   */
  control?: ClaimControl;
  /**
   * How an interval over seeds is tested. "inside": the relation must hold at every point of the
   * interval (the data show it beyond seed noise; the test for a direction, "A > B"). "overlaps":
   * at some point of it (the data agree with it within seed noise, "≈ within 3 s.e."); such a
   * claim can only fail when the interval is narrow, so give it a control, which then must miss
   * at every point of its own interval.
   * @default {"inside"}
   */
  interval?: IntervalTest;
}

/** How an interval over seeds is tested: at every point of it, or at some point. */
export type IntervalTest = "inside" | "overlaps";

/** Options of a single {@linkcode claim}. */
export type ClaimOptions = Pick<
  ClaimSpec,
  "relation" | "rtol" | "atol" | "kind" | "control" | "interval"
>;

/** Options of a single {@linkcode identity}. */
export type IdentityOptions = Pick<ClaimSpec, "relation" | "rtol" | "atol">;

/** An interval over seeds as a checked claim records it (no `kind` tag). */
export type IntervalRecord = Omit<SeedInterval, "kind">;

/** What a checked claim records as measured. */
export type MeasuredRecord = number | number[] | boolean | IntervalRecord | IntervalRecord[];

/** How the negative control of a claim fared. */
export interface ControlResult {
  /** The null model in words. */
  label: string;
  /** What the null model gave. */
  actual: MeasuredRecord;
  /** Whether the control passed the claim's test (then the claim fails). */
  holds: boolean;
  /** The control's margin as text. */
  detail: string;
}

/** A checked claim. */
export interface ClaimResult {
  /** The claim in words. */
  statement: string;
  /** A claim of the paper or an identity check. */
  kind: ClaimKind;
  /** What was measured. */
  actual: MeasuredRecord;
  /** What the claim predicts. */
  expected: number | number[] | boolean;
  /** The comparison made. */
  relation: Relation;
  /** The relative tolerance used. */
  rtol: number;
  /** The absolute tolerance used. */
  atol: number;
  /** How intervals over seeds were tested (present when the claim has one). */
  interval?: IntervalTest;
  /** Whether the claim holds (for every measured value, with its control failing). */
  passed: boolean;
  /** The worst margin as text, e.g. "|a − e| = 0.31 > 0.2". */
  detail: string;
  /** The negative control, when the claim has one. */
  control?: ControlResult;
}

/** The MIME type carrying checked claims as JSON (read by the notebook runner and report). */
export const CLAIMS_MIME = "application/vnd.minima.claims+json";

/** Thrown after a claim table is shown when any claim or identity check in it failed. */
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
    const count = (kind: ClaimKind, one: string, many: string) => {
      const all = results.filter((r) => r.kind === kind);
      const bad = all.filter((r) => !r.passed).length;
      return bad === 0 ? [] : [`${bad} of ${all.length} ${all.length === 1 ? one : many}`];
    };
    const counts = [
      ...count("claim", "claim", "claims"),
      ...count("identity", "identity check", "identity checks"),
    ];
    super(
      `${counts.join(" and ")} failed: ${
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
 * With `control`, the claim also needs its null model to fail the same test at the same
 * tolerance; a control that passes fails the claim, since then the test cannot tell the theory
 * from the null model. With a {@linkcode seedInterval} as the measured value, the claim must hold
 * at every point of the interval.
 *
 * @example A claim
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
 * @example A claim with a negative control
 * ```ts
 * import { claim } from "minima";
 * import assert from "node:assert/strict";
 *
 * // The loss spread of SGD matches the SDE's; gradient descent (no noise) must not.
 * const r = await claim("stationary spread ≈ the SDE's", 0.98, 1, {
 *   rtol: 0.1,
 *   control: { label: "GD (no noise)", actual: 0 },
 * });
 * assert.equal(r.control?.holds, false);
 * await assert.rejects(
 *   () => claim("late loss ≈ SGD's", 1.02, 1, { rtol: 0.2, control: { label: "GD", actual: 0.97 } }),
 *   /the test cannot tell the claim from the null model/,
 * );
 * ```
 *
 * @example A claim over seeds
 * ```ts
 * import { claim, seedInterval } from "minima";
 * import assert from "node:assert/strict";
 *
 * // Per-seed differences; the claim is that the difference is positive.
 * const gaps = seedInterval([0.031, 0.028, 0.035, 0.026, 0.033]);
 * assert.ok((await claim("rule A beats rule B", gaps, 0, { relation: ">" })).passed);
 * ```
 *
 * @param statement The claim in words.
 * @param actual The measured value(s), or an interval over seeds.
 * @param expected The predicted value(s).
 * @param options Relation, tolerances, kind and negative control.
 * @returns The checked claim.
 */
export async function claim(
  statement: string,
  actual: ClaimSpec["actual"],
  expected: ClaimSpec["expected"],
  options: ClaimOptions = {},
): Promise<ClaimResult> {
  checkCall("claim", arguments);
  return quiet((await claims([{ statement, actual, expected, ...options }]))[0]);
}

/**
 * Checks a statement that holds by construction or at any point (an inequality such as
 * Cauchy–Schwarz, a parameter chosen to satisfy a condition), and shows it with the identity
 * mark ≡: it guards the code, it is not one of the paper's claims. Throws a
 * {@linkcode ClaimError} when it fails, like a claim.
 *
 * @example
 * ```ts
 * import { identity } from "minima";
 * import assert from "node:assert/strict";
 *
 * const r = await identity("the step is past the threshold: 2/η < f''(0)", 2 / 3, 1, { relation: "<" });
 * assert.equal(r.kind, "identity");
 * await assert.rejects(() => identity("x ≤ 1", 2, 1, { relation: "≤" }), /1 of 1 identity check failed/);
 * ```
 *
 * @param statement The statement in words.
 * @param actual The value(s) computed.
 * @param expected The value(s) it must match.
 * @param options Relation and tolerances.
 * @returns The checked statement.
 */
export async function identity(
  statement: string,
  actual: ClaimSpec["actual"],
  expected: ClaimSpec["expected"],
  options: IdentityOptions = {},
): Promise<ClaimResult> {
  checkCall("identity", arguments);
  return await claim(statement, actual, expected, { ...options, kind: "identity" });
}

/**
 * Checks several claims (and identity checks, `kind: "identity"`), shows them in one ✓/✗ table
 * with a line counting claims and identity checks separately, and throws a
 * {@linkcode ClaimError} if any failed (after showing all of them).
 *
 * @example
 * ```ts
 * import { claims, seedInterval } from "minima";
 * import assert from "node:assert/strict";
 *
 * const results = await claims([
 *   { statement: "2-cycle at x* ≈ 1.29", actual: 1.2878, expected: 1.29, rtol: 0.01 },
 *   { statement: "every run converged", actual: true, expected: true },
 *   { statement: "a ≤ 2/η for every η", actual: [9.8, 19.7], expected: [10, 20], relation: "≤", rtol: 0.02 },
 *   { statement: "gap > 0 over seeds", actual: seedInterval([3, 4, 5, 4, 4]), expected: 0, relation: ">" },
 *   { statement: "x² ≥ 0", actual: [0, 4], expected: 0, relation: "≥", kind: "identity" },
 * ]);
 * assert.equal(results.filter((r) => r.passed).length, 5);
 * ```
 *
 * @param list The claims.
 * @returns The checked claims.
 */
export async function claims(list: readonly ClaimSpec[]): Promise<ClaimResult[]> {
  checkCall("claims", arguments);
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(
      "Cannot check claims: give a non-empty array of { statement, actual, expected }",
    );
  }
  const results = list.map((spec, i) => checkClaim(spec, i));
  const withControl = results.some((r) => r.control);
  const header = ["", "claim", "measured", "", "expected", "tolerance"];
  if (withControl) header.push("negative control");
  const rows = results.map((r) => {
    const row = [
      mark(r),
      r.statement,
      show(r.actual),
      r.relation,
      show(r.expected),
      tolerance(r),
    ];
    if (withControl) {
      row.push(
        r.control
          ? `${r.control.label}: ${show(r.control.actual)} (${
            r.control.holds ? "passes: ✗" : "fails: ✓"
          })`
          : "",
      );
    }
    return row;
  });
  const numeric = [false, false, true, false, true, false, false];
  const text = textTable(header, rows, numeric) + `\n${summary(results)}` +
    results.filter((r) => !r.passed).map((r) => `\n${mark(r)} ${r.statement}: ${r.detail}`)
      .join("");
  const html = `<table><thead><tr>${
    header.map((h) => `<th>${h}</th>`).join("")
  }</tr></thead><tbody>${
    results.map((r, i) =>
      `<tr style="background:${
        !r.passed ? "#fbe4e4" : r.kind === "identity" ? "#eef1f6" : "#e8f6ec"
      }">${
        rows[i].map((c, j) =>
          `<td style="text-align:${j === 2 || j === 4 ? "right" : "left"}"${
            j === 0 ? ` title="${escapeHtml(r.detail)}"` : ""
          }>${escapeHtml(c)}</td>`
        ).join("")
      }</tr>`
    ).join("")
  }</tbody></table><p>${escapeHtml(summary(results))}</p>`;
  const bundle = { "text/html": html, "text/plain": text, [CLAIMS_MIME]: { claims: results } };
  if (!(await emit(bundle))) console.log(text);
  if (results.some((r) => !r.passed)) throw new ClaimError(results);
  return quiet(results);
}

/** The mark of a checked statement: ✓/✗ for claims, ≡/≢ for identity checks. */
function mark(r: ClaimResult): string {
  if (r.kind === "identity") return r.passed ? "≡" : "≢";
  return r.passed ? "✓" : "✗";
}

/** "3 of 3 claims hold (2 with a negative control) · 2 of 2 identity checks hold (≡, not claims)". */
function summary(results: ClaimResult[]): string {
  const paper = results.filter((r) => r.kind === "claim");
  const checks = results.filter((r) => r.kind === "identity");
  const controls = paper.filter((r) => r.control).length;
  const parts = [];
  if (paper.length > 0) {
    parts.push(
      `${paper.filter((r) => r.passed).length} of ${paper.length} claim${
        paper.length === 1 ? "" : "s"
      } hold${paper.length === 1 ? "s" : ""}${
        controls > 0 ? ` (${controls} with a negative control)` : ""
      }`,
    );
  }
  if (checks.length > 0) {
    parts.push(
      `${checks.filter((r) => r.passed).length} of ${checks.length} identity check${
        checks.length === 1 ? "" : "s"
      } hold${checks.length === 1 ? "s" : ""} (≡: true by construction, not claims)`,
    );
  }
  return parts.join(" · ");
}

/** One measured value as the relation sees it: a point, or an interval over seeds. */
interface Value {
  low: number;
  high: number;
  interval?: IntervalRecord;
}

interface Verdict {
  holds: boolean;
  detail: string;
}

function checkClaim(spec: ClaimSpec, index: number): ClaimResult {
  const where = `Cannot check claim ${index}`;
  if (typeof spec?.statement !== "string" || spec.statement.trim() === "") {
    throw new TypeError(`${where}: statement must be a non-empty string describing the claim`);
  }
  const at = `${where} ("${spec.statement}")`;
  const kind = spec.kind ?? "claim";
  if (kind !== "claim" && kind !== "identity") {
    throw new TypeError(
      `${at}: kind must be "claim" or "identity", current value is ${JSON.stringify(kind)}`,
    );
  }
  const relation = spec.relation ?? (typeof spec.actual === "boolean" ? "=" : "≈");
  if (!["≈", "≤", "≥", "<", ">", "="].includes(relation)) {
    throw new TypeError(
      `${at}: relation must be one of ≈ ≤ ≥ < > =, current value is ${JSON.stringify(relation)}`,
    );
  }
  const rtol = spec.rtol ?? 0, atol = spec.atol ?? 0;
  if (!(rtol >= 0) || !(atol >= 0) || !Number.isFinite(rtol) || !Number.isFinite(atol)) {
    // An infinite tolerance would make a claim that cannot fail.
    throw new RangeError(
      `${at}: rtol and atol must be non-negative finite numbers, current values are ${rtol} and ${atol}`,
    );
  }
  if (spec.control !== undefined) {
    if (kind === "identity") {
      throw new TypeError(
        `${at}: an identity check takes no negative control; make it a claim or drop the control`,
      );
    }
    if (
      typeof spec.control !== "object" || spec.control === null ||
      typeof spec.control.label !== "string" || spec.control.label.trim() === ""
    ) {
      throw new TypeError(
        `${at}: control must be { label, actual } with the null model named in label`,
      );
    }
  }
  const base = { statement: spec.statement, kind, relation, rtol, atol };
  if (typeof spec.actual === "boolean" || typeof spec.expected === "boolean") {
    if (
      typeof spec.actual !== "boolean" || typeof spec.expected !== "boolean" || relation !== "="
    ) {
      throw new TypeError(
        `${at}: a boolean claim needs boolean actual and expected and relation "="`,
      );
    }
    const expected = spec.expected;
    const test = (a: unknown, what: string): Verdict => {
      if (typeof a !== "boolean") {
        throw new TypeError(`${at}: ${what} must be a boolean like the claim's actual`);
      }
      return {
        holds: a === expected,
        detail: a === expected ? "holds" : `measured ${a}, expected ${expected}`,
      };
    };
    const own = test(spec.actual, "actual");
    const control = spec.control && {
      label: spec.control.label,
      actual: spec.control.actual as boolean,
      ...test(spec.control.actual, "control.actual"),
    };
    return { ...base, actual: spec.actual, expected, ...combine(own, control) };
  }
  const actual = values(spec.actual, `${at}: actual`);
  const expectedList = typeof spec.expected === "number"
    ? undefined
    : Array.from(spec.expected ?? []);
  if (typeof spec.expected === "number" ? Number.isNaN(spec.expected) : false) {
    throw new TypeError(
      `${at}: expected must be a number or an array as long as actual (${actual.length})`,
    );
  }
  const expectedFor = (count: number, what: string): number[] => {
    if (expectedList === undefined) return Array(count).fill(spec.expected as number);
    if (
      expectedList.length !== count ||
      expectedList.some((e) => typeof e !== "number" || Number.isNaN(e))
    ) {
      throw new TypeError(
        `${at}: expected must be a number or an array as long as ${what} (${count})`,
      );
    }
    return expectedList as number[];
  };
  const expected = expectedFor(actual.length, "actual");
  if (relation === "=" && actual.some((v) => v.interval)) {
    throw new TypeError(
      `${at}: an interval over seeds cannot be checked with "="; use ≈, ≤, ≥, < or >`,
    );
  }
  const test = spec.interval ?? "inside";
  if (test !== "inside" && test !== "overlaps") {
    throw new TypeError(
      `${at}: interval must be "inside" or "overlaps", current value is ${JSON.stringify(test)}`,
    );
  }
  const own = compare(actual, expected, relation, rtol, atol, test);
  let control: ControlResult | undefined;
  let anyInterval = actual.some((v) => v.interval);
  if (spec.control) {
    const measured = values(spec.control.actual, `${at}: control.actual`);
    anyInterval ||= measured.some((v) => v.interval);
    const verdicts = measured.map((v, i) =>
      compare([v], [expectedFor(measured.length, "control.actual")[i]], relation, rtol, atol, test)
    );
    // The control fails the test only if it fails it at every one of its values.
    const holdsAt = verdicts.findIndex((v) => v.holds);
    const worst = holdsAt >= 0 ? holdsAt : 0;
    control = {
      label: spec.control.label,
      actual: record(spec.control.actual),
      holds: holdsAt >= 0,
      detail: measured.length > 1 ? `[${worst}] ${verdicts[worst].detail}` : verdicts[worst].detail,
    };
  }
  return {
    ...base,
    ...(anyInterval ? { interval: test } : {}),
    actual: record(spec.actual),
    expected: typeof spec.expected === "number" ? spec.expected : expected,
    ...combine(own, control),
  };
}

/** The claim's verdict: its own test passes and its control's fails. */
function combine(
  own: Verdict,
  control: ControlResult | undefined,
): { passed: boolean; detail: string; control?: ControlResult } {
  if (!control) return { passed: own.holds, detail: own.detail };
  const note = control.holds
    ? `control "${control.label}" passes the same test (${control.detail}): the test cannot tell the claim from the null model`
    : `control "${control.label}" fails it (${control.detail})`;
  return {
    passed: own.holds && !control.holds,
    detail: own.holds && control.holds ? note : `${own.detail}; ${note}`,
    control,
  };
}

/** The measured values as points or intervals, validated. */
function values(measured: unknown, what: string): Value[] {
  const list = typeof measured === "number" || isSeedInterval(measured)
    ? [measured]
    : Array.isArray(measured)
    ? measured
    : [];
  if (list.length === 0 || list.some((a) => typeof a !== "number" && !isSeedInterval(a))) {
    throw new TypeError(
      `${what} must be a number, a non-empty array of numbers, a boolean or a seed interval`,
    );
  }
  return list.map((a) =>
    typeof a === "number"
      ? { low: a, high: a }
      : { low: a.low, high: a.high, interval: intervalRecord(a) }
  );
}

function intervalRecord(i: SeedInterval): IntervalRecord {
  const { kind: _kind, ...rest } = i;
  return rest;
}

function record(measured: Measured): MeasuredRecord {
  if (typeof measured === "number" || typeof measured === "boolean") return measured;
  if (isSeedInterval(measured)) return intervalRecord(measured);
  return (measured as readonly (number | SeedInterval)[]).map((m) =>
    typeof m === "number" ? m : intervalRecord(m)
  ) as number[] | IntervalRecord[];
}

/** Checks every value against its expected one; the detail names the worst margin. */
function compare(
  actual: Value[],
  expected: number[],
  relation: Relation,
  rtol: number,
  atol: number,
  test: IntervalTest,
): Verdict {
  let holds = true;
  let worst = "";
  let worstMargin = -Infinity;
  actual.forEach((v, i) => {
    const e = expected[i];
    const slack = atol + rtol * Math.abs(e);
    const { margin, text } = !Number.isFinite(e)
      ? infiniteMargin(v, e, relation, test)
      : v.interval
      ? (test === "inside" ? intervalMargin : overlapMargin)(v, e, slack, relation)
      : pointMargin(v.low, e, slack, relation);
    if (margin > 0) holds = false;
    if (margin > worstMargin) {
      worstMargin = margin;
      worst = actual.length > 1 ? `[${i}] ${text}` : text;
    }
  });
  return { holds, detail: worst };
}

/**
 * The verdict against an infinite expected value. A tolerance around ±∞ means nothing (its slack
 * rtol·∞ or 0·∞ would let anything pass), so the relation is taken exactly: 5 ≤ ∞ and 5 < ∞ hold,
 * 5 ≈ ∞, 5 ≥ ∞ and 5 ≤ −∞ fail, and ≈ or = holds only for the same infinity.
 */
function infiniteMargin(
  v: Value,
  e: number,
  relation: Relation,
  test: IntervalTest,
): { margin: number; text: string } {
  const { low, high } = v;
  if (Number.isNaN(low) || Number.isNaN(high)) return nanMargin(v);
  const exact = (a: number): boolean => {
    switch (relation) {
      case "≤":
        return a <= e;
      case "≥":
        return a >= e;
      case "<":
        return a < e;
      case ">":
        return a > e;
      default: // ≈ and =
        return a === e;
    }
  };
  const points = v.interval ? [low, high] : [low];
  // ≈ over an interval "overlaps" the point ±∞ only at an end equal to it.
  const holds = test === "overlaps" && v.interval ? points.some(exact) : points.every(exact);
  const shown = v.interval ? `[${formatNumber(low)}, ${formatNumber(high)}]` : formatNumber(low);
  const symbol = relation === "≈" ? "=" : relation;
  return {
    margin: holds ? -Infinity : Infinity,
    text: `${shown} ${holds ? "" : "not "}${symbol} ${
      formatNumber(e)
    } (expected is infinite: compared exactly, tolerances do not apply)`,
  };
}

/** The verdict on a NaN measurement: it fails, and says so. */
function nanMargin(v: Value): { margin: number; text: string } {
  return {
    margin: Infinity,
    text: v.interval
      ? `the interval over seeds [${formatNumber(v.low)}, ${
        formatNumber(v.high)
      }] has a NaN end (a seed measured NaN)`
      : "the measured value is NaN",
  };
}

/** How far a point violates the relation (> 0: violated by that much), and the text. */
function pointMargin(
  a: number,
  e: number,
  slack: number,
  relation: Relation,
): { margin: number; text: string } {
  let margin: number;
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
  if (Number.isNaN(a)) return nanMargin({ low: a, high: a });
  return { margin, text };
}

/** How far an interval violates the relation at its worst point, and the text. */
function intervalMargin(
  v: Value,
  e: number,
  slack: number,
  relation: Relation,
): { margin: number; text: string } {
  const { low, high } = v;
  const range = `[${formatNumber(low)}, ${formatNumber(high)}]`;
  let margin: number;
  let text: string;
  switch (relation) {
    case "≈": {
      margin = Math.max(Math.abs(low - e), Math.abs(high - e)) - slack;
      text = `${range} ${margin > 0 ? "is not within" : "is within"} ${formatNumber(e)} ± ${
        formatNumber(slack)
      }`;
      break;
    }
    case "≤":
      margin = high - (e + slack);
      text = `upper end ${formatNumber(high)} ${margin > 0 ? ">" : "≤"} ${formatNumber(e + slack)}`;
      break;
    case "≥":
      margin = (e - slack) - low;
      text = `lower end ${formatNumber(low)} ${margin > 0 ? "<" : "≥"} ${formatNumber(e - slack)}`;
      break;
    case "<":
      margin = high < e ? -(e - high) : high - e + Number.MIN_VALUE;
      text = `upper end ${formatNumber(high)} ${high < e ? "<" : "≥"} ${formatNumber(e)}`;
      break;
    default: // ">"
      margin = low > e ? -(low - e) : e - low + Number.MIN_VALUE;
      text = `lower end ${formatNumber(low)} ${low > e ? ">" : "≤"} ${formatNumber(e)}`;
  }
  if (Number.isNaN(low) || Number.isNaN(high)) return nanMargin(v);
  return { margin, text };
}

/** How far an interval misses the relation at its best point (> 0: everywhere), and the text. */
function overlapMargin(
  v: Value,
  e: number,
  slack: number,
  relation: Relation,
): { margin: number; text: string } {
  const { low, high } = v;
  let margin: number;
  let text: string;
  switch (relation) {
    case "≈": {
      margin = Math.max(0, low - e, e - high) - slack;
      text = `[${formatNumber(low)}, ${formatNumber(high)}] ${margin > 0 ? "misses" : "reaches"} ${
        formatNumber(e)
      } ± ${formatNumber(slack)}`;
      break;
    }
    case "≤":
      margin = low - (e + slack);
      text = `lower end ${formatNumber(low)} ${margin > 0 ? ">" : "≤"} ${formatNumber(e + slack)}`;
      break;
    case "≥":
      margin = (e - slack) - high;
      text = `upper end ${formatNumber(high)} ${margin > 0 ? "<" : "≥"} ${formatNumber(e - slack)}`;
      break;
    case "<":
      margin = low < e ? -(e - low) : low - e + Number.MIN_VALUE;
      text = `lower end ${formatNumber(low)} ${low < e ? "<" : "≥"} ${formatNumber(e)}`;
      break;
    default: // ">"
      margin = high > e ? -(high - e) : e - high + Number.MIN_VALUE;
      text = `upper end ${formatNumber(high)} ${high > e ? ">" : "≤"} ${formatNumber(e)}`;
  }
  if (Number.isNaN(low) || Number.isNaN(high)) return nanMargin(v);
  return { margin, text };
}

function show(v: MeasuredRecord): string {
  if (Array.isArray(v)) {
    const shown = v.slice(0, 6).map((x) => show(x)).join(", ");
    return `[${shown}${v.length > 6 ? `, … (${v.length})` : ""}]`;
  }
  if (typeof v === "object") {
    return `${formatNumber(v.mean)} [${formatNumber(v.low)}, ${formatNumber(v.high)}]`;
  }
  return formatNumber(v);
}

function tolerance(r: ClaimResult): string {
  const parts = [];
  if (r.rtol > 0) parts.push(`rtol ${formatNumber(r.rtol)}`);
  if (r.atol > 0) parts.push(`atol ${formatNumber(r.atol)}`);
  const intervals = (Array.isArray(r.actual) ? r.actual : [r.actual]).filter((
    a,
  ): a is IntervalRecord => typeof a === "object");
  const rules = [...new Set(intervals.map((i) => i.rule))];
  if (r.interval === "overlaps") rules.push("agrees at some point of the interval");
  const tol = parts.join(", ") || (r.relation === "≈" && rules.length === 0 ? "exact" : "");
  return [tol, ...rules].filter((p) => p !== "").join("; ");
}
