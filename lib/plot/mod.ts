/**
 * Vega-Lite spec builders returning plain JSON with a v5 `$schema`: line charts, scatter plots,
 * heatmaps with contours, histograms, overlays. Data are arrays of flat records.
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
