import type { Row } from "../_types.ts";
import { emit, quiet } from "./_kernel.ts";
import { escapeHtml, formatNumber, textTable } from "./_format.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode table}. */
export interface TableOptions {
  /** A caption above the table. */
  title?: string;
  /** The columns, in order. @default {every field, in order of first appearance} */
  columns?: string[];
  /**
   * Significant digits for numbers.
   * @default {4}
   */
  digits?: number;
}

/** What {@linkcode table} rendered. */
export interface TableResult {
  /** The HTML table. */
  html: string;
  /** The aligned plain-text table. */
  text: string;
  /** True when it went to a notebook. */
  displayed: boolean;
}

/**
 * Shows flat records as a table: HTML in a notebook, aligned text elsewhere (and as the bundle's
 * `text/plain`). Numbers are rounded to `digits` significant digits.
 *
 * @example
 * ```ts
 * import { table } from "minima";
 * import assert from "node:assert/strict";
 *
 * const t = await table([{ lr: 0.1, sharpness: 19.87 }, { lr: 0.05, sharpness: 39.9 }]);
 * assert.match(t.text, /sharpness/);
 * assert.match(t.html, /<table/);
 * ```
 *
 * @param rows The records.
 * @param options Title, columns, digits.
 * @returns The HTML and text, and whether it went to a notebook.
 */
export async function table(rows: Row[], options: TableOptions = {}): Promise<TableResult> {
  checkCall("table", arguments);
  if (
    !Array.isArray(rows) ||
    rows.some((r) => typeof r !== "object" || r === null || Array.isArray(r))
  ) {
    throw new TypeError(
      "Cannot show the table: rows must be an array of flat records, e.g. [{ lr: 0.1, loss: 0.3 }]",
    );
  }
  const digits = options.digits ?? 4;
  if (!Number.isInteger(digits) || digits < 1 || digits > 17) {
    throw new RangeError(
      `Cannot show the table: digits must be an integer in [1, 17], current value is ${digits}`,
    );
  }
  const columns = options.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => columns.map((c) => formatNumber(r[c], digits)));
  const numeric = columns.map((c) =>
    rows.every((r) => r[c] === undefined || typeof r[c] === "number")
  );
  const text = (options.title ? `${options.title}\n` : "") + textTable(columns, cells, numeric);
  const align = (
    c: number,
  ) => (numeric[c] ? ' style="text-align:right"' : ' style="text-align:left"');
  const html = `<table>${
    options.title ? `<caption>${escapeHtml(options.title)}</caption>` : ""
  }<thead><tr>${
    columns.map((c, i) => `<th${align(i)}>${escapeHtml(c)}</th>`).join("")
  }</tr></thead><tbody>${
    cells.map((row) =>
      `<tr>${row.map((v, i) => `<td${align(i)}>${escapeHtml(v)}</td>`).join("")}</tr>`
    ).join("")
  }</tbody></table>`;
  const displayed = await emit({ "text/html": html, "text/plain": text });
  if (!displayed) console.log(text);
  return quiet({ html, text, displayed });
}
