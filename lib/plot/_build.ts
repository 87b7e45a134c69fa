import type { Row } from "../_types.ts";
import { texToUnicode } from "./tex.ts";
import {
  type ChartOptions,
  type ReferenceRule,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./spec.ts";

// Private helpers of the chart builders.

/**
 * Checks rows are an array of objects and that each option's field is a key of at least one row
 * (its own key: "constructor" or "toString" are not fields of every record). The options are
 * given by name (`{ x: "step", y: ["a", "b"] }`) so a missing field names the option; values that
 * are not strings are skipped (their types are the caller's to check).
 */
export function checkRows(
  rows: unknown,
  fields: Record<string, unknown>,
  what: string,
): asserts rows is Row[] {
  if (!Array.isArray(rows)) {
    throw new TypeError(
      `Cannot build the ${what}: data must be an array of flat records, current value is ${
        describe(rows)
      }`,
    );
  }
  for (const [i, row] of rows.entries()) {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new TypeError(
        `Cannot build the ${what}: data[${i}] must be a flat record, current value is ${
          describe(row)
        }`,
      );
    }
  }
  if (rows.length === 0) return;
  for (const [option, value] of Object.entries(fields)) {
    const names = Array.isArray(value) ? value : [value];
    names.forEach((field, i) => {
      if (typeof field !== "string") return;
      if (!rows.some((row) => Object.hasOwn(row as object, field))) {
        const known = Object.keys(rows[0] as object).join(", ");
        throw new TypeError(
          `Cannot build the ${what}: ${
            Array.isArray(value) && value.length > 1 ? `${option}[${i}]` : option
          } is "${field}", a field no record has; the first record has ${known || "no fields"}`,
        );
      }
    });
  }
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  return String(value);
}

/**
 * The common top of every spec. The title's TeX becomes Unicode ({@linkcode texToUnicode}); notes
 * (values not drawn, downsampling) go in the subtitle, so a chart never hides them.
 */
export function header(options: ChartOptions, notes: string[] = []): VegaLiteSpec {
  const text = options.title ? texToUnicode(options.title) : undefined;
  const title = notes.length > 0
    ? { title: { text: text ?? "", subtitle: notes.join("; "), subtitleColor: "#a33" } }
    : text
    ? { title: text }
    : {};
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...title,
    width: options.width ?? 360,
    height: options.height ?? 240,
  };
}

/**
 * A field name as Vega-Lite reads it: dots, brackets and backslashes escaped, so "train.loss"
 * and "a[0]" name one field instead of a nested path (which draws nothing).
 */
export function fieldRef(name: string): string {
  return name.replace(/[.[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Vega-Lite data values: copies of the rows (the caller's rows are never touched, and vega marks
 * what it draws), with non-finite numbers as null (JSON has no NaN or Infinity).
 */
export function cleanRows(rows: Row[]): Row[] {
  return rows.map((row) => {
    const out: Row = {};
    for (const k in row) {
      if (!Object.hasOwn(row, k)) continue;
      const v = row[k];
      out[k] = typeof v === "number" && !Number.isFinite(v) ? null : v;
    }
    return out;
  });
}

/**
 * Says how many values of the drawn fields are not finite (and so not drawn), e.g.
 * "loss: 3 NaN not drawn"; none when every value is finite.
 */
export function nonFiniteNotes(rows: Row[], fields: string[]): string[] {
  const notes: string[] = [];
  for (const field of new Set(fields)) {
    let nan = 0, inf = 0;
    for (const row of rows) {
      const v = row[field];
      if (typeof v !== "number") continue;
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) inf++;
    }
    const parts = [nan ? `${nan} NaN` : "", inf ? `${inf} ±∞` : ""].filter(Boolean);
    if (parts.length) notes.push(`${field}: ${parts.join(", ")} not drawn`);
  }
  return notes;
}

/** Layers drawing horizontal reference rules with labels. */
export function ruleLayers(rules: number | ReferenceRule | (number | ReferenceRule)[] | undefined) {
  if (rules === undefined) return [];
  const list = (Array.isArray(rules) ? rules : [rules]).map((r) =>
    typeof r === "number" ? { value: r } : r
  );
  for (const r of list) {
    if (!Number.isFinite(r.value)) {
      throw new TypeError(
        `Cannot draw a reference rule: value must be a finite number, current value is ${r.value}`,
      );
    }
  }
  const values = list.map((r) => ({
    rule_value: r.value,
    rule_label: r.label !== undefined ? texToUnicode(r.label) : String(r.value),
  }));
  return [
    {
      data: { values },
      mark: { type: "rule", strokeDash: [6, 4], color: "#444" },
      encoding: { y: { field: "rule_value", type: "quantitative" } },
    },
    {
      data: { values },
      mark: { type: "text", align: "right", dx: -2, dy: -6, color: "#444" },
      encoding: {
        y: { field: "rule_value", type: "quantitative" },
        x: { value: { expr: "width" } },
        text: { field: "rule_label" },
      },
    },
  ];
}
