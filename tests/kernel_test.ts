/**
 * The minima kernel from outside the project: a notebook in a folder with no deno.json above it
 * still imports minima, and its file I/O happens in the notebook's folder. The same library code
 * also runs as a plain `deno run` script, where display degrades to text.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNotebook } from "../tools/run_notebook.ts";
import { notebookFromScript, scriptFromNotebook } from "../tools/notebook.ts";
import { kernelEnv } from "./_jupyter.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

Deno.test("a notebook outside the project imports minima and writes files beside itself", async () => {
  const env = await kernelEnv();
  const dir = await Deno.makeTempDir({ prefix: "minima-outside-" });
  const script = [
    "// %%",
    'import { claim, lineChart, show } from "minima";',
    'await Deno.writeTextFile("written-here.txt", Deno.cwd());',
    "// %%",
    'await show(lineChart([{ t: 0, v: 1 }, { t: 1, v: 2 }], { x: "t", y: "v" }));',
    "// %%",
    'await claim("the kernel works from anywhere", true, true);',
  ].join("\n");
  // A config above the notebook that mentions minima without mapping "minima" itself must not
  // redirect the import (the launcher parses the import map; it used to grep for the word).
  await Deno.writeTextFile(
    join(dir, "deno.json"),
    '{ "name": "minima-notes", "imports": { "minima-extra": "./nowhere.ts" } }',
  );
  const nbDir = join(dir, "notes");
  await Deno.mkdir(nbDir);
  const path = join(nbDir, "outside.ipynb");
  await Deno.writeTextFile(path, JSON.stringify(notebookFromScript(script)));
  const outDir = join(dir, "out");
  const run = await runNotebook(path, { outDir, env, cellTimeout: 120 });
  assert.deepEqual(run.problems, []);
  assert.equal(run.charts, 1);
  assert.equal(
    await Deno.readTextFile(join(nbDir, "written-here.txt")),
    await Deno.realPath(nbDir),
  );
  // The first cell says which library and which config are in use.
  const executed = JSON.parse(await Deno.readTextFile(join(outDir, "outside.ipynb")));
  const first = executed.cells.find((c: { cell_type: string }) => c.cell_type === "code");
  const text = first.outputs
    .filter((o: { output_type: string }) => o.output_type === "stream")
    .map((o: { text: string | string[] }) => [o.text].flat().join("")).join("");
  const version = JSON.parse(await Deno.readTextFile(join(root, "deno.json"))).version;
  assert.equal(
    text.trim(),
    `minima ${version} from ${root}/ ("minima" mapped by ${join(root, "deno.json")})`,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the tour's library code runs as a plain deno script, with text instead of charts", async () => {
  const dir = await Deno.makeTempDir();
  const script = join(dir, "plain.ts");
  await Deno.writeTextFile(
    script,
    [
      `import { claim, lineChart, show, table } from "${join(root, "mod.ts")}";`,
      'await show(lineChart([{ t: 0, v: 1 }], { x: "t", y: "v", title: "plain" }));',
      "await table([{ a: 1 }]);",
      'await claim("runs without a kernel", 2, 2);',
    ].join("\n"),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", join(root, "deno.json"), script],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  assert.match(stdout, /^plain: line of v vs t \(1 record\)$/m);
  assert.match(stdout, /✓ {2}runs without a kernel/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the tour notebook's code runs as a plain deno script and its claims pass", async () => {
  const dir = await Deno.makeTempDir();
  const script = join(dir, "tour.ts");
  const notebook = JSON.parse(await Deno.readTextFile(join(root, "notebooks", "00_tour.ipynb")));
  await Deno.writeTextFile(script, scriptFromNotebook(notebook));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", join(root, "deno.json"), script],
    cwd: dir,
    env: { MINIMA_PROFILE: "fast", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
  // Charts degrade to one-line summaries, the claim table to text with every claim ✓.
  assert.match(stdout, /^sharpness during GD: line of sharpness vs step/m);
  assert.match(stdout, /✓ {2}GD's final sharpness a satisfies a ≤ 2\/η for every η/);
  assert.doesNotMatch(stdout, /✗/);
  await Deno.remove(dir, { recursive: true });
});
