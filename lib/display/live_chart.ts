import type { Row } from "../_types.ts";
import type { VegaLiteSpec } from "../plot/mod.ts";
import { emit, inKernel, newDisplayId } from "./_kernel.ts";
import { show, type ShowResult, VEGA_LITE_MIME } from "./show.ts";
import { renderSvg } from "./_render.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode liveChart}. */
export interface LiveChartOptions {
  /**
   * The shortest time between two redraws, in milliseconds. Redraws that take long (a big SVG)
   * stretch it, so drawing never takes more than about a third of the loop's time.
   * @default {300}
   */
  intervalMs?: number;
  /** The text shown before the first rows arrive. @default {"waiting for data"} */
  placeholder?: string;
  /** Outside a kernel, where `done()` writes the final SVG (see {@linkcode show}). */
  file?: string;
}

/** A chart that grows while a loop runs; see {@linkcode liveChart}. */
export interface LiveChart {
  /** Adds rows; redraws the chart when the interval has passed. Await it inside loops. */
  push: (rows: Row | Row[]) => Promise<void>;
  /** Every row pushed so far. */
  readonly rows: Row[];
  /** How many redraws were sent (not counting the final one). */
  readonly updates: number;
  /** Draws the full chart one last time, in place. */
  done: () => Promise<ShowResult>;
}

/**
 * A live chart: one notebook output that redraws in place (through Jupyter's `display_id`) as
 * rows arrive, at most a few times a second, and ends with the full chart. Its `push` fits the
 * `onRecord` hook of minima's long loops. Redraws carry the spec and the SVG; the final chart from
 * `done()` carries the PNG too (see {@linkcode show}), which a notebook opened later without trust
 * shows. Outside a kernel, rows are kept and `done()` shows the final chart like
 * {@linkcode show}.
 *
 * @example
 * ```ts
 * import { lineChart, liveChart } from "minima";
 * import assert from "node:assert/strict";
 *
 * const live = await liveChart((rows) => lineChart(rows, { x: "step", y: "loss" }));
 * for (let step = 0; step < 5; step++) await live.push({ step, loss: 1 / (1 + step) });
 * const final = await live.done();
 * assert.equal(live.rows.length, 5);
 * assert.match(final.svg, /^<svg/);
 * ```
 *
 * @param build Makes the chart from all rows so far.
 * @param options Redraw interval, placeholder, file.
 * @returns The handle.
 */
export async function liveChart(
  build: (rows: Row[]) => VegaLiteSpec,
  options: LiveChartOptions = {},
): Promise<LiveChart> {
  checkCall("liveChart", arguments);
  if (typeof build !== "function") {
    throw new TypeError(
      'Cannot start a live chart: build must be a function from rows to a spec, e.g. (rows) => lineChart(rows, { x: "step", y: "loss" })',
    );
  }
  const minInterval = options.intervalMs ?? 300;
  if (!(minInterval >= 0)) {
    throw new RangeError(
      `Cannot start a live chart: intervalMs must be a non-negative number, current value is ${minInterval}`,
    );
  }
  const rows: Row[] = [];
  const kernel = inKernel();
  const displayId = newDisplayId("live");
  let interval = minInterval;
  let last = performance.now();
  let updates = 0;
  let finished = false;
  if (kernel) {
    await emit({ "text/plain": options.placeholder ?? "waiting for data" }, { displayId });
  }
  const redraw = async () => {
    const t0 = performance.now();
    const spec = build(rows);
    const svg = await renderSvg(spec);
    await emit({
      [VEGA_LITE_MIME]: spec,
      "image/svg+xml": svg,
      "text/plain": `live chart: ${rows.length} records`,
    }, {
      displayId,
      update: true,
    });
    updates++;
    const cost = performance.now() - t0;
    interval = Math.max(minInterval, 3 * cost);
    last = performance.now();
  };
  return {
    push: async (more: Row | Row[]) => {
      if (finished) {
        throw new Error(
          "Cannot push to the live chart: done() was already called; start a new one",
        );
      }
      if (Array.isArray(more)) rows.push(...more);
      else rows.push(more);
      if (kernel && performance.now() - last >= interval) await redraw();
    },
    get rows() {
      return rows;
    },
    get updates() {
      return updates;
    },
    done: async () => {
      finished = true;
      return await show(build(rows), {
        ...(kernel ? { displayId } : {}),
        ...(options.file ? { file: options.file } : {}),
      });
    },
  };
}
