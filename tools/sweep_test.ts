import assert from "node:assert/strict";
import { join } from "node:path";
import { sweep } from "./sweep.ts";
import { acquireLock } from "./sweep/lock.ts";
import { arraySpec, jobScript } from "./sweep/slurm_engine.ts";
import { writeFixture } from "../tests/_sweep_fixture.ts";
import { notebookFromScript } from "./notebook.ts";

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

function parseCsv(text: string): Record<string, string>[] {
  // Enough CSV for these files: quoted fields may hold commas and doubled quotes.
  const rows = text.trim().split("\n").map((line) => {
    const cells: string[] = [];
    let cur = "", quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') (cur += '"', i++);
        else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") (cells.push(cur), cur = "");
      else cur += c;
    }
    cells.push(cur);
    return cells;
  });
  return rows.slice(1).map((r) => Object.fromEntries(rows[0].map((h, i) => [h, r[i]])));
}

Deno.test("a sweep with bad input is refused before its folder is written", async () => {
  const dir = await Deno.makeTempDir();
  const nb = await writeFixture(dir);
  const out = join(dir, "sweep");
  const cases: [Parameters<typeof sweep>[1], RegExp][] = [
    [{ grid: ["lr=0.1"], engine: "pbs" }, /unknown engine "pbs"; the engines are local, slurm/],
    [{ grid: ["lr="] }, /the axis lr has no values/],
    [
      { grid: ["eta=0.1"] },
      /unknown parameter eta; the notebook declares lr, batch, seed, profile/,
    ],
    [{ grid: ["lr=fast"] }, /Cannot set parameter lr: expected number, got "fast"/],
    [{ grid: ["lr=0.1"], parameters: { width: "3" } }, /unknown parameter width/],
    [{}, /give at least one axis/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(() => sweep(nb, { ...options, out, log: () => {} }), message);
    assert.equal(await exists(out), false, `nothing written for ${message}`);
  }
  const bare = join(dir, "bare.ipynb");
  await Deno.writeTextFile(bare, JSON.stringify(notebookFromScript("// %%\nconst lr = 0.1;")));
  await assert.rejects(
    () => sweep(bare, { seeds: "0..1", out, log: () => {} }),
    /no cell tagged "parameters"\. Tag the code cell that declares the defaults/,
  );
  // An unreachable sbatch: one line saying what to install, and nothing written.
  const error = await sweep(nb, {
    grid: ["lr=0.1"],
    engine: "slurm",
    slurm: { binDir: dir },
    out,
    log: () => {},
  }).then(() => undefined, (e: Error) => e);
  assert.equal(
    error!.message,
    `Cannot use Slurm: sbatch was not found in ${dir}; install the Slurm client (Debian: apt-get install slurm-client) and set SLURM_CONF to your cluster's slurm.conf, run on the cluster's login node, or use --engine local`,
  );
  assert.equal(await exists(out), false);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the lock keeps a second sweep out and is taken over from a process that is gone", async () => {
  const dir = await Deno.makeTempDir();
  const lock = await acquireLock(join(dir, ".lock"), dir);
  await assert.rejects(
    () => acquireLock(join(dir, ".lock"), dir),
    new RegExp(`Cannot sweep into ${dir}: another sweep holds its lock .*\\(pid ${Deno.pid} on `),
  );
  await lock.release();
  await Deno.writeTextFile(
    join(dir, ".lock"),
    JSON.stringify({ pid: 2 ** 22 + 7, host: Deno.hostname(), started: "", command: "" }),
  );
  const again = await acquireLock(join(dir, ".lock"), dir);
  await again.release();
  assert.equal(await exists(join(dir, ".lock")), false);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the Slurm job script carries the sbatch options and runs one task per array index", () => {
  const script = jobScript("/data/sweep", "/p/nb.ipynb", {
    partition: "gpu",
    time: "0:30:00",
    mem: "8G",
    cpusPerTask: 4,
    gres: "gpu:1",
    extra: ["--qos=high", "--account=lab"],
  });
  for (
    const line of [
      "#SBATCH --job-name=minima-nb",
      "#SBATCH --output=/data/sweep/tasks/%a/slurm-%A_%a.log",
      "#SBATCH --partition=gpu",
      "#SBATCH --time=0:30:00",
      "#SBATCH --mem=8G",
      "#SBATCH --cpus-per-task=4",
      "#SBATCH --gres=gpu:1",
      "#SBATCH --qos=high",
      "#SBATCH --account=lab",
      "export JUPYTER_PATH='/data/sweep/.jupyter'",
    ]
  ) assert.ok(script.split("\n").includes(line), line);
  assert.match(
    script,
    /run -A '.*tools\/sweep\/task\.ts' '\/data\/sweep' "\$SLURM_ARRAY_TASK_ID"$/m,
  );
  assert.equal(arraySpec([5, 0, 1, 2, 7, 8]), "0-2,5,7-8");
  assert.equal(arraySpec([3], 2), "3%2");
  assert.throws(() => jobScript("/d", "/n.ipynb", { extra: ["--a\n--b"] }), /line break/);
});

Deno.test("a local sweep runs every task, isolates a failing one, resumes, and merges", async () => {
  const dir = await Deno.makeTempDir();
  const nb = await writeFixture(dir);
  const out = join(dir, "sweep");
  const first = await sweep(nb, {
    grid: ["lr=0.1,0.2"],
    seeds: "0..1",
    parameters: { batch: "4" },
    out,
    workers: 2,
    env: { MINIMA_TEST_FAIL: "1" },
    log: () => {},
  });
  assert.deepEqual(first.ran, [0, 1, 2, 3]);
  assert.deepEqual(first.merged!.counts, { passed: 2, failed: 2, error: 0, killed: 0, pending: 0 });
  const rows = parseCsv(await Deno.readTextFile(join(out, "results.csv")));
  assert.deepEqual(rows.map((r) => [r.task, r.lr, r.seed, r.batch, r.state]), [
    ["0", "0.1", "0", "4", "passed"],
    ["1", "0.1", "1", "4", "failed"],
    ["2", "0.2", "0", "4", "passed"],
    ["3", "0.2", "1", "4", "failed"],
  ]);
  assert.equal(Number(rows[2].loss), 0.2 * 4);
  assert.equal(rows[0].claims_passed, "1");
  assert.equal(rows[1].loss, "", "the failing task recorded nothing");
  const curve = parseCsv(await Deno.readTextFile(join(out, "records", "curve.csv")));
  assert.deepEqual(curve.map((r) => [r.task, r.step, Number(r.value)]), [
    ["0", "0", 0.4],
    ["0", "1", 0.2],
    ["2", "0", 0.8],
    ["2", "1", 0.4],
  ]);
  const html = await Deno.readTextFile(join(out, "index.html"));
  assert.match(html, /Tasks that did not pass/);
  assert.match(html, /seed 1 fails on purpose/);
  assert.match(html, /<svg/);
  assert.match(html, /href="tasks\/0\/fixture\.ipynb"/);
  assert.match(html, /href="tasks\/1\/task\.log"/);

  // A rerun keeps finished tasks, failed ones included; --retry-failed runs them again.
  const again = await sweep(nb, {
    grid: ["lr=0.1,0.2"],
    seeds: "0..1",
    parameters: { batch: "4" },
    out,
    log: () => {},
  });
  assert.deepEqual(again.ran, []);
  const retried = await sweep(nb, {
    grid: ["lr=0.1,0.2"],
    seeds: "0..1",
    parameters: { batch: "4" },
    out,
    retryFailed: true,
    log: () => {},
  });
  assert.deepEqual(retried.ran, [1, 3]);
  assert.equal(retried.merged!.counts.passed, 4);
  // Another grid in the same folder is a different sweep.
  await assert.rejects(
    () => sweep(nb, { grid: ["lr=0.3"], out, log: () => {} }),
    /it holds another sweep \(fixture\.ipynb, 4 tasks\); choose another --out/,
  );
  await Deno.remove(dir, { recursive: true });
});
