import assert from "node:assert/strict";
import { join } from "node:path";
import { toHtml } from "./reproduce.ts";
import { ensure, JUPYTER } from "./_setup.ts";

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
        { output_type: "display_data", metadata: {}, data: { "image/svg+xml": svg } },
        { output_type: "execute_result", metadata: {}, execution_count: 1, data: {} },
      ],
    }],
  };
  await Deno.writeTextFile(join(dir, "chart.ipynb"), JSON.stringify(notebook));
  assert.equal(await toHtml(join(dir, "chart.ipynb"), dir), undefined);
  const html = await Deno.readTextFile(join(dir, "chart.html"));
  assert.ok(html.includes('<path d="M0,0L20,10" stroke="#4c78a8"'), "the SVG path survives");
  assert.ok(!html.includes("Out[1]"), "no prompt for an empty result");
  await Deno.remove(dir, { recursive: true });
});
