/**
 * SVG to PNG, headless: resvg compiled to WebAssembly (`@resvg/resvg-wasm`), with DejaVu Sans
 * (the `dejavu-fonts-ttf` package; free license, Greek and math symbols included) as every
 * sans-serif font, so a chart's labels render the same on every machine and need no network
 * or system fonts. The WebAssembly module and the fonts load once, on the first PNG.
 *
 * @module
 */

/** The part of @resvg/resvg-wasm used here. */
interface ResvgModule {
  initWasm(input: BufferSource | Promise<BufferSource>): Promise<void>;
  Resvg: new (svg: string, options?: Record<string, unknown>) => {
    render(): { asPng(): Uint8Array; width: number; height: number; free?: () => void };
    free?: () => void;
  };
}

interface Loaded {
  resvg: ResvgModule;
  fonts: Uint8Array[];
}

let loading: Promise<Loaded> | undefined;
let fontsLoading: Promise<Uint8Array<ArrayBuffer>[]> | undefined;

/** The font family every chart's text is drawn with in PNG and PDF. */
export const FONT_FAMILY = "DejaVu Sans";

async function load(): Promise<Loaded> {
  const resvg = await import("@resvg/resvg-wasm") as unknown as ResvgModule;
  const wasm = await readPackageFile("@resvg/resvg-wasm", "index_bg.wasm");
  await resvg.initWasm(wasm);
  return { resvg, fonts: await readFonts() };
}

/** DejaVu Sans, regular and bold (TrueType), read once. */
export function readFonts(): Promise<Uint8Array<ArrayBuffer>[]> {
  fontsLoading ??= (async () => {
    // Importing the package's manifest makes Deno fetch the fonts package (it has no module).
    await import("dejavu-fonts-ttf/package.json", { with: { type: "json" } });
    return await Promise.all(
      ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) =>
        readPackageFile("dejavu-fonts-ttf/package.json", `ttf/${f}`)
      ),
    );
  })();
  fontsLoading.catch(() => (fontsLoading = undefined));
  return fontsLoading;
}

/** Reads a file shipped in an npm package, relative to the module the specifier resolves to. */
async function readPackageFile(specifier: string, file: string): Promise<Uint8Array<ArrayBuffer>> {
  const base = import.meta.resolve(specifier);
  if (!base.startsWith("file:")) {
    throw new Error(
      `Cannot render PNG: ${specifier} resolved to ${base}, not a local file; run with "nodeModulesDir": "auto" in deno.json`,
    );
  }
  return await Deno.readFile(new URL(file, base));
}

/** Starts loading the rasterizer (idempotent); resolves when it is ready. */
export function loadRasterizer(): Promise<void> {
  loading ??= load();
  loading.catch(() => (loading = undefined));
  return loading.then(() => {});
}

/**
 * Renders an SVG document to PNG.
 *
 * @param svg The SVG.
 * @param scale Pixels per SVG unit (2 gives a sharp image on high-density screens).
 * @returns The PNG bytes and the pixel size.
 */
export async function svgToPng(
  svg: string,
  scale = 1,
): Promise<{ png: Uint8Array; width: number; height: number }> {
  loading ??= load();
  const { resvg, fonts } = await loading;
  const renderer = new resvg.Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: {
      fontBuffers: fonts,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
      serifFamily: FONT_FAMILY,
      monospaceFamily: FONT_FAMILY,
    },
  });
  try {
    const image = renderer.render();
    try {
      return { png: image.asPng(), width: image.width, height: image.height };
    } finally {
      image.free?.();
    }
  } finally {
    renderer.free?.();
  }
}

/** Base64 of bytes (for the `image/png` entry of a MIME bundle). */
export function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}
