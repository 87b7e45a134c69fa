import assert from "node:assert/strict";
import { join } from "node:path";
import {
  countChecks,
  indexHtml,
  mergeRuns,
  type ReportRun,
  toHtml,
  writeReport,
} from "./reproduce.ts";
import { ensure, JUPYTER } from "./_setup.ts";
import { runNotebook } from "./run_notebook.ts";
import { notebookFromScript } from "./notebook.ts";
import { kernelEnv } from "../tests/_jupyter.ts";

/** A 1×1 PNG, base64. */
const PNG_1X1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

Deno.test("the HTML report keeps a chart's SVG elements and drops empty Out[n] prompts", async () => {
  await ensure([JUPYTER]);
  const dir = await Deno.makeTempDir();
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">' +
    '<path d="M0,0L20,10" stroke="#4c78a8"/><text x="1" y="9">loss</text></svg>';
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{
      cell_type: "code",
      id: "c1",
      metadata: {},
      execution_count: 1,
      source: "await show(spec);",
      outputs: [
        {
          output_type: "display_data",
          metadata: { "image/png": { width: 20, height: 10 } },
          // A chart's bundle as show() sends it: the report shows the SVG, not the PNG.
          data: {
            "application/vnd.vegalite.v5+json": { $schema: "vega-lite", mark: "line" },
            "image/svg+xml": svg,
            "image/png": PNG_1X1,
            "text/plain": "line of loss vs step (2 records)",
          },
        },
        { output_type: "execute_result", metadata: {}, execution_count: 1, data: {} },
      ],
    }],
  };
  await Deno.writeTextFile(join(dir, "chart.ipynb"), JSON.stringify(notebook));
  assert.equal(await toHtml(join(dir, "chart.ipynb"), dir), undefined);
  const html = await Deno.readTextFile(join(dir, "chart.html"));
  assert.ok(html.includes('<path d="M0,0L20,10" stroke="#4c78a8"'), "the SVG path survives");
  assert.ok(!html.includes("Out[1]"), "no prompt for an empty result");
  assert.ok(!html.includes(PNG_1X1), "the PNG is not drawn beside the SVG");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the index counts claims and identity checks apart and shows controls and intervals", () => {
  const claim = (statement: string, passed: boolean, extra: Record<string, unknown> = {}) => ({
    statement,
    actual: 0.5,
    expected: 1,
    relation: "≤",
    passed,
    detail: "d",
    ...extra,
  });
  const run = (name: string, passed: boolean) => ({
    notebook: `notebooks/${name}.ipynb`,
    executed: `out/${name}.ipynb`,
    seconds: 12.3,
    passed,
    charts: 2,
    cells: { code: 3, executed: 3 },
    problems: [],
    claims: [
      claim("spread ≈ the SDE's", true, {
        control: { label: "GD (no noise)", actual: 0.01, holds: false, detail: "c" },
      }),
      claim("gap > 0 over seeds", passed, {
        actual: {
          values: [1, 2],
          seeds: 2,
          mean: 1.5,
          standardError: 0.5,
          low: 0,
          high: 3,
          rule: "mean ± 3 s.e. over 2 seeds",
        },
      }),
    ],
    identities: [claim("bound with tr G", true, { kind: "identity" })],
  });
  const html = indexHtml([run("04_a", true), run("05_b", false)], "fast", "today");
  assert.ok(
    html.includes(
      "1 of 2 notebooks passed · 3 of 4 claims hold (2 with a negative control) · 2 of 2 identity checks hold",
    ),
  );
  assert.ok(html.includes("2 claims · 1 identity checks · 2 charts · 12.3 s"));
  assert.ok(html.includes("<th>negative control</th>"));
  assert.ok(html.includes("GD (no noise): 0.01 (fails)"));
  assert.ok(html.includes("1.5 [0, 3] (mean ± 3 s.e. over 2 seeds)"));
  assert.ok(html.includes('<tr class="id"><td>≡</td><td>bound with tr G</td>'));
  assert.deepEqual(countChecks([run("x", true)]), {
    claims: 2,
    claimsPassed: 2,
    withControl: 1,
    identities: 1,
    identitiesPassed: 1,
  });
});

/** A passing run of one notebook with one claim, as the report keeps it. */
const simpleRun = (name: string, extra: Partial<ReportRun> = {}): ReportRun => ({
  notebook: `notebooks/${name}.ipynb`,
  executed: `out/notebooks/${name}.ipynb`,
  seconds: 1,
  passed: true,
  charts: 0,
  cells: { code: 1, executed: 1 },
  problems: [],
  claims: [{
    statement: `${name} holds`,
    actual: 1,
    expected: 1,
    relation: "≈",
    passed: true,
    detail: "",
  }],
  identities: [],
  ...extra,
});

Deno.test("a kernel that dies shows as 'kernel died' with its exit status in out/index.html", async () => {
  const env = await kernelEnv();
  const dir = await Deno.makeTempDir();
  const nb = join(dir, "dies.ipynb");
  await Deno.writeTextFile(
    nb,
    JSON.stringify(notebookFromScript(`// %%
const x = 1;

// %%
Deno.exit(3);

// %%
import { claim } from "minima";
await claim("one is one", x, 1);
`)),
  );
  const run = await runNotebook(nb, { outDir: join(dir, "out"), env, cellTimeout: 60 });
  assert.equal(run.passed, false);
  assert.equal(run.stopped, "the kernel died in cell 1 (Deno.exit(3);): exit status 3");
  assert.deepEqual(run.problems.slice(0, 2), [
    "the kernel died in cell 1 (Deno.exit(3);): exit status 3",
    'cell 2 (import { claim } from "minima";) did not run (the kernel had died in cell 1)',
  ]);
  await writeReport(dir, [run], { profile: "fast", date: "d", merge: false, notebooks: [] });
  const html = await Deno.readTextFile(join(dir, "index.html"));
  assert.ok(html.includes("<h2>✗ dies · kernel died</h2>"), html);
  assert.ok(
    html.includes(
      '<p class="stopped">the kernel died in cell 1 (Deno.exit(3);): exit status 3</p>',
    ),
  );
  // Named once, as the heading's banner, not again in the list below it.
  assert.equal(html.split("exit status 3").length - 1, 1);
  const report = JSON.parse(await Deno.readTextFile(join(dir, "report.json")));
  assert.equal(report.runs[0].stopped, run.stopped);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--only merges its notebooks' runs into the existing report and keeps the others'", async () => {
  const dir = await Deno.makeTempDir();
  const notebooks = ["01_a.ipynb", "02_b.ipynb", "03_c.ipynb"];
  await writeReport(dir, notebooks.map((n) => simpleRun(n.replace(".ipynb", ""))), {
    profile: "full",
    date: "2026-01-01",
    merge: false,
    notebooks,
  });
  // 02_b is run again in the fast profile and fails; 01_a and 03_c keep their full runs.
  const fresh = simpleRun("02_b", { passed: false, problems: ["claim failed: 02_b holds"] });
  fresh.claims[0].passed = false;
  const kept = await writeReport(dir, [fresh], {
    profile: "fast",
    date: "2026-02-02",
    merge: true,
    notebooks,
  });
  assert.equal(kept, 2);
  const report = JSON.parse(await Deno.readTextFile(join(dir, "report.json")));
  assert.deepEqual(
    report.runs.map((r: ReportRun) => [r.notebook, r.passed, r.profile, r.date]),
    [
      ["notebooks/01_a.ipynb", true, "full", "2026-01-01"],
      ["notebooks/02_b.ipynb", false, "fast", "2026-02-02"],
      ["notebooks/03_c.ipynb", true, "full", "2026-01-01"],
    ],
  );
  assert.deepEqual(report.totals, {
    claims: 3,
    claimsPassed: 2,
    withControl: 0,
    identities: 0,
    identitiesPassed: 0,
  });
  const html = await Deno.readTextFile(join(dir, "index.html"));
  assert.ok(html.includes("2 of 3 notebooks passed · 2 of 3 claims hold"));
  assert.ok(html.includes("runs of several profiles or dates (each notebook shows its own)"));
  assert.ok(html.includes("· profile <code>full</code>, 2026-01-01"));
  assert.ok(html.includes("· profile <code>fast</code>, 2026-02-02"));
  // A notebook that no longer exists is dropped; a run without a report keeps only itself.
  assert.deepEqual(
    mergeRuns(report, [simpleRun("03_c")], ["03_c.ipynb", "01_a.ipynb"]).map((r) => r.notebook),
    ["notebooks/01_a.ipynb", "notebooks/03_c.ipynb"],
  );
  assert.deepEqual(mergeRuns(undefined, [simpleRun("03_c")], notebooks).length, 1);
  assert.deepEqual(mergeRuns({ runs: "junk" }, [simpleRun("03_c")], notebooks).length, 1);
  // Without --only the report is the fresh runs alone, with one profile and date.
  await writeReport(dir, [simpleRun("01_a")], {
    profile: "fast",
    date: "2026-03-03",
    merge: false,
    notebooks,
  });
  const alone = await Deno.readTextFile(join(dir, "index.html"));
  assert.ok(alone.includes("1 of 1 notebooks passed"));
  assert.ok(alone.includes("profile <code>fast</code> · 2026-03-03"));
  await Deno.remove(dir, { recursive: true });
});
