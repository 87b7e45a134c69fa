import type { Row } from "../_types.ts";
import type { ChartOptions, ReferenceRule, VegaLiteSpec } from "./spec.ts";
import { checkRows, cleanRows, fieldRef, header, nonFiniteNotes, ruleLayers } from "./_build.ts";
import { texToUnicode } from "./tex.ts";
import { checkCall } from "../_checks.ts";

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
  /**
   * Draw at most about this many points per line: each of as many buckets (in row order) keeps
   * its first, last, lowest and highest point, so spikes and divergence stay visible; the
   * subtitle says so. `false` draws every point. By default lines longer than
   * {@linkcode DOWNSAMPLE_ABOVE} points are downsampled to {@linkcode DOWNSAMPLE_TO}.
   */
  downsample?: number | false;
}

/** Lines with more points than this are downsampled unless `downsample: false`. */
export const DOWNSAMPLE_ABOVE = 20_000;

/** The points per line a default downsampling keeps, about. */
export const DOWNSAMPLE_TO = 4_000;

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
  checkCall("lineChart", arguments);
  const ys = Array.isArray(options?.y) ? options.y : [options?.y];
  if (typeof options?.x !== "string" || ys.length === 0 || ys.some((y) => typeof y !== "string")) {
    throw new TypeError(
      'Cannot build the line chart: options.x must be a field name and options.y a field name or an array of them, e.g. { x: "step", y: "loss" }',
    );
  }
  checkRows(data, { x: options.x, y: ys, series: options.series }, "line chart");
  const several = ys.length > 1;
  const yField = several ? "value" : ys[0];
  const colorField = several ? "series" : options.series;
  const notes = nonFiniteNotes(data, [options.x, ...ys]);
  const { rows, note } = downsampleLines(data, options, ys);
  if (note) notes.push(note);
  const transform: unknown[] = [];
  if (several) transform.push({ fold: ys.map(fieldRef), as: ["series", "value"] });
  if (options.logX) transform.push({ filter: `datum[${JSON.stringify(options.x)}] > 0` });
  if (options.logY) transform.push({ filter: `datum[${JSON.stringify(yField)}] > 0` });
  const x = fieldRef(options.x);
  const y = several ? yField : fieldRef(yField);
  const color = colorField && !several ? fieldRef(colorField) : colorField;
  const line = {
    data: { values: cleanRows(rows) },
    ...(transform.length ? { transform } : {}),
    // No clip: the scales cover every drawn point, and a clipped mark rasterizes 5-10× slower.
    mark: { type: "line", ...(options.points ? { point: true } : {}) },
    encoding: {
      x: {
        field: x,
        type: "quantitative",
        title: texToUnicode(options.xTitle ?? options.x),
        ...(options.logX ? { scale: { type: "log" } } : {}),
      },
      y: {
        field: y,
        type: "quantitative",
        title: texToUnicode(options.yTitle ?? yField),
        scale: options.logY ? { type: "log" } : { zero: false },
      },
      ...(color ? { color: { field: color, type: "nominal", title: colorField } } : {}),
      tooltip: [
        { field: x, type: "quantitative", title: options.x },
        { field: y, type: "quantitative", title: yField },
        ...(color ? [{ field: color, type: "nominal", title: colorField }] : []),
      ],
    },
  };
  return { ...header(options, notes), layer: [line, ...ruleLayers(options.rules)] };
}

/** Min/max bucketing of each line (per series and y field); the rows kept, in their order. */
function downsampleLines(
  data: Row[],
  options: LineChartOptions,
  ys: string[],
): { rows: Row[]; note?: string } {
  const asked = options.downsample;
  if (asked === false) return { rows: data };
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 4)) {
    throw new RangeError(
      `Cannot build the line chart: downsample must be an integer ≥ 4 or false, current value is ${asked}`,
    );
  }
  const lines = new Map<unknown, number[]>();
  data.forEach((row, i) => {
    const key = options.series ? row[options.series] : "";
    let list = lines.get(key);
    if (!list) lines.set(key, list = []);
    list.push(i);
  });
  const longest = Math.max(0, ...[...lines.values()].map((l) => l.length));
  const target = asked ?? (longest > DOWNSAMPLE_ABOVE ? DOWNSAMPLE_TO : undefined);
  if (target === undefined || longest <= target) return { rows: data };
  const buckets = Math.max(1, Math.floor(target / 4));
  const keep = new Uint8Array(data.length);
  for (const indices of lines.values()) {
    const size = indices.length / buckets;
    for (let b = 0; b < buckets; b++) {
      const from = Math.floor(b * size), to = Math.min(indices.length, Math.floor((b + 1) * size));
      if (to <= from) continue;
      keep[indices[from]] = 1;
      keep[indices[to - 1]] = 1;
      for (const y of ys) {
        let lo = Infinity, hi = -Infinity, iLo = -1, iHi = -1;
        for (let k = from; k < to; k++) {
          const v = data[indices[k]][y];
          if (typeof v !== "number") continue;
          if (!Number.isFinite(v)) {
            keep[indices[k]] = 1; // a non-finite value stays where it is
            continue;
          }
          if (v < lo) (lo = v), (iLo = indices[k]);
          if (v > hi) (hi = v), (iHi = indices[k]);
        }
        if (iLo >= 0) keep[iLo] = 1;
        if (iHi >= 0) keep[iHi] = 1;
      }
    }
  }
  const rows = data.filter((_, i) => keep[i] === 1);
  return {
    rows,
    note:
      `downsampled: ${rows.length} of ${data.length} points (first, last, min and max of ${buckets} buckets per line)`,
  };
}
