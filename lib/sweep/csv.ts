import type { Row } from "../_types.ts";
import { checkCall } from "../_checks.ts";

/**
 * Writes rows as CSV (RFC 4180): a header of every key in order of first appearance, fields with
 * a comma, quote or line break quoted, null and missing values empty, numbers as JavaScript
 * prints them (NaN and Infinity as words, which pandas reads as numbers).
 *
 * @example
 * ```ts
 * import { csvText } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.equal(csvText([{ a: 1, b: "x,y" }, { a: 2, c: true }]), 'a,b,c\n1,"x,y",\n2,,true\n');
 * ```
 *
 * @param rows The rows.
 * @returns The CSV text, ending with a line break.
 */
export function csvText(rows: readonly Row[]): string {
  checkCall("csvText", arguments);
  if (!Array.isArray(rows)) {
    throw new TypeError(
      `Cannot write the CSV: rows must be an array of records, current value is ${
        typeof rows === "string" ? JSON.stringify(rows) : String(rows)
      }`,
    );
  }
  rows.forEach((row, i) => {
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new TypeError(
        `Cannot write the CSV: rows[${i}] must be a record, current value is ${
          Array.isArray(row) ? "an array" : JSON.stringify(row) ?? String(row)
        }`,
      );
    }
  });
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const field = (v: unknown): string => {
    if (v === null || v === undefined) return "";
    const text = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [
    columns.map(field).join(","),
    ...rows.map((r) => columns.map((c) => field(r[c])).join(",")),
  ]
    .join("\n") + "\n";
}
