import type * as vega from "vega";
import { texToUnicode, type VegaLiteSpec } from "../plot/mod.ts";

/** Options for {@linkcode renderSvg}. */
export interface RenderOptions {
  /**
   * Let the spec load data from URLs (`data.url`) and files. Off by default: a chart draws the
   * data it carries, and a spec cannot read local files into a notebook's output.
   * @default {false}
   */
  allowUrls?: boolean;
  /** The caller made a copy the renderer may change (vega marks the data it draws). */
  owned?: boolean;
}

const MARKS = new Set([
  "arc",
  "area",
  "bar",
  "image",
  "line",
  "point",
  "rect",
  "rule",
  "text",
  "tick",
  "trail",
  "circle",
  "square",
  "geoshape",
  "boxplot",
  "errorband",
  "errorbar",
]);
const TYPES = new Set(["quantitative", "ordinal", "nominal", "temporal", "geojson"]);

type Vega = typeof import("vega");
type VegaLite = typeof import("vega-lite");
let renderers: Promise<[Vega, VegaLite]> | undefined;

/**
 * vega and vega-lite, loaded with the first chart: they are a third of a second of module loading
 * that importing minima (or minima/display) does not need to pay.
 */
function loadRenderers(): Promise<[Vega, VegaLite]> {
  renderers ??= Promise.all([import("vega"), import("vega-lite")]);
  return renderers;
}

/**
 * Renders a Vega-Lite spec to SVG headlessly: compiled by vega-lite, drawn by a vega View with no
 * renderer attached. Text is measured by vega's estimate (no canvas here), which is close enough
 * for labels.
 *
 * The spec is copied first (vega marks the data objects it draws), checked for the mistakes
 * vega-lite reports badly (an unknown mark or field type is named with its channel and field),
 * and drawn with a data loader that refuses URLs unless `allowUrls` is given; with it, a load
 * that fails is an error, not an empty chart. Links (`href`) other than http(s) and mailto are
 * dropped.
 *
 * @param spec The spec.
 * @param options Whether URLs may be loaded.
 * @returns The SVG document.
 */
export async function renderSvg(spec: VegaLiteSpec, options: RenderOptions = {}): Promise<string> {
  const copy = options.owned ? spec : cloneSpec(spec);
  checkSpec(copy);
  const [vega, vegaLite] = await loadRenderers();
  let compiled: vega.Spec;
  try {
    // deno-lint-ignore no-explicit-any
    compiled = vegaLite.compile(copy as any, { logger: quietLogger() }).spec;
  } catch (error) {
    throw new TypeError(`Cannot show the chart: ${(error as Error).message}`);
  }
  const urls = dataUrls(compiled);
  if (urls.length > 0 && !options.allowUrls) {
    throw new TypeError(
      `Cannot show the chart: its data.url (${
        urls.map((u) => JSON.stringify(u)).join(", ")
      }) would load data from outside the spec; put the rows in data.values, or pass { allowUrls: true } to load it`,
    );
  }
  const failures: string[] = [];
  const view = new vega.View(vega.parse(compiled), {
    renderer: "none",
    logLevel: vega.Error,
    loader: guardedLoader(vega, options.allowUrls === true, failures),
  });
  try {
    const svg = await view.toSVG();
    if (failures.length > 0) {
      throw new Error(
        `Cannot show the chart: its data could not be loaded (${failures.join("; ")})`,
      );
    }
    return svg;
  } finally {
    view.finalize();
  }
}

/**
 * A copy of a spec, which must be plain data: a function or a class instance in it (a dataset, a
 * tensor) is named instead of surfacing structuredClone's DOMException.
 */
function cloneSpec<T>(spec: T): T {
  try {
    return structuredClone(spec);
  } catch (error) {
    throw new TypeError(
      `Cannot show the chart: the spec must be plain data (objects, arrays, strings, numbers, booleans) and holds something that cannot be copied (${
        (error as Error).message.split("\n")[0].slice(0, 80)
      })`,
    );
  }
}

/**
 * Names what vega-lite would reject with a raw message or draw nothing for: an unknown mark, a
 * channel's unknown type, a layer or concatenation that is not a list of views, a size that is
 * not a positive finite number.
 */
function checkSpec(spec: Record<string, unknown>, where = "spec"): void {
  for (const key of ["width", "height"]) {
    const size = spec[key];
    if (
      size !== undefined && size !== "container" &&
      !(typeof size === "number" && Number.isFinite(size) && size > 0) &&
      !(size && typeof size === "object" && "step" in size)
    ) {
      throw new TypeError(
        `Cannot show the chart: ${where}.${key} must be a positive number of pixels, "container" or { step }, current value is ${
          typeof size === "string" ? JSON.stringify(size) : String(size)
        }`,
      );
    }
  }
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    if (spec[key] !== undefined && !Array.isArray(spec[key])) {
      throw new TypeError(
        `Cannot show the chart: ${where}.${key} must be a list of views, current value is ${
          typeof spec[key] === "string" ? JSON.stringify(spec[key]) : String(spec[key])
        }`,
      );
    }
  }
  const mark = typeof spec.mark === "string"
    ? spec.mark
    : (spec.mark as { type?: unknown } | undefined)?.type;
  if (spec.mark !== undefined && (typeof mark !== "string" || !MARKS.has(mark))) {
    throw new TypeError(
      `Cannot show the chart: ${where}.mark ${
        JSON.stringify(mark ?? null)
      } is not a Vega-Lite mark; use one of ${[...MARKS].join(", ")}`,
    );
  }
  const encoding = spec.encoding as Record<string, unknown> | undefined;
  if (encoding && typeof encoding === "object") {
    for (const [channel, defs] of Object.entries(encoding)) {
      for (const def of Array.isArray(defs) ? defs : [defs]) {
        if (!def || typeof def !== "object") continue;
        const { type, field } = def as { type?: unknown; field?: unknown };
        if (type !== undefined && (typeof type !== "string" || !TYPES.has(type))) {
          throw new TypeError(
            `Cannot show the chart: ${where}.encoding.${channel}${
              field !== undefined ? ` (field ${JSON.stringify(field)})` : ""
            } has type ${
              JSON.stringify(type)
            }; use "quantitative", "ordinal", "nominal" or "temporal"`,
          );
        }
      }
    }
  }
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    const views = spec[key];
    if (Array.isArray(views)) {
      views.forEach((v, i) => {
        if (v && typeof v === "object") {
          checkSpec(v as Record<string, unknown>, `${where}.${key}[${i}]`);
        }
      });
    }
  }
  if (spec.spec && typeof spec.spec === "object") {
    checkSpec(spec.spec as Record<string, unknown>, `${where}.spec`);
  }
}

/** Every `url` of a data source in a compiled Vega spec. */
function dataUrls(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const n of node) dataUrls(n, out);
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "data" && Array.isArray(value)) {
        for (const d of value) {
          if (d && typeof d === "object" && "url" in d) {
            const url = (d as { url: unknown }).url;
            out.push(typeof url === "string" ? url : JSON.stringify(url));
          }
        }
      }
      if (value && typeof value === "object") dataUrls(value, out);
    }
  }
  return out;
}

const SAFE_LINK = /^(https?:|mailto:)/i;

/** vega's loader, refusing URLs unless allowed and recording failed loads. */
function guardedLoader(vega: Vega, allowUrls: boolean, failures: string[]) {
  const base = vega.loader() as unknown as {
    sanitize(uri: string, options?: { context?: string }): Promise<{ href: string }>;
    load(uri: string, options?: unknown): Promise<string>;
  };
  const sanitize = base.sanitize.bind(base);
  const load = base.load.bind(base);
  // vega reads `.href` of what sanitize gives for a link, and a rejection there is an unhandled
  // rejection that ends a `deno run` script: links resolve, unsafe ones to nothing.
  base.sanitize = (uri, options) => {
    if (options?.context === "href") {
      return Promise.resolve({ href: SAFE_LINK.test(String(uri).trim()) ? uri : "" });
    }
    if (!allowUrls) {
      return Promise.reject(new Error(`loading ${JSON.stringify(uri)} is not allowed`));
    }
    return sanitize(uri, options);
  };
  base.load = async (uri, options) => {
    try {
      if (!allowUrls) throw new Error("loading URLs is not allowed");
      return await load(uri, options);
    } catch (error) {
      failures.push(`${uri}: ${(error as Error).message}`);
      throw error;
    }
  };
  return base as unknown as vega.Loader;
}

// vega-lite warns on the console for things like dropped log-scale values; the chart itself says
// what it shows, and notebooks should not fill with compiler chatter.
function quietLogger() {
  const logger = {
    level: (_?: number) => (_ === undefined ? 0 : logger),
    error: (...args: unknown[]) => {
      throw new Error(args.join(" "));
    },
    warn: () => logger,
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/**
 * A copy of the spec ready to draw: the TeX in its titles, axis and legend titles as Unicode, and
 * an encoding field such as "train.loss" or "a[0]" that Vega-Lite would read as a nested path
 * escaped when the view's data have a key of exactly that name (otherwise the line draws
 * nothing while the summary counts its records).
 */
export function texTitles(spec: VegaLiteSpec): VegaLiteSpec {
  const copy = cloneSpec(spec);
  const convertTitle = (owner: Record<string, unknown>) => {
    const t = owner.title;
    if (typeof t === "string") owner.title = texToUnicode(t);
    else if (t && typeof t === "object" && !Array.isArray(t)) {
      const o = t as Record<string, unknown>;
      if (typeof o.text === "string") o.text = texToUnicode(o.text);
      if (typeof o.subtitle === "string") o.subtitle = texToUnicode(o.subtitle);
    }
  };
  const walk = (view: Record<string, unknown>, inherited?: unknown[]) => {
    convertTitle(view);
    const values = (view.data as { values?: unknown } | undefined)?.values;
    const rows = Array.isArray(values) ? values : inherited;
    const encoding = view.encoding as Record<string, unknown> | undefined;
    for (const def of Object.values(encoding ?? {})) {
      for (const d of Array.isArray(def) ? def : [def]) {
        if (!d || typeof d !== "object") continue;
        const channel = d as Record<string, unknown>;
        convertTitle(channel);
        const field = channel.field;
        if (
          typeof field === "string" && /[.[\]]/.test(field) && !field.includes("\\") &&
          rows?.some((r) => r && typeof r === "object" && Object.hasOwn(r, field))
        ) {
          channel.field = field.replace(/[.[\]]/g, (c) => `\\${c}`);
          channel.title ??= field;
        }
        for (const k of ["axis", "legend"]) {
          if (channel[k] && typeof channel[k] === "object") {
            convertTitle(channel[k] as Record<string, unknown>);
          }
        }
      }
    }
    for (const k of ["layer", "hconcat", "vconcat", "concat"]) {
      const views = view[k];
      if (Array.isArray(views)) {
        for (const v of views) {
          if (v && typeof v === "object") walk(v as Record<string, unknown>, rows);
        }
      }
    }
    if (view.spec && typeof view.spec === "object") {
      walk(view.spec as Record<string, unknown>, rows);
    }
  };
  walk(copy as Record<string, unknown>);
  return copy;
}
