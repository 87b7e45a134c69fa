/**
 * Vega-Lite spec builders returning plain JSON with a v5 `$schema`: line charts, scatter plots,
 * heatmaps with contours, histograms, overlays. Data are arrays of flat records, never changed
 * (charts carry copies); field names with dots or brackets are escaped; titles and axis labels
 * take simple TeX (`$\eta$`, `$\lambda_{max}$`, `x^2`) as Unicode math. Imported alone as
 * `minima/plot`, it loads neither TensorFlow.js nor vega.
 *
 * ```ts
 * import { lineChart } from "minima/plot";
 * import assert from "node:assert/strict";
 *
 * const spec = lineChart([{ step: 0, loss: 1 }, { step: 1, loss: 0.5 }], { x: "step", y: "loss" });
 * assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 *
 * @module
 */
export * from "./spec.ts";
export * from "./line_chart.ts";
export * from "./scatter.ts";
export * from "./heatmap.ts";
export * from "./contours.ts";
export * from "./histogram.ts";
export * from "./overlay.ts";
export * from "./tex.ts";
