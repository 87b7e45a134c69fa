import type { Row } from "../_types.ts";
import {
  type ChartOptions,
  type ReferenceRule,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./spec.ts";

// Private helpers of the chart builders.

/** Checks rows are an array of objects and the named fields exist in at least one row. */
export function checkRows(rows: unknown, fields: string[], what: string): asserts rows is Row[] {
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
  for (const field of fields) {
    if (!rows.some((row) => field in row)) {
      const known = Object.keys(rows[0] as object).join(", ");
      throw new TypeError(
        `Cannot build the ${what}: no record has the field "${field}"; the first record has ${
          known || "no fields"
        }`,
      );
    }
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

/** The common top of every spec. */
export function header(options: ChartOptions): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 360,
    height: options.height ?? 240,
  };
}

/** Vega-Lite data values: non-finite numbers become null (JSON has no NaN or Infinity). */
export function cleanRows(rows: Row[]): Row[] {
  return rows.map((row) => {
    let out: Row | undefined;
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === "number" && !Number.isFinite(v)) {
        out ??= { ...row };
        out[k] = null;
      }
    }
    return out ?? row;
  });
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
  const values = list.map((r) => ({ rule_value: r.value, rule_label: r.label ?? String(r.value) }));
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
