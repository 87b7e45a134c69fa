/**
 * `deno task reproduce [--fast] [--only TEXT]`: the main job. Executes every notebook in
 * notebooks/ through the real Jupyter client with the minima kernel (the full, paper-scale
 * setting unless --fast), writes the executed notebooks to out/notebooks/, an HTML rendering of
 * each to out/html/, and out/index.html listing each notebook with its claims and ✓/✗, its
 * identity checks (true by construction) apart, and the totals of each
 * (out/report.json has the same as data). A failing notebook is reported and the others still
 * run; the exit status is 1 if any failed. A notebook whose kernel died says so at its heading,
 * with the kernel's exit status.
 *
 * With `--only TEXT` only the notebooks whose names contain TEXT run, and their results replace
 * theirs in the existing report: the other notebooks' results are kept with the profile and date
 * they were run with (each notebook shows its own when they differ).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ensure, JUPYTER } from "./_setup.ts";
import { type NotebookRun, runNotebook, summarizeRun } from "./run_notebook.ts";
import { installKernel } from "../kernels/install.ts";

/** A notebook's run as the report keeps it: with the profile and date it was run with. */
export type ReportRun = NotebookRun & { profile?: string; date?: string };

const root = dirname(dirname(fileURLToPath(import.meta.url)));

function isInterval(v: unknown): v is { mean: number; low: number; high: number; rule: string } {
  return typeof v === "object" && v !== null && "low" in v && "high" in v && "rule" in v;
}

/** Claims and identity checks over all runs, counted apart. */
export function countChecks(runs: NotebookRun[]): {
  claims: number;
  claimsPassed: number;
  withControl: number;
  identities: number;
  identitiesPassed: number;
} {
  const claims = runs.flatMap((r) => r.claims);
  const identities = runs.flatMap((r) => r.identities ?? []);
  return {
    claims: claims.length,
    claimsPassed: claims.filter((c) => c.passed).length,
    withControl: claims.filter((c) => c.control).length,
    identities: identities.length,
    identitiesPassed: identities.filter((c) => c.passed).length,
  };
}

/**
 * The runs of a report after a run of some notebooks (`--only`): the fresh runs, and the earlier
 * report's runs of the other notebooks that still exist, each with the profile and date it was run
 * with, in notebook order.
 *
 * @param previous The earlier out/report.json (parsed), or undefined.
 * @param fresh The runs just made.
 * @param notebooks The notebooks in notebooks/ now (file names).
 * @returns The runs to report.
 */
export function mergeRuns(
  previous: unknown,
  fresh: ReportRun[],
  notebooks: readonly string[],
): ReportRun[] {
  const report = previous as { runs?: ReportRun[]; profile?: string; date?: string } | undefined;
  const ran = new Set(fresh.map((r) => basename(r.notebook)));
  const kept = (Array.isArray(report?.runs) ? report.runs : [])
    .filter((r) => typeof r?.notebook === "string")
    .filter((r) => !ran.has(basename(r.notebook)) && notebooks.includes(basename(r.notebook)))
    .map((r) => ({ ...r, profile: r.profile ?? report?.profile, date: r.date ?? report?.date }));
  return [...kept, ...fresh].sort((a, b) =>
    basename(a.notebook).localeCompare(basename(b.notebook))
  );
}

/** Renders the index page. */
export function indexHtml(runs: ReportRun[], profile: string, date: string): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const fmt = (v: unknown): string =>
    Array.isArray(v)
      ? `[${v.slice(0, 6).map(fmt).join(", ")}${v.length > 6 ? ", …" : ""}]`
      : typeof v === "number"
      ? (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))))
      : isInterval(v)
      ? `${fmt(v.mean)} [${fmt(v.low)}, ${fmt(v.high)}] (${v.rule})`
      : String(v);
  const passed = runs.filter((r) => r.passed).length;
  const totals = countChecks(runs);
  // Runs kept from earlier reports may have another profile or date: each then shows its own.
  const mixed = runs.some((r) => (r.profile ?? profile) !== profile || (r.date ?? date) !== date);
  const sections = runs.map((run) => {
    const name = basename(run.notebook, ".ipynb");
    const identities = run.identities ?? [];
    const withControl = run.claims.some((c) => c.control);
    const claims = run.claims.map((c) =>
      `<tr class="${c.passed ? "ok" : "bad"}"><td>${c.passed ? "✓" : "✗"}</td><td>${
        esc(c.statement)
      }</td><td>${esc(fmt(c.actual))}</td><td>${esc(c.relation)}</td><td>${
        esc(fmt(c.expected))
      }</td>${
        withControl
          ? `<td>${
            c.control
              ? esc(
                `${c.control.label}: ${fmt(c.control.actual)} (${
                  c.control.holds ? "passes: cannot tell" : "fails"
                })`,
              )
              : ""
          }</td>`
          : ""
      }</tr>`
    ).join("");
    const checks = identities.map((c) =>
      `<tr class="${c.passed ? "id" : "bad"}"><td>${c.passed ? "≡" : "≢"}</td><td>${
        esc(c.statement)
      }</td><td>${esc(fmt(c.actual))}</td><td>${esc(c.relation)}</td><td>${
        esc(fmt(c.expected))
      }</td></tr>`
    ).join("");
    const listed = run.problems.filter((p) => p !== run.stopped);
    const problems = listed.length
      ? `<ul class="problems">${listed.map((p) => `<li>${esc(p)}</li>`).join("")}</ul>`
      : "";
    const stopped = run.stopped ? `<p class="stopped">${esc(run.stopped)}</p>\n` : "";
    const when = mixed
      ? ` · profile <code>${esc(run.profile ?? profile)}</code>, ${esc(run.date ?? date)}`
      : "";
    return `<section><h2>${run.passed ? "✓" : "✗"} ${esc(name)}${
      run.stopped?.startsWith("the kernel died") ? " · kernel died" : ""
    }</h2>
${stopped}<p><a href="html/${esc(name)}.html">rendered</a> · <a href="notebooks/${
      esc(name)
    }.ipynb">executed notebook</a> ·
${run.claims.length} claims · ${identities.length} identity checks · ${run.charts} charts · ${
      run.seconds.toFixed(1)
    } s${when}</p>
${
      claims
        ? `<table><thead><tr><th></th><th>claim</th><th>measured</th><th></th><th>expected</th>${
          withControl ? "<th>negative control</th>" : ""
        }</tr></thead><tbody>${claims}</tbody></table>`
        : "<p>no claims were checked</p>"
    }
${
      checks
        ? `<details><summary>${identities.length} identity checks (true by construction, not claims)</summary><table><thead><tr><th></th><th>identity check</th><th>measured</th><th></th><th>expected</th></tr></thead><tbody>${checks}</tbody></table></details>`
        : ""
    }
${problems}</section>`;
  }).join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><title>minima: reproduced results</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #ddd}
tr.ok td:first-child{color:#1a7f37}tr.id td:first-child{color:#555}tr.bad{background:#fbe4e4}.problems{color:#b00}
.stopped{color:#fff;background:#b00;padding:.3rem .6rem;font-weight:bold}</style></head><body>
<h1>minima: reproduced results</h1>
<p>${passed} of ${runs.length} notebooks passed · ${totals.claimsPassed} of ${totals.claims} claims hold (${totals.withControl} with a negative control) · ${totals.identitiesPassed} of ${totals.identities} identity checks hold · ${
    mixed
      ? `runs of several profiles or dates (each notebook shows its own); latest ${esc(date)}`
      : `profile <code>${esc(profile)}</code> · ${esc(date)}`
  }</p>
${sections}
</body></html>
`;
}

/**
 * Writes out/index.html and out/report.json. With `merge` (a run of some notebooks, `--only`),
 * the fresh runs replace theirs in the existing report.json and the other notebooks' results are
 * kept ({@linkcode mergeRuns}); without it the report holds the fresh runs only.
 *
 * @param out The report's folder.
 * @param runs The runs just made.
 * @param options The profile and date of this run, whether to merge, and the notebooks that exist.
 * @returns How many notebooks' results were kept from the earlier report.
 */
export async function writeReport(
  out: string,
  runs: ReportRun[],
  options: { profile: string; date: string; merge: boolean; notebooks: readonly string[] },
): Promise<number> {
  const { profile, date } = options;
  let reported: ReportRun[] = runs.map((r) => ({
    ...r,
    profile: r.profile ?? profile,
    date: r.date ?? date,
  }));
  if (options.merge) {
    let previous: unknown;
    try {
      previous = JSON.parse(await Deno.readTextFile(join(out, "report.json")));
    } catch { /* no earlier report, or not one this tool can read: the fresh runs only */ }
    reported = mergeRuns(previous, reported, options.notebooks);
  }
  await Deno.writeTextFile(join(out, "index.html"), indexHtml(reported, profile, date));
  await Deno.writeTextFile(
    join(out, "report.json"),
    JSON.stringify({ date, profile, totals: countChecks(reported), runs: reported }, null, 2) +
      "\n",
  );
  return reported.length - runs.length;
}

/**
 * Renders an executed notebook to HTML in `outDir` with minima's template (charts keep their SVG,
 * which nbconvert's own templates strip down to the text labels).
 *
 * @param executed The executed notebook.
 * @param outDir Where the HTML goes (same base name).
 * @returns Undefined on success, else the last line of nbconvert's error.
 */
export async function toHtml(executed: string, outDir: string): Promise<string | undefined> {
  const template = join(root, "tools", "report.html.j2");
  const out = await new Deno.Command("jupyter", {
    args: [
      "nbconvert",
      "--to",
      "html",
      "--template-file",
      template,
      "--output-dir",
      outDir,
      executed,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  return out.success ? undefined : new TextDecoder().decode(out.stderr).trim().split("\n").at(-1);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { fast: { type: "boolean", default: false }, only: { type: "string" } },
  });
  const profile = values.fast ? "fast" : "full";
  try {
    await ensure([JUPYTER]);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
  const jupyterPath = await Deno.makeTempDir({ prefix: "minima-jupyter-" });
  await installKernel({ dataDir: jupyterPath });
  const out = join(root, "out");
  const notebooksOut = join(out, "notebooks"), htmlOut = join(out, "html");
  await Deno.mkdir(notebooksOut, { recursive: true });
  await Deno.mkdir(htmlOut, { recursive: true });
  const notebooks = [...Deno.readDirSync(join(root, "notebooks"))].map((e) => e.name)
    .filter((n) => n.endsWith(".ipynb") && (!values.only || n.includes(values.only))).sort();
  console.log(`Reproducing ${notebooks.length} notebooks (profile ${profile}) into ${out}`);
  const runs: ReportRun[] = [];
  const date = new Date().toISOString();
  for (const [i, name] of notebooks.entries()) {
    const line = `[${i + 1}/${notebooks.length}] ${name}`;
    console.log(`${line} ...`);
    const run = await runNotebook(join(root, "notebooks", name), {
      outDir: notebooksOut,
      profile,
      env: { JUPYTER_PATH: jupyterPath },
      cellTimeout: 3600,
    });
    const htmlError = await toHtml(run.executed, htmlOut);
    if (htmlError) run.problems.push(`HTML rendering failed: ${htmlError}`);
    runs.push({ ...run, profile, date });
    console.log(
      summarizeRun(run).replace(/^/, `${line}: `).replace(
        `${line}: ${run.passed ? "✓" : "✗"} ${name}: `,
        `${line}: ${run.passed ? "✓" : "✗"} `,
      ),
    );
  }
  const all = [...Deno.readDirSync(join(root, "notebooks"))].map((e) => e.name);
  const kept = await writeReport(out, runs, {
    profile,
    date,
    merge: values.only !== undefined,
    notebooks: all,
  });
  if (kept > 0) console.log(`Kept ${kept} notebooks' results from the earlier report`);
  await Deno.remove(jupyterPath, { recursive: true }).catch(() => {});
  const failed = runs.filter((r) => !r.passed).length;
  console.log(
    `\n${runs.length - failed} of ${runs.length} notebooks passed; report: ${
      join(out, "index.html")
    }`,
  );
  Deno.exit(failed > 0 ? 1 : 0);
}
