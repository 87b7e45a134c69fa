/**
 * What notebooks show: charts (Vega-Lite + SVG + PNG + text in one MIME bundle), live charts and
 * progress bars updated in place, tables, Markdown and LaTeX, claim checks that fail the run
 * when a paper's claim does not hold, and {@linkcode help} for any export. The only code that
 * touches `Deno.jupyter`; outside a kernel everything degrades to text and files. Imported alone
 * as `minima/display` it loads no TensorFlow.js; vega loads with the first chart.
 *
 * ```ts
 * import { table } from "minima/display";
 * import assert from "node:assert/strict";
 *
 * const shown = await table([{ lr: 0.1, sharpness: 19.9 }]);
 * assert.equal(shown.displayed, false);
 * ```
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
