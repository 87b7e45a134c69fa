/**
 * SVG to vector PDF: PDFKit draws the chart's paths and text as PDF operators (svg-to-pdfkit
 * walks the SVG), with DejaVu Sans embedded as a font subset, so a figure stays sharp at any
 * zoom and its text stays text. Loaded on the first PDF only.
 *
 * @module
 */
import { FONT_FAMILY, readFonts } from "./_png.ts";

type PdfDocument = {
  registerFont(name: string, data: ArrayBuffer): void;
  on(event: "data", listener: (chunk: Uint8Array) => void): void;
  on(event: "end", listener: () => void): void;
  end(): void;
};

/** CSS pixels to PDF points (96 px = 72 pt = 1 inch). */
export const POINTS_PER_PIXEL = 0.75;

/**
 * Renders an SVG document (as vega writes it) to a one-page PDF of the same size.
 *
 * @param svg The SVG, with `width` and `height` in pixels on its root element.
 * @param scale Multiplies the page size (1: one CSS pixel is 0.75 pt).
 * @returns The PDF bytes and the page size in points.
 */
export async function svgToPdf(
  svg: string,
  scale = 1,
): Promise<{ pdf: Uint8Array; width: number; height: number }> {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const w = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const h = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(w > 0 && h > 0)) throw new Error("Cannot write the PDF: the SVG has no pixel size");
  const [{ default: PDFDocument }, { default: SVGtoPDF }, fonts] = await Promise.all([
    import("pdfkit") as Promise<{ default: new (options: unknown) => PdfDocument }>,
    import("svg-to-pdfkit") as Promise<
      { default: (doc: PdfDocument, svg: string, x: number, y: number, o: unknown) => void }
    >,
    readFonts(),
  ]);
  const width = w * POINTS_PER_PIXEL * scale, height = h * POINTS_PER_PIXEL * scale;
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    compress: true,
    info: { Producer: "minima", Creator: "minima (Vega-Lite)" },
  });
  const bold = `${FONT_FAMILY} Bold`;
  doc.registerFont(FONT_FAMILY, fonts[0].slice().buffer);
  doc.registerFont(bold, fonts[1].slice().buffer);
  const chunks: Uint8Array[] = [];
  doc.on("data", (chunk) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => doc.on("end", resolve));
  SVGtoPDF(doc, svg, 0, 0, {
    width,
    height,
    assumePt: false,
    fontCallback: (_family: string, isBold: boolean) => (isBold ? bold : FONT_FAMILY),
  });
  doc.end();
  await ended;
  const pdf = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    pdf.set(c, at);
    at += c.length;
  }
  return { pdf, width, height };
}
