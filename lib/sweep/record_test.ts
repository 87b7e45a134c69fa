import assert from "node:assert/strict";
import { join } from "node:path";
import { flattenRecord, readRecords, record, RUN_ENV } from "./record.ts";
import { gitRevision } from "./git_revision.ts";

async function withRun<T>(run: Record<string, unknown> | undefined, fn: () => Promise<T>) {
  const before = Deno.env.get(RUN_ENV.run);
  if (run) Deno.env.set(RUN_ENV.run, JSON.stringify(run));
  else Deno.env.delete(RUN_ENV.run);
  try {
    return await fn();
  } finally {
    if (before === undefined) Deno.env.delete(RUN_ENV.run);
    else Deno.env.set(RUN_ENV.run, before);
  }
}

Deno.test("record appends JSON Lines and rewrites the CSV of its name with every row", async () => {
  const dir = await Deno.makeTempDir();
  const started = Date.now() - 2000;
  await withRun(
    { id: "task-3", notebook: "a.ipynb", parameters: { lr: 0.05, seed: 3 }, started },
    async () => {
      await record("sharpness", 19.5, { dir });
      await record("history", [{ step: 0, loss: 1 }, { step: 10, loss: NaN }], { dir });
      const r = await record("history", { step: 20, loss: 0.25, note: 'a,"b"' }, { dir });
      assert.equal(r.rows, 1);
    },
  );
  const stored = await readRecords(join(dir, "records.jsonl"));
  assert.deepEqual(stored.map((s) => [s.record, s.row]), [
    ["sharpness", 0],
    ["history", 0],
    ["history", 1],
    ["history", 0],
  ]);
  const first = stored[0];
  assert.equal(first.run, "task-3");
  assert.equal(first.seed, 3);
  assert.deepEqual(first.parameters, { lr: 0.05, seed: 3 });
  assert.deepEqual(first.values, { value: 19.5 });
  assert.ok(first.elapsed_s >= 2 && first.elapsed_s < 60, String(first.elapsed_s));
  assert.ok(Number.isNaN(stored[2].values.loss), "NaN survives the round trip");
  const revision = gitRevision();
  assert.equal(first.revision, revision);
  const csv = (await Deno.readTextFile(join(dir, "history.csv"))).trim().split("\n");
  assert.equal(
    csv[0],
    // The parameter seed and the metadata column seed are one column.
    "record,row,run,seed,profile,revision,backend,recorded_at,elapsed_s,lr,step,loss,note",
  );
  assert.equal(csv.length, 4);
  assert.match(csv[3], /,20,0\.25,"a,""b"""$/);
  assert.match(csv[2], /,10,NaN,$/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("record rejects bad names, values and columns that shadow parameters", async () => {
  const dir = await Deno.makeTempDir();
  await withRun({ id: "t", notebook: "a", parameters: { lr: 1 }, started: 0 }, async () => {
    await assert.rejects(() => record("a/b", 1, { dir }), /name must be letters/);
    await assert.rejects(() => record("x", [] as never, { dir }), /value must be a number/);
    await assert.rejects(
      () => record("x", { nested: { a: 1 } } as never, { dir }),
      /value must be a number/,
    );
    await assert.rejects(() => record("x", { lr: 2 }, { dir }), {
      name: "TypeError",
      message:
        "Cannot record x: the column lr is 2, but the parameter lr of this run is 1; rename the column",
    });
    await record("x", { lr: 1, loss: 0.5 }, { dir }); // repeating a parameter is fine
    await assert.rejects(
      () => record("x", { run: 2 }, { dir }),
      /run is a metadata column of every stored row/,
    );
    await assert.rejects(() => record("x", 1, { dir, file: "y" } as never), /unknown option file/);
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("outside a run, record writes results/ in the working directory", async () => {
  const dir = await Deno.makeTempDir();
  const cwd = Deno.cwd();
  const before = Deno.env.get(RUN_ENV.resultsDir);
  Deno.env.delete(RUN_ENV.resultsDir);
  Deno.chdir(dir);
  try {
    await withRun(undefined, async () => {
      const r = await record("loss", 0.5);
      assert.equal(r.jsonl, join(dir, "results", "records.jsonl"));
      const [stored] = await readRecords(r.jsonl);
      assert.equal(stored.run, null);
      assert.deepEqual(stored.parameters, {});
      assert.deepEqual(flattenRecord(stored).value, 0.5);
    });
  } finally {
    Deno.chdir(cwd);
    if (before !== undefined) Deno.env.set(RUN_ENV.resultsDir, before);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gitRevision reads the checkout's HEAD as git reports it", async () => {
  const out = await new Deno.Command("git", { args: ["rev-parse", "HEAD"], stdout: "piped" })
    .output().catch(() => undefined);
  if (!out?.success) return; // not a git checkout
  const expected = new TextDecoder().decode(out.stdout).trim();
  if (Deno.env.get(RUN_ENV.revision)) return; // the runner's value wins
  assert.equal(gitRevision(), expected);
});
