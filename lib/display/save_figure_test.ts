import assert from "node:assert/strict";
import { join } from "node:path";
import { lineChart } from "../plot/mod.ts";
import { saveFigure } from "./save_figure.ts";
import { show } from "./show.ts";

const rows = Array.from(
  { length: 30 },
  (_, i) => ({ step: i, sharpness: 20 * (1 - Math.exp(-i / 8)) }),
);
const spec = lineChart(rows, {
  x: "step",
  y: "sharpness",
  title: "$\\lambda_{max}$ during GD",
  rules: { value: 20, label: "$2/\\eta$" },
});

/** The decompressed content of every Flate stream in a PDF (PDFKit writes /Length first). */
async function pdfStreams(pdf: Uint8Array): Promise<string[]> {
  const text = new TextDecoder("latin1").decode(pdf);
  const out: string[] = [];
  for (const m of text.matchAll(/\/Length (\d+)\n\/Filter \/FlateDecode\n>>\nstream\n/g)) {
    const start = m.index! + m[0].length;
    const bytes = pdf.slice(start, start + Number(m[1]));
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    out.push(new TextDecoder("latin1").decode(await new Response(inflated).arrayBuffer()));
  }
  return out;
}

Deno.test("saveFigure writes a vector PDF: paths and embedded text, no image, 0.75 pt per pixel", async () => {
  const dir = await Deno.makeTempDir();
  const svg = await saveFigure(spec, join(dir, "fig.svg"));
  const pdf = await saveFigure(spec, join(dir, "sub", "fig.pdf"));
  assert.equal(pdf.format, "pdf");
  assert.equal(pdf.width, svg.width * 0.75);
  assert.equal(pdf.height, svg.height * 0.75);
  const bytes = await Deno.readFile(pdf.file);
  const text = new TextDecoder("latin1").decode(bytes);
  assert.ok(text.startsWith("%PDF-"));
  assert.match(text, new RegExp(`/MediaBox \\[0 0 ${pdf.width} ${pdf.height}\\]`));
  assert.match(text, /\/FontFile2/, "the font is embedded");
  assert.match(text, /DejaVuSans/);
  assert.doesNotMatch(text, /\/Subtype \/Image/, "no raster image inside");
  const streams = (await pdfStreams(bytes)).join("\n");
  assert.match(streams, /\bBT\b[^]*\b(Tj|TJ)\b/, "text is drawn as text");
  assert.ok((streams.match(/ l\n/g) ?? []).length >= 29, "the line's 30 points are path segments");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("saveFigure writes a PNG at scale pixels per CSS pixel, and the width option resizes", async () => {
  const dir = await Deno.makeTempDir();
  const svg = await saveFigure(spec, join(dir, "fig.svg"));
  const png = await saveFigure(spec, join(dir, "fig.png"), { scale: 3 });
  assert.equal(png.width, 3 * svg.width);
  assert.equal(png.height, 3 * svg.height);
  const bytes = await Deno.readFile(png.file);
  assert.equal(new DataView(bytes.buffer).getUint32(16), png.width);
  const wider = await saveFigure(spec, join(dir, "wide.svg"), { width: 600 });
  assert.equal(wider.width - svg.width, 600 - 360, "the plotting area grows by the difference");
  const text = await Deno.readTextFile(svg.file);
  assert.match(text, />λₘₐₓ during GD</);
  assert.match(text, />2\/η</);
  // show() outside a kernel writes PNG and PDF files by their extension too.
  const shown = await show(spec, { file: join(dir, "shown.pdf") });
  assert.equal(shown.file, join(dir, "shown.pdf"));
  assert.equal(new TextDecoder().decode((await Deno.readFile(shown.file!)).slice(0, 5)), "%PDF-");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("saveFigure refuses an unknown extension and a bad size", async () => {
  await assert.rejects(
    () => saveFigure(spec, "fig.jpg"),
    new TypeError(
      'Cannot save the figure: the file must end in .pdf, .png or .svg, current value is "fig.jpg"',
    ),
  );
  await assert.rejects(
    () => saveFigure(spec, "fig.png", { scale: 0 }),
    new RangeError("Cannot save the figure: scale must be a positive number, current value is 0"),
  );
});
