import { dirname, join } from "node:path";
import { isVegaLiteSpec, type VegaLiteSpec } from "../plot/mod.ts";
import { emit, type MimeBundle, quiet } from "./_kernel.ts";
import { renderSvg } from "./_render.ts";

/** Options for {@linkcode show}. */
export interface ShowOptions {
  /**
   * Outside a kernel, write the SVG to this file (folders are created). Inside a kernel the SVG
   * is also written when given. Without it, outside a kernel, `MINIMA_PLOT_DIR` (if set) receives
   * `<title or "chart">-<n>.svg`.
   */
  file?: string;
  /** Update an existing output (from {@linkcode ShowResult.displayId}) instead of adding one. */
  displayId?: string;
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

let written = 0;

/**
 * Shows a Vega-Lite chart. In a notebook it emits one MIME bundle: the spec
 * (`application/vnd.vegalite.v5+json`, drawn by JupyterLab and VS Code), the same chart rendered
 * headless as `image/svg+xml` (classic Notebook, nbconvert HTML, GitHub), and a `text/plain`
 * summary. Outside a kernel it prints the summary and writes the SVG where asked.
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
  if (!isVegaLiteSpec(spec)) {
    throw new TypeError(
      `Cannot show: spec must be a Vega-Lite spec (an object with a vega-lite $schema and a mark or layer), current value is ${
        preview(spec)
      }; build one with lineChart(), scatter(), heatmap() or histogram()`,
    );
  }
  const svg = await renderSvg(spec);
  const summary = describeSpec(spec);
  const bundle: MimeBundle = {
    [VEGA_LITE_MIME]: spec,
    "image/svg+xml": svg,
    "text/plain": summary,
  };
  const displayed = await emit(
    bundle,
    options.displayId ? { displayId: options.displayId, update: true } : {},
  );
  let file = options.file;
  if (!file && !displayed) {
    const dir = plotDir();
    if (dir) {
      file = join(
        dir,
        `${slug(typeof spec.title === "string" ? spec.title : "chart")}-${++written}.svg`,
      );
    }
  }
  if (file) {
    await Deno.mkdir(dirname(file), { recursive: true });
    await Deno.writeTextFile(file, svg);
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
  const title = typeof spec.title === "string" ? `${spec.title}: ` : "";
  return `${title}${[...new Set(parts)].join(" + ") || "chart"} (${records} record${
    records === 1 ? "" : "s"
  })`;
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
