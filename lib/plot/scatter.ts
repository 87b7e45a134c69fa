import type { Row } from "../_types.ts";
import type { ChartOptions, ReferenceRule, VegaLiteSpec } from "./spec.ts";
import { checkRows, cleanRows, fieldRef, header, nonFiniteNotes, ruleLayers } from "./_build.ts";
import { texToUnicode } from "./tex.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode scatter}. */
export interface ScatterOptions extends ChartOptions {
  /** The field on the x axis. */
  x: string;
  /** The field on the y axis. */
  y: string;
  /** A field for the colour (nominal for strings and booleans, a gradient for numbers). */
  color?: string;
  /** A nominal field for the point shape. */
  shape?: string;
  /** A numeric field for the point size. */
  size?: string;
  /** Logarithmic x axis. @default {false} */
  logX?: boolean;
  /** Logarithmic y axis. @default {false} */
  logY?: boolean;
  /** Horizontal reference rules. */
  rules?: number | ReferenceRule | (number | ReferenceRule)[];
  /** Extra fields shown in the tooltip. */
  tooltip?: string[];
}

/**
 * A scatter plot, e.g. every solution's (sharpness, non-uniformity) against the stability bounds.
 *
 * @example
 * ```ts
 * import { scatter } from "minima";
 * import assert from "node:assert/strict";
 *
 * const spec = scatter([{ a: 1, s: 2, diverged: false }], { x: "a", y: "s", color: "diverged" });
 * assert.equal((spec.layer as { mark: { type: string } }[])[0].mark.type, "point");
 * ```
 *
 * @param data The rows.
 * @param options Fields and axes.
 * @returns A Vega-Lite spec.
 */
export function scatter(data: Row[], options: ScatterOptions): VegaLiteSpec {
  checkCall("scatter", arguments);
  if (typeof options?.x !== "string" || typeof options?.y !== "string") {
    throw new TypeError(
      'Cannot build the scatter plot: options.x and options.y must be field names, e.g. { x: "a", y: "s" }',
    );
  }
  const { color, shape, size, tooltip } = options;
  checkRows(data, { x: options.x, y: options.y, color, shape, size, tooltip }, "scatter plot");
  const extra = [color, shape, size, ...(tooltip ?? [])]
    .filter((f): f is string => typeof f === "string");
  const typeOf = (field: string) =>
    data.some((r) => typeof r[field] === "number") ? "quantitative" : "nominal";
  const transform: unknown[] = [];
  if (options.logX) transform.push({ filter: `datum[${JSON.stringify(options.x)}] > 0` });
  if (options.logY) transform.push({ filter: `datum[${JSON.stringify(options.y)}] > 0` });
  const points = {
    data: { values: cleanRows(data) },
    ...(transform.length ? { transform } : {}),
    mark: { type: "point", filled: true, opacity: 0.8 },
    encoding: {
      x: {
        field: fieldRef(options.x),
        type: "quantitative",
        title: texToUnicode(options.x),
        scale: options.logX ? { type: "log" } : { zero: false },
      },
      y: {
        field: fieldRef(options.y),
        type: "quantitative",
        title: texToUnicode(options.y),
        scale: options.logY ? { type: "log" } : { zero: false },
      },
      ...(options.color
        ? {
          color: {
            field: fieldRef(options.color),
            type: typeOf(options.color),
            title: options.color,
          },
        }
        : {}),
      ...(options.shape
        ? { shape: { field: fieldRef(options.shape), type: "nominal", title: options.shape } }
        : {}),
      ...(options.size
        ? { size: { field: fieldRef(options.size), type: "quantitative", title: options.size } }
        : {}),
      tooltip: [options.x, options.y, ...extra].map((f) => ({
        field: fieldRef(f),
        type: typeOf(f),
        title: f,
      })),
    },
  };
  const notes = nonFiniteNotes(data, [options.x, options.y]);
  return { ...header(options, notes), layer: [points, ...ruleLayers(options.rules)] };
}
