/**
 * Runs one task of a sweep: `deno run -A tools/sweep/task.ts DIR INDEX`. Both engines start it
 * (the local engine as a subprocess, Slurm as the array task's command), so a task runs the same
 * way everywhere: it clears what an earlier, interrupted attempt left, executes the notebook with
 * the task's parameters through the real Jupyter client, and writes `status.json` last, so a task
 * with a status is complete.
 *
 * @module
 */
import { basename, join, relative } from "node:path";
import { runNotebook } from "../run_notebook.ts";
import { readJson, sweepPaths, type SweepSpec, type TaskStatus, writeJson } from "./spec.ts";

/**
 * Runs task `index` of the sweep in `dir`.
 *
 * @param dir The sweep folder.
 * @param index The task.
 * @returns Its status, as written.
 */
export async function runTask(dir: string, index: number): Promise<TaskStatus> {
  const paths = sweepPaths(dir);
  const spec = await readJson<SweepSpec>(paths.spec);
  if (!spec) throw new Error(`Cannot run task ${index}: ${paths.spec} does not exist`);
  const task = spec.tasks.find((t) => t.index === index);
  if (!task) {
    throw new RangeError(
      `Cannot run task ${index}: the sweep has tasks 0 to ${spec.tasks.length - 1}`,
    );
  }
  const taskDir = paths.task(index);
  await Deno.mkdir(taskDir, { recursive: true });
  const name = basename(spec.notebook);
  // A rerun starts clean: an interrupted attempt's records would otherwise be counted twice.
  for (const stale of [paths.status(index), paths.scheduler(index), join(taskDir, name)]) {
    await Deno.remove(stale).catch(() => {});
  }
  await Deno.remove(join(taskDir, name.replace(/\.ipynb$/, ".results")), { recursive: true })
    .catch(() => {});
  const started = performance.now();
  let status: TaskStatus;
  try {
    const run = await runNotebook(spec.notebook, {
      outDir: taskDir,
      parameters: task.parameters,
      runId: `task-${index}`,
      cellTimeout: spec.cellTimeout,
      env: { JUPYTER_PATH: paths.jupyter },
    });
    status = {
      index,
      state: run.passed ? "passed" : "failed",
      seconds: run.seconds,
      claims: run.claims,
      problems: run.problems,
      executed: relative(dir, run.executed),
      results: relative(dir, run.resultsDir!),
      host: Deno.hostname(),
      finished: new Date().toISOString(),
    };
    if (run.clientError) console.error(run.clientError);
  } catch (error) {
    console.error((error as Error).stack ?? String(error));
    status = {
      index,
      state: "error",
      seconds: (performance.now() - started) / 1000,
      claims: [],
      problems: [(error as Error).message],
      executed: "",
      results: "",
      host: Deno.hostname(),
      finished: new Date().toISOString(),
    };
  }
  await writeJson(paths.status(index), status);
  return status;
}

if (import.meta.main) {
  const [dir, index] = Deno.args;
  if (!dir || !/^\d+$/.test(index ?? "")) {
    console.error("usage: deno run -A tools/sweep/task.ts SWEEP_DIR INDEX");
    Deno.exit(2);
  }
  const status = await runTask(dir, Number(index));
  console.log(
    `task ${index}: ${status.state} in ${status.seconds.toFixed(1)} s` +
      (status.problems.length ? `\n  ${status.problems.join("\n  ")}` : ""),
  );
  // A notebook that ran is a result even when its claims failed; only a runner error fails here.
  Deno.exit(status.state === "error" ? 1 : 0);
}
