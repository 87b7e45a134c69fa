import type { Row } from "../_types.ts";
import type { ChartOptions, ReferenceRule, VegaLiteSpec } from "./spec.ts";
import { checkRows, cleanRows, header, ruleLayers } from "./_build.ts";

/** Options for {@linkcode lineChart}. */
export interface LineChartOptions extends ChartOptions {
  /** The field on the x axis (e.g. "step"). */
  x: string;
  /** The field, or several fields drawn as separate series, on the y axis. */
  y: string | string[];
  /** A field whose values split the rows into coloured series (e.g. "lr"). */
  series?: string;
  /**
   * Logarithmic x axis (rows with x ≤ 0 are left out).
   * @default {false}
   */
  logX?: boolean;
  /**
   * Logarithmic y axis (values ≤ 0 are left out).
   * @default {false}
   */
  logY?: boolean;
  /** Horizontal reference rules, e.g. `2 / lr` or `{ value: 2 / lr, label: "2/η" }`. */
  rules?: number | ReferenceRule | (number | ReferenceRule)[];
  /**
   * Draw a point at every record.
   * @default {false}
   */
  points?: boolean;
  /** The x axis title. @default {the x field} */
  xTitle?: string;
  /** The y axis title. @default {the y field, or "value" for several} */
  yTitle?: string;
}

/**
 * A line chart of one or more series, with optional log axes and reference rules.
 *
 * @example Loss and sharpness against the step, with the threshold 2/η
 * ```ts
 * import { lineChart } from "minima";
 * import assert from "node:assert/strict";
 *
 * const rows = [{ step: 0, sharpness: 3 }, { step: 10, sharpness: 19.5 }];
 * const spec = lineChart(rows, { x: "step", y: "sharpness", rules: { value: 20, label: "2/η" } });
 * assert.match(spec.$schema, /vega-lite\/v5/);
 * assert.equal((spec.layer as unknown[]).length, 3);
 * ```
 *
 * @param data The rows.
 * @param options Fields, axes and rules.
 * @returns A Vega-Lite spec.
 */
export function lineChart(data: Row[], options: LineChartOptions): VegaLiteSpec {
  const ys = Array.isArray(options?.y) ? options.y : [options?.y];
  if (typeof options?.x !== "string" || ys.length === 0 || ys.some((y) => typeof y !== "string")) {
    throw new TypeError(
      'Cannot build the line chart: options.x must be a field name and options.y a field name or an array of them, e.g. { x: "step", y: "loss" }',
    );
  }
  checkRows(data, [options.x, ...ys, ...(options.series ? [options.series] : [])], "line chart");
  const several = ys.length > 1;
  const yField = several ? "value" : ys[0];
  const colorField = several ? "series" : options.series;
  const transform: unknown[] = [];
  if (several) transform.push({ fold: ys, as: ["series", "value"] });
  if (options.logX) transform.push({ filter: `datum[${JSON.stringify(options.x)}] > 0` });
  if (options.logY) transform.push({ filter: `datum[${JSON.stringify(yField)}] > 0` });
  const line = {
    data: { values: cleanRows(data) },
    ...(transform.length ? { transform } : {}),
    mark: { type: "line", ...(options.points ? { point: true } : {}), clip: true },
    encoding: {
      x: {
        field: options.x,
        type: "quantitative",
        title: options.xTitle ?? options.x,
        ...(options.logX ? { scale: { type: "log" } } : {}),
      },
      y: {
        field: yField,
        type: "quantitative",
        title: options.yTitle ?? yField,
        scale: options.logY ? { type: "log" } : { zero: false },
      },
      ...(colorField ? { color: { field: colorField, type: "nominal" } } : {}),
      tooltip: [
        { field: options.x, type: "quantitative" },
        { field: yField, type: "quantitative" },
        ...(colorField ? [{ field: colorField, type: "nominal" }] : []),
      ],
    },
  };
  return { ...header(options), layer: [line, ...ruleLayers(options.rules)] };
}
