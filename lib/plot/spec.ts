import { checkCall } from "../_checks.ts";
/** The Vega-Lite v5 schema every minima spec declares (JupyterLab and VS Code render v5). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A Vega-Lite specification as plain JSON, with its `$schema`. */
export interface VegaLiteSpec {
  /** The Vega-Lite schema URL, e.g. {@linkcode VEGA_LITE_SCHEMA}. */
  $schema: string;
  /** The rest of the specification (mark, layer, encoding, data, ...). */
  [key: string]: unknown;
}

/** A horizontal reference line, such as the stability threshold 2/η. */
export interface ReferenceRule {
  /** Where the line sits on the y axis. */
  value: number;
  /** Its label, drawn at the right end (e.g. "2/η"). */
  label?: string;
}

/** Size and titles shared by every chart builder. */
export interface ChartOptions {
  /** The chart's title. */
  title?: string;
  /**
   * Width in pixels.
   * @default {360}
   */
  width?: number;
  /**
   * Height in pixels.
   * @default {240}
   */
  height?: number;
}

/**
 * Tells whether a value looks like a Vega-Lite spec minima can show: an object with a Vega-Lite
 * `$schema` and a view (mark, layer, concat, facet or repeat).
 *
 * @example
 * ```ts
 * import { isVegaLiteSpec, lineChart } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isVegaLiteSpec(lineChart([{ t: 0, loss: 1 }], { x: "t", y: "loss" })));
 * assert.ok(!isVegaLiteSpec({ mark: "line" }));
 * ```
 *
 * @param value Anything.
 * @returns Whether it is a showable spec.
 */
export function isVegaLiteSpec(value: unknown): value is VegaLiteSpec {
  checkCall("isVegaLiteSpec", arguments);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const spec = value as Record<string, unknown>;
  return typeof spec.$schema === "string" && /vega-lite/.test(spec.$schema) &&
    ["mark", "layer", "hconcat", "vconcat", "concat", "facet", "repeat"].some((k) => k in spec);
}
