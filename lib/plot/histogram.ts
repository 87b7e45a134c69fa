import type { Row } from "../_types.ts";
import type { ChartOptions, VegaLiteSpec } from "./spec.ts";
import { checkRows, cleanRows, fieldRef, header, nonFiniteNotes } from "./_build.ts";
import { texToUnicode } from "./tex.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode histogram}. */
export interface HistogramOptions extends ChartOptions {
  /** The numeric field to bin. */
  field: string;
  /**
   * The largest number of bins.
   * @default {40}
   */
  bins?: number;
  /** A nominal field: one overlaid histogram per value (e.g. "solver"). */
  color?: string;
  /**
   * Normalize each histogram to a density (area 1), so groups of different sizes compare.
   * @default {false}
   */
  density?: boolean;
}

/**
 * A histogram of one field, optionally one per group, as counts or densities.
 *
 * @example
 * ```ts
 * import { histogram } from "minima";
 * import assert from "node:assert/strict";
 *
 * const spec = histogram([{ x: 0.1 }, { x: 0.4 }], { field: "x", bins: 10 });
 * assert.equal((spec.mark as { type: string }).type, "bar");
 * ```
 *
 * @param data The rows.
 * @param options The field, bins, grouping.
 * @returns A Vega-Lite spec.
 */
export function histogram(data: Row[], options: HistogramOptions): VegaLiteSpec {
  checkCall("histogram", arguments);
  if (typeof options?.field !== "string") {
    throw new TypeError(
      'Cannot build the histogram: options.field must be a field name, e.g. { field: "x" }',
    );
  }
  const bins = options.bins ?? 40;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(
      `Cannot build the histogram: bins must be a positive integer, current value is ${bins}`,
    );
  }
  checkRows(data, { field: options.field, color: options.color }, "histogram");
  const group = options.color ? [fieldRef(options.color)] : [];
  const transform: unknown[] = [
    { filter: `isValid(datum[${JSON.stringify(options.field)}])` },
    { bin: { maxbins: bins }, field: fieldRef(options.field), as: ["bin_start", "bin_end"] },
    { aggregate: [{ op: "count", as: "count" }], groupby: ["bin_start", "bin_end", ...group] },
  ];
  if (options.density) {
    transform.push(
      { joinaggregate: [{ op: "sum", field: "count", as: "group_total" }], groupby: group },
      {
        calculate: "datum.count / datum.group_total / (datum.bin_end - datum.bin_start)",
        as: "density",
      },
    );
  }
  const y = options.density ? "density" : "count";
  return {
    ...header(options, nonFiniteNotes(data, [options.field])),
    data: { values: cleanRows(data) },
    transform,
    mark: { type: "bar", opacity: options.color ? 0.55 : 0.9, binSpacing: 0 },
    encoding: {
      x: {
        field: "bin_start",
        type: "quantitative",
        title: texToUnicode(options.field),
        bin: { binned: true },
      },
      x2: { field: "bin_end" },
      y: { field: y, type: "quantitative", stack: null },
      ...(options.color
        ? { color: { field: fieldRef(options.color), type: "nominal", title: options.color } }
        : {}),
      tooltip: [
        { field: "bin_start", type: "quantitative" },
        { field: "bin_end", type: "quantitative" },
        { field: y, type: "quantitative" },
      ],
    },
  };
}
