/**
 * What a chart's PNG costs: resvg's rasterization (the PNG every notebook chart now carries) timed
 * against vega's SVG rendering of the same chart in the same run. The one-time load of the
 * WebAssembly module and fonts is printed apart.
 *
 * @module
 */
import type { Benchmark, BenchRow } from "./_harness.ts";
import { medianMs } from "./_harness.ts";
import { heatmap, lineChart, scatter } from "../lib/plot/mod.ts";
import { renderSvg } from "../lib/display/_render.ts";
import { loadRasterizer, svgToPng } from "../lib/display/_png.ts";
import { PNG_SCALE } from "../lib/display/show.ts";

function charts() {
  const line = lineChart(
    Array.from({ length: 400 }, (_, i) => ({ step: i, a: Math.exp(-i / 50), b: Math.sin(i / 20) })),
    { x: "step", y: ["a", "b"], title: "two lines", rules: 0.5 },
  );
  const points = scatter(
    Array.from(
      { length: 300 },
      (_, i) => ({ x: Math.cos(i), y: Math.sin(1.3 * i), c: i % 3 === 0 }),
    ),
    { x: "x", y: "y", color: "c" },
  );
  const grid = [];
  for (let i = 0; i < 40; i++) {
    for (let j = 0; j < 40; j++) grid.push({ u: i, v: j, z: Math.sin(i / 6) * Math.cos(j / 5) });
  }
  const map = heatmap(grid, { x: "u", y: "v", z: "z", contours: 5 });
  return [["line chart, 2 × 400 points", line], ["scatter, 300 points", points], [
    "heatmap 40 × 40 with contours",
    map,
  ]] as const;
}

export const benchmarks: Benchmark[] = [{
  group: "display",
  name: "PNG beside SVG",
  run: async (): Promise<BenchRow[]> => {
    const t0 = performance.now();
    await loadRasterizer();
    console.log(`  (resvg and fonts loaded once in ${(performance.now() - t0).toFixed(0)} ms)`);
    const rows: BenchRow[] = [];
    for (const [name, spec] of charts()) {
      const svg = await renderSvg(spec);
      const svgMs = await medianMs(() => renderSvg(spec));
      const pngMs = await medianMs(() => svgToPng(svg, PNG_SCALE));
      rows.push({
        name: `PNG (×${PNG_SCALE}) of a ${name}`,
        backend: "wasm",
        minima_ms: pngMs,
        reference_ms: svgMs,
        ratio: pngMs / svgMs,
        reference: "vega SVG of the same chart",
      });
    }
    return rows;
  },
}];
