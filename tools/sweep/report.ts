/**
 * The sweep's report, `index.html`: how many tasks ended each way, a chart for every recorded
 * scalar and for the share of claims that held (a heatmap over the first two axes that vary,
 * a line over one, the mean over seeds and any further axes), each as Vega-Lite with its SVG
 * rendered headless; the tasks that did not pass with their problems and the end of their log;
 * and every task with its parameters and links to its executed notebook, log and results.
 *
 * @module
 */
import { join } from "node:path";
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "../../lib/plot/mod.ts";
import { renderSvg } from "../../lib/display/_render.ts";
import type { MergedTask } from "./merge.ts";
import type { SweepSpec, TaskState } from "./spec.ts";

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const fmt = (v: unknown): string =>
  typeof v === "number"
    ? Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)))
    : typeof v === "object" && v !== null
    ? JSON.stringify(v)
    : String(v);

/** A chart of the report: its name, spec and SVG. */
export interface ReportChart {
  name: string;
  spec: VegaLiteSpec;
  svg: string;
}

/**
 * The charts of a sweep: one per numeric recorded scalar, and one for the share of claims held.
 *
 * @param spec The sweep's plan.
 * @param tasks The merged tasks.
 * @returns The charts, with a note on what was averaged.
 */
export async function sweepCharts(
  spec: SweepSpec,
  tasks: MergedTask[],
): Promise<{ charts: ReportChart[]; note: string }> {
  const done = tasks.filter((t) => t.state === "passed" || t.state === "failed");
  const varying = spec.axes.filter((a) => a.name !== "seed" && a.values.length > 1);
  const plotted = varying.slice(0, 2);
  const averaged = [
    ...(spec.axes.some((a) => a.name === "seed") ? ["seed"] : []),
    ...varying.slice(2).map((a) => a.name),
  ];
  const columns: string[] = [];
  for (const t of done) {
    for (const [k, v] of Object.entries(t.scalars)) {
      if ((typeof v === "number" || typeof v === "boolean") && !columns.includes(k)) {
        columns.push(k);
      }
    }
  }
  const metrics: [string, (t: MergedTask) => number | undefined][] = [
    ...columns.map((c): [string, (t: MergedTask) => number | undefined] => [c, (t) => {
      const v = t.scalars[c];
      return typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : undefined;
    }]),
    [
      "share of claims that held",
      (t) => (t.claimsTotal > 0 ? t.claimsPassed / t.claimsTotal : undefined),
    ],
  ];
  const charts: ReportChart[] = [];
  for (const [name, value] of metrics) {
    const groups = new Map<string, { key: Record<string, unknown>; values: number[] }>();
    for (const t of done) {
      const v = value(t);
      if (v === undefined || !Number.isFinite(v)) continue;
      const key = Object.fromEntries(plotted.map((a) => [a.name, t.parameters[a.name]]));
      const id = JSON.stringify(key);
      if (!groups.has(id)) groups.set(id, { key, values: [] });
      groups.get(id)!.values.push(v);
    }
    if (groups.size === 0) continue;
    const all = [...groups.values()].flatMap((g) => g.values);
    const [lo, hi] = [Math.min(...all), Math.max(...all)];
    // A scalar that is the same in every task says nothing about the grid.
    if (lo === hi && name !== "share of claims that held") continue;
    const rows = [...groups.values()].map(({ key, values }) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = values.length > 1
        ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1))
        : 0;
      return {
        ...Object.fromEntries(plotted.map((a, i) => [`axis${i}`, key[a.name]])),
        mean,
        n: values.length,
        sd,
        label: short(mean),
      };
    });
    const title = `${name}${averaged.length ? ` (mean over ${averaged.join(", ")})` : ""}`;
    let chart: VegaLiteSpec;
    if (plotted.length >= 2) {
      const axis = (i: number) => ({
        field: `axis${i}`,
        type: "ordinal",
        title: plotted[i].name,
        sort: plotted[i].values.map((v) => v as never),
      });
      chart = {
        $schema: VEGA_LITE_SCHEMA,
        title,
        width: Math.max(160, 64 * plotted[0].values.length),
        height: Math.max(120, 36 * plotted[1].values.length),
        data: { values: rows },
        encoding: {
          x: axis(0),
          y: { ...axis(1), sort: [...plotted[1].values].reverse() },
          tooltip: [
            { field: "mean", type: "quantitative" },
            { field: "sd", type: "quantitative", title: "standard deviation" },
            { field: "n", type: "quantitative", title: "tasks" },
          ],
        },
        layer: [
          {
            mark: "rect",
            encoding: {
              color: {
                field: "mean",
                type: "quantitative",
                title: name.length > 24 ? name.slice(0, 21) + "..." : name,
                scale: { scheme: "viridis" },
              },
            },
          },
          {
            mark: { type: "text", fontSize: 11 },
            encoding: {
              text: { field: "label" },
              // Dark text on the light (high) end of viridis, light text on the dark end.
              color: {
                condition: { test: `datum.mean > ${(lo + hi) / 2}`, value: "black" },
                value: "white",
              },
            },
          },
        ],
      };
    } else {
      const x = plotted.length === 1
        ? { field: "axis0", type: "quantitative", title: plotted[0].name, scale: { zero: false } }
        : { field: "n", type: "quantitative", title: "tasks" };
      chart = {
        $schema: VEGA_LITE_SCHEMA,
        title,
        width: 360,
        height: 220,
        data: { values: rows },
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { field: "mean", type: "quantitative", title: name, scale: { zero: false } },
          tooltip: [{ field: "label" }],
        },
      };
    }
    charts.push({ name, spec: chart, svg: await renderSvg(chart) });
  }
  const note = averaged.length
    ? `Each cell is the mean over ${
      averaged.join(" and ")
    } (the standard deviation and the number of tasks are in its tooltip, and every task is in results.csv).`
    : "";
  return { charts, note };
}

/**
 * The report's HTML; also writes each chart's spec and SVG under `charts/`.
 *
 * @param dir The sweep folder.
 * @param spec The plan.
 * @param tasks The merged tasks.
 * @param counts How many ended each way.
 * @returns The HTML.
 */
export async function sweepReport(
  dir: string,
  spec: SweepSpec,
  tasks: MergedTask[],
  counts: Record<TaskState, number>,
): Promise<string> {
  const { charts, note } = await sweepCharts(spec, tasks);
  await Deno.mkdir(join(dir, "charts"), { recursive: true });
  for (const [i, c] of charts.entries()) {
    const base = join(dir, "charts", `${String(i).padStart(2, "0")}-${slug(c.name)}`);
    await Deno.writeTextFile(`${base}.vl.json`, JSON.stringify(c.spec, null, 1) + "\n");
    await Deno.writeTextFile(`${base}.svg`, c.svg);
  }
  const axisNames = [
    ...spec.axes.map((a) => a.name),
    ...Object.keys(spec.fixed),
  ];
  const paramNames = [
    ...new Set([...axisNames, ...tasks.flatMap((t) => Object.keys(t.parameters))]),
  ];
  const summary = (Object.entries(counts) as [TaskState, number][]).filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`).join(" · ");
  const link = (href: string | undefined, text: string) =>
    href ? `<a href="${esc(href)}">${text}</a>` : "";
  const stateText = (t: MergedTask) =>
    t.state === "killed" ? `killed (${esc(t.schedulerState ?? "?")})` : t.state;
  const trouble = tasks.filter((t) => t.state !== "passed");
  const troubles = await Promise.all(trouble.map(async (t) => {
    let tail = "";
    if (t.log) {
      try {
        tail = (await Deno.readTextFile(join(dir, t.log))).trimEnd().split("\n").slice(-12)
          .join("\n");
      } catch { /* no log */ }
    }
    return `<li><b>task ${t.index}</b> (${
      paramNames.map((p) => `${esc(p)} = ${esc(fmt(t.parameters[p]))}`).join(", ")
    }): ${stateText(t)}<ul>${
      t.problems.slice(0, 5).map((p) => `<li>${esc(p)}</li>`).join("")
    }</ul>${tail ? `<pre>${esc(tail)}</pre>` : ""}</li>`;
  }));
  const rows = tasks.map((t) =>
    `<tr class="${t.state}"><td>${t.index}</td>${
      paramNames.map((p) => `<td>${esc(fmt(t.parameters[p] ?? ""))}</td>`).join("")
    }<td>${stateText(t)}</td><td>${
      t.claimsTotal ? `${t.claimsPassed}/${t.claimsTotal}` : ""
    }</td><td>${t.seconds === undefined ? "" : t.seconds.toFixed(1)}</td><td>${
      [link(t.executed, "notebook"), link(t.log, "log")].filter(Boolean).join(" · ")
    }</td></tr>`
  ).join("\n");
  const chartHtml = charts.map((c) =>
    `<figure>${c.svg}<details><summary>Vega-Lite</summary><pre>${
      esc(JSON.stringify(c.spec, null, 1))
    }</pre></details></figure>`
  ).join("\n");
  const name = spec.notebook.split("/").at(-1) ?? spec.notebook;
  return `<!doctype html><html><head><meta charset="utf-8"><title>sweep of ${esc(name)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.15rem .5rem;text-align:left;border-bottom:1px solid #ddd}
tr.failed,tr.error,tr.killed{background:#fbe4e4}tr.pending{color:#888}figure{display:inline-block;margin:.5rem}
pre{background:#f6f6f6;padding:.4rem;font-size:.8rem;overflow-x:auto}</style></head><body>
<h1>Sweep of ${esc(name)}</h1>
<p>${tasks.length} tasks: ${esc(summary)} · axes ${
    spec.axes.map((a) =>
      `<code>${esc(a.name)}</code> ∈ {${a.values.map((v) => esc(fmt(v))).join(", ")}}`
    )
      .join(" × ")
  } · planned ${
    esc(spec.created)
  } · <a href="results.csv">results.csv</a> · <a href="records.jsonl">records.jsonl</a></p>
${note ? `<p>${esc(note)}</p>` : ""}
${chartHtml}
${trouble.length ? `<h2>Tasks that did not pass</h2><ul>${troubles.join("\n")}</ul>` : ""}
<h2>Every task</h2>
<table><thead><tr><th>task</th>${
    paramNames.map((p) => `<th>${esc(p)}</th>`).join("")
  }<th>state</th><th>claims</th><th>s</th><th></th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}

// Three significant digits fit a heatmap cell.
function short(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "chart";
}
