import { dirname, join } from "node:path";
import { isVegaLiteSpec, type VegaLiteSpec } from "../plot/mod.ts";
import { emit, inKernel, type MimeBundle, quiet } from "./_kernel.ts";
import { renderSvg, texTitles } from "./_render.ts";
import { base64, svgToPng } from "./_png.ts";
import { saveFigure } from "./save_figure.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode show}. */
export interface ShowOptions {
  /**
   * Outside a kernel, write the chart to this file (folders are created): SVG, or PNG or PDF
   * by the extension (see {@linkcode saveFigure}). Inside a kernel the file is also written when
   * given. Without it, outside a kernel, `MINIMA_PLOT_DIR` (if set) receives
   * `<title or "chart">-<n>.svg`.
   */
  file?: string;
  /** Update an existing output (from {@linkcode ShowResult.displayId}) instead of adding one. */
  displayId?: string;
  /**
   * Let the spec load data from URLs (`data.url`); see {@linkcode renderSvg}'s rule. Off by
   * default: a spec cannot read local files into the notebook, and a failed load is an error.
   * @default {false}
   */
  allowUrls?: boolean;
  /**
   * Add a PNG rendering to the notebook output (what untrusted notebooks and GitHub show).
   * `MINIMA_PNG=0` turns it off everywhere.
   * @default {true}
   */
  png?: boolean;
}

/** What {@linkcode show} did. */
export interface ShowResult {
  /** The rendered SVG. */
  svg: string;
  /** The one-line text summary (the bundle's `text/plain`). */
  summary: string;
  /** True when it went to a notebook. */
  displayed: boolean;
  /** The file the SVG was written to, if any. */
  file?: string;
}

/** The MIME type of the Vega-Lite spec in a bundle. */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** Pixels per SVG unit of the PNG in a notebook output (sharp on high-density screens). */
export const PNG_SCALE = 2;

/** Charts with more records than this, or a larger SVG, get a warning. */
export const LARGE_CHART = { records: 100_000, svgBytes: 5_000_000 };

let written = 0;

/**
 * Shows a Vega-Lite chart. In a notebook it emits one MIME bundle: the spec
 * (`application/vnd.vegalite.v5+json`, drawn by JupyterLab and VS Code), the same chart rendered
 * headless as `image/svg+xml` (classic Notebook, nbconvert HTML) and as `image/png` (what a
 * notebook Jupyter does not trust shows, and GitHub), and a `text/plain` summary. Frontends pick
 * the richest type they trust. Outside a kernel it prints the summary and writes the chart where
 * asked.
 *
 * Titles and axis titles take simple TeX (see `texToUnicode`). The spec may not load data
 * from URLs unless `allowUrls` is given. A chart of more than 100 000 records or a 5 MB SVG gets
 * a warning (notebooks slow down, and outputs that large can be lost).
 *
 * @example
 * ```ts
 * import { lineChart, show } from "minima";
 * import assert from "node:assert/strict";
 *
 * const result = await show(lineChart([{ t: 0, v: 1 }, { t: 1, v: 0.5 }], { x: "t", y: "v" }));
 * assert.match(result.svg, /^<svg/);
 * ```
 *
 * @param spec The chart, from `lineChart`, `scatter`, `heatmap`, `histogram` or by hand.
 * @param options Where to write the SVG; a display to update.
 * @returns The SVG, the summary and where it went.
 */
export async function show(spec: VegaLiteSpec, options: ShowOptions = {}): Promise<ShowResult> {
  checkCall("show", arguments);
  if (!isVegaLiteSpec(spec)) {
    throw new TypeError(
      `Cannot show: spec must be a Vega-Lite spec (an object with a vega-lite $schema and a mark or layer), current value is ${
        preview(spec)
      }; build one with lineChart(), scatter(), heatmap() or histogram()`,
    );
  }
  const prepared = texTitles(spec);
  const svg = await renderSvg(prepared, { allowUrls: options.allowUrls, owned: true });
  const summary = describeSpec(prepared);
  warnIfLarge(prepared, svg);
  const bundle: MimeBundle = { [VEGA_LITE_MIME]: prepared, "image/svg+xml": svg };
  const metadata: Record<string, unknown> = {};
  if (inKernelWithPng(options)) {
    const { png, width, height } = await svgToPng(svg, PNG_SCALE);
    bundle["image/png"] = base64(png);
    metadata["image/png"] = { width: width / PNG_SCALE, height: height / PNG_SCALE };
  }
  bundle["text/plain"] = summary;
  const displayed = await emit(
    bundle,
    options.displayId ? { displayId: options.displayId, update: true, metadata } : { metadata },
  );
  let file = options.file;
  if (!file && !displayed) {
    const dir = plotDir();
    if (dir) {
      file = join(
        dir,
        `${slug(titleText(prepared.title) ?? "chart")}-${++written}.svg`,
      );
    }
  }
  if (file) {
    if (/\.(png|pdf)$/i.test(file)) {
      await saveFigure(prepared, file, { allowUrls: options.allowUrls });
    } else {
      await Deno.mkdir(dirname(file), { recursive: true });
      await Deno.writeTextFile(file, svg);
    }
  }
  if (!displayed) console.log(file ? `${summary} → ${file}` : summary);
  return quiet({ svg, summary, displayed, ...(file ? { file } : {}) });
}

/**
 * A one-line description of a chart: title, marks, axes and how many records it draws.
 *
 * @example
 * ```ts
 * import { describeSpec, lineChart } from "minima";
 * import assert from "node:assert/strict";
 *
 * const spec = lineChart([{ step: 0, loss: 1 }], { x: "step", y: "loss", title: "GD" });
 * assert.equal(describeSpec(spec), "GD: line of loss vs step (1 record)");
 * ```
 *
 * @param spec The chart.
 * @returns The description.
 */
export function describeSpec(spec: VegaLiteSpec): string {
  checkCall("describeSpec", arguments);
  if (spec === null || typeof spec !== "object") {
    throw new TypeError(
      `Cannot describe the chart: spec must be a Vega-Lite spec (an object), current value is ${spec}`,
    );
  }
  const views = Array.isArray(spec.layer) ? spec.layer as Record<string, unknown>[] : [spec];
  const parts: string[] = [];
  let records = 0;
  const seen = new Set<unknown>();
  for (const view of views) {
    const mark = typeof view.mark === "string" ? view.mark : (view.mark as { type?: string })?.type;
    if (mark === "text") continue;
    const enc = (view.encoding ?? {}) as Record<string, { field?: string; title?: string }>;
    const axis = (k: string) => enc[k]?.title ?? enc[k]?.field;
    const values = (view.data as { values?: unknown[] } | undefined)?.values ??
      (spec.data as { values?: unknown[] } | undefined)?.values;
    if (values && !seen.has(values) && mark !== "rule") {
      seen.add(values);
      records += values.length;
    }
    if (mark === "rule" && !enc.x2) {
      const vals = values as { rule_value?: number }[] | undefined;
      parts.push(`rule${vals ? ` at ${vals.map((v) => v.rule_value).join(", ")}` : ""}`);
    } else if (mark) {
      parts.push(axis("y") && axis("x") ? `${mark} of ${axis("y")} vs ${axis("x")}` : mark);
    }
  }
  const text = titleText(spec.title);
  const title = text ? `${text}: ` : "";
  const subtitle = (spec.title as { subtitle?: unknown } | undefined)?.subtitle;
  const notes = typeof subtitle === "string" && subtitle ? `; ${subtitle}` : "";
  return `${title}${[...new Set(parts)].join(" + ") || "chart"} (${records} record${
    records === 1 ? "" : "s"
  }${notes})`;
}

/** A title's main text (a string, or `{ text }`). */
function titleText(title: unknown): string | undefined {
  if (typeof title === "string") return title || undefined;
  const text = (title as { text?: unknown } | undefined)?.text;
  return typeof text === "string" && text ? text : undefined;
}

function warnIfLarge(spec: VegaLiteSpec, svg: string): void {
  const records = Number(/\((\d+) records?[;)]/.exec(describeSpec(spec))?.[1] ?? 0);
  if (records <= LARGE_CHART.records && svg.length <= LARGE_CHART.svgBytes) return;
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  console.warn(
    `Large chart: ${records} records, a ${mb(svg.length)} SVG and a ${
      mb(JSON.stringify(spec).length)
    } spec; notebooks slow down and outputs this large can be lost. lineChart downsamples long lines (its downsample option); aggregate or subsample other data before plotting.`,
  );
}

function inKernelWithPng(options: ShowOptions): boolean {
  if (options.png === false) return false;
  try {
    if (Deno.env.get("MINIMA_PNG") === "0") return false;
  } catch { /* no env permission: keep the default */ }
  return inKernel();
}

function plotDir(): string | undefined {
  try {
    return Deno.env.get("MINIMA_PLOT_DIR") || undefined;
  } catch {
    return undefined;
  }
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) ||
    "chart";
}

function preview(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") {
    const keys = Object.keys(value as object);
    return `an object with keys ${keys.slice(0, 5).join(", ") || "(none)"}`;
  }
  return JSON.stringify(value);
}
