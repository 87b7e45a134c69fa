import assert from "node:assert/strict";
import { notebookFromScript, scriptFromNotebook } from "./notebook.ts";

Deno.test("a percent script becomes a notebook and back without changes", () => {
  const script =
    '// %% [markdown]\n// # Title\n//\n// text\n\n// %% tags=["claims"]\nconst x = 1;\nx + 1\n';
  const nb = notebookFromScript(script) as {
    cells: { cell_type: string; source: string[]; metadata: unknown }[];
  };
  assert.deepEqual(nb.cells.map((c) => c.cell_type), ["markdown", "code"]);
  assert.deepEqual(nb.cells[0].source, ["# Title\n", "\n", "text"]);
  assert.deepEqual(nb.cells[1].metadata, { tags: ["claims"] });
  assert.equal(scriptFromNotebook(nb as never), script);
});
