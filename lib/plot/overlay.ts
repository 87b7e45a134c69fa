import { isVegaLiteSpec, type VegaLiteSpec } from "./spec.ts";
import { header } from "./_build.ts";
import { checkCall } from "../_checks.ts";

/**
 * Draws several charts on the same axes: their layers are concatenated under the first chart's
 * title and size (e.g. a stability region heatmap with Monte-Carlo runs as a scatter on top).
 *
 * @example
 * ```ts
 * import { lineChart, overlay, scatter } from "minima";
 * import assert from "node:assert/strict";
 *
 * const rows = [{ t: 1, v: 2 }];
 * const both = overlay(lineChart(rows, { x: "t", y: "v" }), scatter(rows, { x: "t", y: "v" }));
 * assert.equal((both.layer as unknown[]).length, 2);
 * ```
 *
 * @param specs Single-view or layered specs.
 * @returns One layered spec.
 */
export function overlay(...specs: VegaLiteSpec[]): VegaLiteSpec {
  checkCall("overlay", arguments);
  if (specs.length === 0) {
    throw new TypeError("Cannot overlay charts: give at least one spec");
  }
  const layers: unknown[] = [];
  for (const [i, spec] of specs.entries()) {
    if (
      !isVegaLiteSpec(spec) ||
      ["hconcat", "vconcat", "concat", "facet", "repeat"].some((k) => k in spec)
    ) {
      throw new TypeError(
        `Cannot overlay charts: spec ${i} must be a single-view or layered Vega-Lite spec`,
      );
    }
    if (Array.isArray(spec.layer)) layers.push(...spec.layer);
    else {
      const { $schema: _s, title: _t, width: _w, height: _h, ...view } = spec;
      layers.push(view);
    }
  }
  const first = specs[0];
  return {
    ...header({
      width: typeof first.width === "number" ? first.width : undefined,
      height: typeof first.height === "number" ? first.height : undefined,
    }),
    ...(first.title !== undefined ? { title: first.title } : {}),
    layer: layers,
  };
}
