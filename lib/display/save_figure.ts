import { dirname, extname } from "node:path";
import { isVegaLiteSpec, type VegaLiteSpec } from "../plot/mod.ts";
import { renderSvg, texTitles } from "./_render.ts";
import { svgToPng } from "./_png.ts";
import { svgToPdf } from "./_pdf.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode saveFigure}. */
export interface SaveFigureOptions {
  /** The width of the plotting area in pixels (the spec's `width`). @default {the spec's} */
  width?: number;
  /** The height of the plotting area in pixels (the spec's `height`). @default {the spec's} */
  height?: number;
  /**
   * PNG: pixels per CSS pixel (4 gives about 380 dpi at the figure's natural size). PDF: a
   * factor on the page size (1: one CSS pixel is 0.75 pt, i.e. 96 dpi). SVG: unused.
   * @default {4 for PNG, 1 for PDF}
   */
  scale?: number;
  /** Let the spec load data from URLs (see {@linkcode show}). @default {false} */
  allowUrls?: boolean;
}

/** What {@linkcode saveFigure} wrote. */
export interface SavedFigure {
  /** The file written. */
  file: string;
  /** Its format, from the extension. */
  format: "svg" | "png" | "pdf";
  /** Its size in bytes. */
  bytes: number;
  /** Its width: pixels (SVG, PNG) or points (PDF). */
  width: number;
  /** Its height: pixels (SVG, PNG) or points (PDF). */
  height: number;
}

/**
 * Writes a chart as a figure for a paper: `.pdf` (vector: paths and embedded, subset DejaVu Sans
 * text, drawn by PDFKit), `.png` (rasterized by resvg, at `scale` pixels per CSS pixel) or `.svg`
 * (as vega draws it). Titles and axis titles take simple TeX (`$\eta$`, `$\lambda_{max}$`, `x^2`)
 * as Unicode math; every format uses the same fonts, so the figure looks the same everywhere.
 * Folders are created.
 *
 * @example
 * ```ts
 * import { lineChart, saveFigure } from "minima";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const spec = lineChart([{ step: 0, s: 3 }, { step: 9, s: 19 }], {
 *   x: "step",
 *   y: "s",
 *   yTitle: "$\\lambda_{max}$",
 *   rules: { value: 20, label: "$2/\\eta$" },
 * });
 * const pdf = await saveFigure(spec, `${dir}/sharpness.pdf`, { width: 300 });
 * assert.equal(pdf.format, "pdf");
 * assert.equal(new TextDecoder().decode((await Deno.readFile(pdf.file)).slice(0, 5)), "%PDF-");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param spec The chart.
 * @param file The path; its extension (.pdf, .png, .svg) picks the format.
 * @param options Size, scale, URLs.
 * @returns What was written.
 */
export async function saveFigure(
  spec: VegaLiteSpec,
  file: string,
  options: SaveFigureOptions = {},
): Promise<SavedFigure> {
  checkCall("saveFigure", arguments);
  if (!isVegaLiteSpec(spec)) {
    throw new TypeError(
      "Cannot save the figure: spec must be a Vega-Lite spec; build one with lineChart(), scatter(), heatmap() or histogram()",
    );
  }
  const format = extname(String(file)).slice(1).toLowerCase();
  if (format !== "svg" && format !== "png" && format !== "pdf") {
    throw new TypeError(
      `Cannot save the figure: the file must end in .pdf, .png or .svg, current value is ${
        JSON.stringify(file)
      }`,
    );
  }
  for (const key of ["width", "height", "scale"] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v > 0)) {
      throw new RangeError(
        `Cannot save the figure: ${key} must be a positive number, current value is ${v}`,
      );
    }
  }
  const prepared = texTitles(spec);
  if (options.width !== undefined) prepared.width = options.width;
  if (options.height !== undefined) prepared.height = options.height;
  const svg = await renderSvg(prepared, { allowUrls: options.allowUrls, owned: true });
  await Deno.mkdir(dirname(file), { recursive: true });
  let bytes: Uint8Array, width: number, height: number;
  if (format === "svg") {
    bytes = new TextEncoder().encode(svg);
    const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
    width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
    height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  } else if (format === "png") {
    ({ png: bytes, width, height } = await svgToPng(svg, options.scale ?? 4));
  } else {
    ({ pdf: bytes, width, height } = await svgToPdf(svg, options.scale ?? 1));
  }
  await Deno.writeFile(file, bytes);
  return { file, format, bytes: bytes.length, width, height };
}
