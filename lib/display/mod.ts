/**
 * What notebooks show: charts (Vega-Lite + SVG + text in one MIME bundle), live charts and
 * progress bars updated in place, tables, Markdown and LaTeX, and claim checks that fail the run
 * when a paper's claim does not hold. The only code that touches `Deno.jupyter`; outside a kernel
 * everything degrades to text and files.
 *
 * @module
 */
export * from "./show.ts";
export * from "./save_figure.ts";
export * from "./live_chart.ts";
export * from "./progress_bar.ts";
export * from "./table.ts";
export * from "./text.ts";
export * from "./claim.ts";
export * from "./by_profile.ts";
export * from "./displayed_outputs.ts";
export * from "./seed_interval.ts";
export * from "./help.ts";
