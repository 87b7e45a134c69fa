/**
 * Every notebook in notebooks/ runs through the real Jupyter client (nbclient) with the minima
 * kernel in the fast profile. A notebook fails on any error output, any failed or missing claim,
 * any chart without both its Vega-Lite spec and its SVG, and any display call whose output did not
 * arrive. Notebooks run two at a time (the machines have 2 cores); each test awaits its own.
 *
 * @module
 */
import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNotebook, summarizeRun } from "../tools/run_notebook.ts";
import { kernelEnv } from "./_jupyter.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const notebooks = [...Deno.readDirSync(join(root, "notebooks"))]
  .map((e) => e.name).filter((n) => n.endsWith(".ipynb")).sort();
const outDir = await Deno.makeTempDir({ prefix: "minima-notebooks-" });

// A pool of two: the runs start now and each test awaits its own result.
const runs = new Map<string, ReturnType<typeof runNotebook>>();
const queue = [...notebooks];
for (let worker = 0; worker < 2; worker++) {
  (async () => {
    while (queue.length > 0) {
      const name = queue.shift()!;
      const run = kernelEnv().then((env) =>
        runNotebook(join(root, "notebooks", name), {
          outDir,
          profile: "fast",
          env,
          cellTimeout: 300,
        })
      );
      runs.set(name, run);
      await run.catch(() => {});
    }
  })();
}

for (const name of notebooks) {
  Deno.test(`notebook ${name} runs in Jupyter with every claim ✓ and every chart drawn`, async () => {
    while (!runs.has(name)) await new Promise((r) => setTimeout(r, 50));
    const run = await runs.get(name)!;
    console.log(summarizeRun(run));
    assert.deepEqual(run.problems, [], `${basename(name)}:\n${run.problems.join("\n")}`);
    assert.ok(run.claims.length > 0);
    assert.ok(run.charts > 0, "a notebook shows at least one chart");
  });
}

Deno.test("the notebook runner reports a failing claim and a lost output as failures", async () => {
  const env = await kernelEnv();
  const dir = await Deno.makeTempDir();
  const nb = {
    cells: [
      {
        cell_type: "code",
        metadata: {},
        outputs: [],
        execution_count: null,
        source: ['import { claim } from "minima";\n'],
      },
      {
        cell_type: "code",
        metadata: {},
        outputs: [],
        execution_count: null,
        source: ['await claim("1 + 1 = 3", 1 + 1, 3);\n'],
      },
    ],
    metadata: {
      kernelspec: { name: "minima", display_name: "minima (Deno)", language: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const path = join(dir, "failing.ipynb");
  await Deno.writeTextFile(path, JSON.stringify(nb));
  const run = await runNotebook(path, { outDir: dir, env, cellTimeout: 120 });
  assert.equal(run.passed, false);
  assert.equal(run.claims.length, 1);
  assert.ok(
    run.problems.some((p) => p.startsWith("claim failed: 1 + 1 = 3")),
    run.problems.join("\n"),
  );
  assert.ok(run.problems.some((p) => /raised ClaimError/.test(p)), run.problems.join("\n"));
  await Deno.remove(dir, { recursive: true });
});

globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(outDir, { recursive: true });
  } catch { /* gone */ }
});
