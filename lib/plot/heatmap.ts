import type { Row } from "../_types.ts";
import type { ChartOptions, VegaLiteSpec } from "./spec.ts";
import { checkRows, fieldRef, header, nonFiniteNotes } from "./_build.ts";
import { texToUnicode } from "./tex.ts";
import { contourSegments, gridFromRows } from "./contours.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode heatmap}. */
export interface HeatmapOptions extends ChartOptions {
  /** The x field of the grid. */
  x: string;
  /** The y field of the grid. */
  y: string;
  /** The value field, drawn as colour. */
  z: string;
  /**
   * Contour lines: a number of evenly spaced levels, or the levels themselves.
   * @default {0 (none)}
   */
  contours?: number | number[];
  /**
   * The colour scheme (any Vega scheme name).
   * @default {"viridis"}
   */
  scheme?: string;
  /** Colour on a log scale (values ≤ 0 are left blank). @default {false} */
  logColor?: boolean;
}

/**
 * A heatmap of a 2-D slice z(x, y) on a rectilinear grid, with optional contour lines computed
 * here by marching squares (Vega-Lite has no contour mark).
 *
 * @example A loss surface with 5 contour levels
 * ```ts
 * import { heatmap } from "minima";
 * import assert from "node:assert/strict";
 *
 * const rows = [];
 * for (let i = -5; i <= 5; i++) for (let j = -5; j <= 5; j++) rows.push({ u: i, v: j, loss: i * i + 2 * j * j });
 * const spec = heatmap(rows, { x: "u", y: "v", z: "loss", contours: 5 });
 * assert.equal((spec.layer as unknown[]).length, 2);
 * ```
 *
 * @param data Grid records `{x, y, z}`.
 * @param options Fields, contours and colours.
 * @returns A Vega-Lite spec.
 */
export function heatmap(data: Row[], options: HeatmapOptions): VegaLiteSpec {
  checkCall("heatmap", arguments);
  if (
    ["x", "y", "z"].some((k) =>
      typeof (options as unknown as Record<string, unknown>)?.[k] !== "string"
    )
  ) {
    throw new TypeError(
      'Cannot build the heatmap: options.x, options.y and options.z must be field names, e.g. { x: "u", y: "v", z: "loss" }',
    );
  }
  checkRows(data, { x: options.x, y: options.y, z: options.z }, "heatmap");
  const grid = gridFromRows(data, options.x, options.y, options.z);
  const edges = (vs: number[]) => {
    if (vs.length === 1) return [vs[0] - 0.5, vs[0] + 0.5];
    const e = [vs[0] - (vs[1] - vs[0]) / 2];
    for (let i = 0; i + 1 < vs.length; i++) e.push((vs[i] + vs[i + 1]) / 2);
    e.push(vs[vs.length - 1] + (vs[vs.length - 1] - vs[vs.length - 2]) / 2);
    return e;
  };
  const ex = edges(grid.xs), ey = edges(grid.ys);
  const cells: Row[] = [];
  grid.ys.forEach((yv, j) =>
    grid.xs.forEach((xv, i) => {
      const zv = grid.z[j][i];
      if (!Number.isFinite(zv) || (options.logColor && zv <= 0)) return;
      cells.push({
        [options.x]: xv,
        [options.y]: yv,
        [options.z]: zv,
        x0: ex[i],
        x1: ex[i + 1],
        y0: ey[j],
        y1: ey[j + 1],
      });
    })
  );
  const layers: unknown[] = [{
    data: { values: cells },
    mark: { type: "rect" },
    encoding: {
      x: {
        field: "x0",
        type: "quantitative",
        title: texToUnicode(options.x),
        scale: { nice: false, zero: false },
      },
      x2: { field: "x1" },
      y: {
        field: "y0",
        type: "quantitative",
        title: texToUnicode(options.y),
        scale: { nice: false, zero: false },
      },
      y2: { field: "y1" },
      color: {
        field: fieldRef(options.z),
        type: "quantitative",
        title: texToUnicode(options.z),
        scale: {
          scheme: options.scheme ?? "viridis",
          ...(options.logColor ? { type: "log" } : {}),
        },
      },
      tooltip: [options.x, options.y, options.z].map((f) => ({
        field: fieldRef(f),
        type: "quantitative",
        title: f,
      })),
    },
  }];
  const levels = contourLevels(cells.map((c) => c[options.z] as number), options.contours ?? 0);
  if (levels.length > 0) {
    layers.push({
      data: { values: contourSegments(grid, levels) },
      mark: { type: "rule", color: "white", strokeWidth: 1, opacity: 0.85 },
      encoding: {
        x: { field: "x", type: "quantitative" },
        y: { field: "y", type: "quantitative" },
        x2: { field: "x2" },
        y2: { field: "y2" },
      },
    });
  }
  return { ...header(options, nonFiniteNotes(data, [options.z])), layer: layers };
}

function contourLevels(values: number[], contours: number | number[]): number[] {
  if (Array.isArray(contours)) return contours.filter(Number.isFinite);
  if (!Number.isInteger(contours) || contours < 0) {
    throw new RangeError(
      `Cannot build the heatmap: contours must be a non-negative integer or a list of levels, current value is ${contours}`,
    );
  }
  if (contours === 0 || values.length === 0) return [];
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return Array.from({ length: contours }, (_, k) => lo + ((k + 1) * (hi - lo)) / (contours + 1));
}
