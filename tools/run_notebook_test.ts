import assert from "node:assert/strict";
import { join } from "node:path";
import { parameterSetsFromArgs, readParameterFile, runNotebook } from "./run_notebook.ts";
import { writeFixture } from "../tests/_sweep_fixture.ts";
import { kernelEnv } from "../tests/_jupyter.ts";
import { readRecords } from "../lib/sweep/record.ts";
import { gitRevision } from "../lib/sweep/git_revision.ts";

Deno.test("parameter files are JSON or YAML, one set or a list", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "a.json"), '{"lr": 0.05, "name": "x"}');
  await Deno.writeTextFile(join(dir, "b.yaml"), "- lr: 0.05\n  widths: [8, 16]\n- lr: 0.1\n");
  await Deno.writeTextFile(join(dir, "c.yml"), "just text\n");
  assert.deepEqual(await readParameterFile(join(dir, "a.json")), [{ lr: 0.05, name: "x" }]);
  assert.deepEqual(await readParameterFile(join(dir, "b.yaml")), [
    { lr: 0.05, widths: [8, 16] },
    { lr: 0.1 },
  ]);
  await assert.rejects(
    () => readParameterFile(join(dir, "c.yml")),
    /must hold an object of parameters or a list of them/,
  );
  const { sets } = await parameterSetsFromArgs({
    p: ["batch=4"],
    file: join(dir, "b.yaml"),
    seeds: "0..1",
  });
  assert.deepEqual(sets, [
    { lr: 0.05, widths: [8, 16], batch: "4", seed: "0" },
    { lr: 0.05, widths: [8, 16], batch: "4", seed: "1" },
    { lr: 0.1, batch: "4", seed: "0" },
    { lr: 0.1, batch: "4", seed: "1" },
  ]);
  await assert.rejects(() => parameterSetsFromArgs({ p: ["lr"] }), /write it as name=value/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runNotebook injects typed parameters and the notebook records them", async () => {
  const env = await kernelEnv();
  const dir = await Deno.makeTempDir();
  const nb = await writeFixture(dir);
  const out = join(dir, "out");
  // Bad parameters are refused before anything is written or started.
  await assert.rejects(
    () => runNotebook(nb, { outDir: out, env, parameters: { eta: "1" }, parametersFromText: true }),
    /unknown parameter eta; the notebook declares lr, batch, seed, profile/,
  );
  await assert.rejects(
    () => runNotebook(nb, { outDir: out, env, parameters: { lr: "0.5" } }),
    /Cannot set parameter lr: expected number, got "0\.5"/,
  );
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
  const run = await runNotebook(nb, {
    outDir: out,
    env,
    parameters: { lr: "0.5", seed: "2" },
    parametersFromText: true,
    profile: "full",
    cellTimeout: 120,
  });
  assert.deepEqual(run.problems, []);
  assert.deepEqual(run.parameters, { lr: 0.5, batch: 8, seed: 2, profile: "full" });
  const executed = JSON.parse(await Deno.readTextFile(run.executed));
  const injected = executed.cells[2];
  assert.deepEqual(injected.metadata.tags, ["injected-parameters"]);
  assert.match(injected.source.join(""), /^const lr = 0\.5;\nconst seed = 2;$/m);
  const [loss] = (await readRecords(join(run.resultsDir!, "records.jsonl")))
    .filter((r) => r.record === "loss");
  assert.equal(loss.values.value, 0.5 * 8 + 0.02);
  assert.deepEqual(loss.parameters, { lr: 0.5, batch: 8, seed: 2, profile: "full" });
  assert.equal(loss.seed, 2);
  assert.equal(loss.profile, "full");
  assert.equal(loss.run, "fixture");
  assert.equal(loss.revision, gitRevision());
  assert.ok(loss.backend, "the backend is named");
  await Deno.remove(dir, { recursive: true });
});
