import * as vega from "vega";
import * as vegaLite from "vega-lite";
import type { VegaLiteSpec } from "../plot/mod.ts";

/**
 * Renders a Vega-Lite spec to SVG headlessly: compiled by vega-lite, drawn by a vega View with no
 * renderer attached. Text is measured by vega's estimate (no canvas here), which is close enough
 * for labels.
 *
 * @param spec The spec.
 * @returns The SVG document.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // deno-lint-ignore no-explicit-any
  const compiled = vegaLite.compile(spec as any, { logger: quietLogger() }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

// vega-lite warns on the console for things like dropped log-scale values; the chart itself says
// what it shows, and notebooks should not fill with compiler chatter.
function quietLogger() {
  const logger = {
    level: (_?: number) => (_ === undefined ? 0 : logger),
    error: (...args: unknown[]) => {
      throw new Error(`Cannot render the chart: ${args.join(" ")}`);
    },
    warn: () => logger,
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}
