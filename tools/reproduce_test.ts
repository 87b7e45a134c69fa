import assert from "node:assert/strict";
import { join } from "node:path";
import { countChecks, indexHtml, toHtml } from "./reproduce.ts";
import { ensure, JUPYTER } from "./_setup.ts";

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
