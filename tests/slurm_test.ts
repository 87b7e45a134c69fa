/**
 * Sweeps against a real Slurm: a one-node cluster on 127.0.0.1 (`tools/local_slurm.sh`, with
 * slurmdbd on a private MariaDB so `sacct` knows every task's state) runs a job array of the
 * fixture notebook. One task is cancelled mid-run with `scancel` and one runs past its time
 * limit; both are reported killed with sacct's state while the others merge, and a rerun
 * completes only those two. Every daemon the test started is stopped.
 *
 * Needs root (slurmd starts jobs as their user) or Slurm and MariaDB already installed; the
 * script installs the Debian packages when they are missing and it runs as root.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sweep } from "../tools/sweep.ts";
import type { SubmittedJob } from "../tools/sweep/slurm_engine.ts";
import { writeFixture } from "./_sweep_fixture.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const script = join(root, "tools", "local_slurm.sh");

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
    .output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return { ok: out.success, stdout: text(out.stdout), stderr: text(out.stderr) };
}

const isRoot = Deno.uid?.() === 0;
const installed =
  (await run("sh", ["-c", "command -v sbatch && command -v mariadbd"]).catch(() => ({ ok: false })))
    .ok;

Deno.test({
  name: "a Slurm job array sweep merges, reports killed tasks by sacct's state, and resumes",
  ignore: Deno.build.os !== "linux" || !(isRoot || installed),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const started = performance.now();
    const dir = await Deno.makeTempDir({ prefix: "minima-slurm-" });
    const cluster = join(dir, "cluster");
    const up = await run("bash", [script, "start", cluster]);
    try {
      assert.ok(up.ok, `the cluster did not start: ${up.stderr}`);
      const slurmConf = join(cluster, "slurm.conf");
      const env = { SLURM_CONF: slurmConf };
      const nb = await writeFixture(dir);
      const out = join(dir, "sweep");
      const options = {
        grid: ["lr=0.1,0.2"],
        seeds: "0..1",
        engine: "slurm",
        out,
        log: (line: string) => console.log(line),
      };
      // Task 2 (lr 0.2, seed 0) outlives its one-minute limit; task 3 is cancelled mid-run.
      const first = sweep(nb, {
        ...options,
        env: { MINIMA_TEST_HOLD: "0.2:300" },
        slurm: { slurmConf, time: "0:01:00", mem: "3G", poll: 1 },
      });
      let failed: unknown;
      first.catch((e) => failed = e);
      let jobId = "";
      for (let i = 0; i < 600 && !failed; i++) {
        const jobs = await Deno.readTextFile(join(out, "slurm", "jobs.json"))
          .then((t) => JSON.parse(t) as SubmittedJob[], () => []);
        jobId = jobs[0]?.jobId ?? "";
        if (jobId) {
          const q = await run("squeue", ["-h", "-r", "-j", jobId, "-o", "%K|%T"], env);
          if (q.stdout.split("\n").includes("3|RUNNING")) break;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(jobId, `no job was submitted (${failed})`);
      await new Promise((r) => setTimeout(r, 3000)); // well inside the notebook by now
      const cancel = await run("scancel", [`${jobId}_3`], env);
      assert.ok(cancel.ok, cancel.stderr);
      const result = await first;
      const sacct = await run("sacct", [
        "-j",
        jobId,
        "-n",
        "-P",
        "-X",
        "-o",
        "JobID,State,ExitCode,Elapsed",
      ], env);
      console.log(`sacct after the first run:\n${sacct.stdout}`);
      assert.deepEqual(result.merged!.counts, {
        passed: 2,
        failed: 0,
        error: 0,
        killed: 2,
        pending: 0,
      });
      const byIndex = new Map(result.merged!.tasks.map((t) => [t.index, t]));
      assert.equal(byIndex.get(2)!.schedulerState, "TIMEOUT");
      assert.match(byIndex.get(3)!.schedulerState!, /^CANCELLED/);
      assert.equal(byIndex.get(0)!.scalars.loss, 0.1 * 8);
      assert.equal(byIndex.get(1)!.scalars.loss, 0.1 * 8 + 0.01);
      const csv = await Deno.readTextFile(join(out, "results.csv"));
      assert.match(csv, /^2,killed,TIMEOUT,/m);
      assert.match(csv, /^3,killed,CANCELLED by \d+,/m);
      const html = await Deno.readTextFile(join(out, "index.html"));
      assert.match(html, /killed \(TIMEOUT\)/);
      assert.match(html, /killed by the scheduler: CANCELLED by \d+/);
      const kept = await Deno.readTextFile(join(out, "tasks", "0", "status.json"));

      // The rerun submits only the two killed tasks.
      const second = await sweep(nb, { ...options, slurm: { slurmConf, mem: "3G", poll: 1 } });
      assert.deepEqual(second.ran, [2, 3]);
      assert.deepEqual(second.kept, [0, 1]);
      assert.equal(second.merged!.counts.passed, 4);
      assert.equal(await Deno.readTextFile(join(out, "tasks", "0", "status.json")), kept);
      assert.notEqual(second.jobId, jobId);
      const rows = (await Deno.readTextFile(join(out, "results.csv"))).trim().split("\n");
      assert.equal(rows.length, 5);
      console.log(`Slurm test: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      const down = await run("bash", [script, "stop", cluster]);
      assert.ok(down.ok, down.stderr);
      const status = await run("bash", [script, "status", cluster]);
      assert.equal(status.ok, false, "every daemon stopped");
      assert.doesNotMatch(status.stdout, /running/);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
