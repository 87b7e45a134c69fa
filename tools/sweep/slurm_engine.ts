/**
 * The Slurm engine: one job script, one `sbatch --array` submission for the tasks that need to
 * run, then `squeue` until the array has left the queue and `sacct` for each task's final state
 * (`scontrol show job` where the cluster keeps no accounting). A task the scheduler ended before
 * its notebook finished (TIMEOUT, OUT_OF_MEMORY, CANCELLED, NODE_FAIL, ...) gets
 * `scheduler.json` with that state, so the report says how it ended.
 *
 * The sweep folder, the project and deno must be visible at the same paths on the compute nodes
 * (a shared file system, as usual on a cluster).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readJson, type SchedulerStatus, sweepPaths, writeJson } from "./spec.ts";
import { python } from "../_setup.ts";

const TASK_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "task.ts");

/** Options of the Slurm engine (the usual sbatch options, and any others passed through). */
export interface SlurmOptions {
  /** `--partition`. */
  partition?: string;
  /** `--time`, e.g. `0:30:00`. */
  time?: string;
  /** `--mem`, e.g. `4G`. */
  mem?: string;
  /** `--cpus-per-task`; also the BLAS threads of each task. */
  cpusPerTask?: number;
  /** `--gres`, e.g. `gpu:1` for the WebGPU backend. */
  gres?: string;
  /** More sbatch flags, each as one argument, e.g. `--qos=high`. */
  extra?: string[];
  /** At most this many array tasks at once (`--array=...%N`). */
  maxParallel?: number;
  /** Seconds between `squeue` polls. @default {5} */
  poll?: number;
  /** Told how many tasks are pending, running and finished at each change. */
  onProgress?: (counts: Record<string, number>) => void;
  /** The cluster's configuration (`SLURM_CONF` for every Slurm command). @default {the environment's} */
  slurmConf?: string;
  /** The folder holding sbatch, squeue, sacct, scontrol and sinfo. @default {found on PATH} */
  binDir?: string;
  /** Environment variables every task gets (written into the job script). */
  env?: Record<string, string>;
}

/** A submitted array job, as `slurm/jobs.json` lists them. */
export interface SubmittedJob {
  jobId: string;
  indices: number[];
  submitted: string;
}

/** The result of a command. */
interface Output {
  ok: boolean;
  stdout: string;
  stderr: string;
}

async function command(
  options: SlurmOptions,
  cmd: string,
  args: string[],
  timeoutMs = 120_000,
): Promise<Output> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(options.binDir ? join(options.binDir, cmd) : cmd, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutMs),
      ...(options.slurmConf ? { env: { SLURM_CONF: options.slurmConf } } : {}),
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `Cannot use Slurm: ${cmd} was not found ${
          options.binDir ? `in ${options.binDir}` : "on PATH"
        }; install the Slurm client (Debian: ` +
          "apt-get install slurm-client) and set SLURM_CONF to your cluster's slurm.conf, " +
          "run on the cluster's login node, or use --engine local",
      );
    }
    if ((error as Error).name === "AbortError" || (error as Error).name === "TimeoutError") {
      return {
        ok: false,
        stdout: "",
        stderr: `${cmd} did not answer within ${timeoutMs / 1000} s`,
      };
    }
    throw error;
  }
  const decode = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return { ok: out.success, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/**
 * Checks that Slurm can be used from here: sbatch, squeue and sacct exist and the controller
 * answers. Throws one line saying what to install or configure.
 */
export async function checkSlurm(options: SlurmOptions = {}): Promise<void> {
  const conf = options.slurmConf ?? Deno.env.get("SLURM_CONF");
  if (conf) {
    try {
      await Deno.stat(conf);
    } catch {
      throw new Error(
        `Cannot use Slurm: SLURM_CONF is ${conf}, which does not exist; point it at your cluster's slurm.conf`,
      );
    }
  }
  for (const tool of ["sbatch", "squeue", "sacct", "scontrol", "sinfo"]) {
    const out = await command(options, tool, ["--version"]);
    if (!out.ok) throw new Error(`Cannot use Slurm: \`${tool} --version\` failed: ${out.stderr}`);
  }
  // Slurm's clients retry an unreachable controller for a while: 20 s is plenty for an answer.
  const ping = await command(options, "sinfo", ["-h", "-o", "%P"], 20_000);
  if (!ping.ok) {
    throw new Error(
      `Cannot use Slurm: the controller does not answer (${
        ping.stderr.split("\n").at(-1)
      }); check SLURM_CONF and that slurmctld runs, or use --engine local`,
    );
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The array job's script: the sbatch options as `#SBATCH` lines, the Jupyter path with the
 * minima kernel, BLAS threads from `--cpus-per-task`, and the task runner for the array index.
 *
 * @param dir The sweep folder (absolute).
 * @param notebook The notebook's path, for the job name.
 * @param options The sbatch options.
 * @returns The script.
 */
export function jobScript(
  dir: string,
  notebook: string,
  options: SlurmOptions = {},
  pythonPath?: string,
): string {
  const flags = [
    `--job-name=minima-${basename(notebook).replace(/\.ipynb$/, "")}`,
    `--output=${join(dir, "tasks", "%a", "slurm-%A_%a.log")}`,
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.time ? [`--time=${options.time}`] : []),
    ...(options.mem ? [`--mem=${options.mem}`] : []),
    ...(options.cpusPerTask ? [`--cpus-per-task=${options.cpusPerTask}`] : []),
    ...(options.gres ? [`--gres=${options.gres}`] : []),
    ...(options.extra ?? []),
  ];
  for (const f of flags) {
    if (/[\n\r]/.test(f)) {
      throw new TypeError(
        `Cannot write the job script: the flag ${JSON.stringify(f)} has a line break`,
      );
    }
  }
  return [
    "#!/bin/bash",
    ...flags.map((f) => `#SBATCH ${f}`),
    "# Written by `deno task sweep`: each array task runs one parameter set of sweep.json.",
    "set -u",
    `export JUPYTER_PATH=${quote(sweepPaths(dir).jupyter)}`,
    "export NO_COLOR=1",
    ...(pythonPath ? [`export MINIMA_PYTHON=${quote(pythonPath)}`] : []),
    ...Object.entries(options.env ?? {}).map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
        throw new TypeError(
          `Cannot write the job script: ${JSON.stringify(k)} is not a variable name`,
        );
      }
      return `export ${k}=${quote(v)}`;
    }),
    'threads="${SLURM_CPUS_PER_TASK:-1}"',
    'export OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads"',
    `exec ${quote(Deno.execPath())} run -A ${quote(TASK_SCRIPT)} ${
      quote(dir)
    } "$SLURM_ARRAY_TASK_ID"`,
    "",
  ].join("\n");
}

/**
 * The `--array` value for a set of indices: ranges where they are consecutive, e.g. `0-3,7,9-10`,
 * with `%N` when at most N may run at once.
 *
 * @param indices The indices.
 * @param maxParallel The throttle.
 * @returns The value.
 */
export function arraySpec(indices: number[], maxParallel?: number): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",") + (maxParallel ? `%${maxParallel}` : "");
}

/**
 * Writes the job script and submits one array job for the given tasks.
 *
 * @param dir The sweep folder.
 * @param notebook The notebook.
 * @param indices The tasks.
 * @param options The sbatch options.
 * @returns The job id.
 */
export async function submitArray(
  dir: string,
  notebook: string,
  indices: number[],
  options: SlurmOptions = {},
): Promise<string> {
  const paths = sweepPaths(dir);
  await Deno.mkdir(paths.slurm, { recursive: true });
  // Slurm does not create the log folders.
  for (const i of indices) await Deno.mkdir(paths.task(i), { recursive: true });
  const script = join(paths.slurm, "array.sh");
  await Deno.writeTextFile(script, jobScript(dir, notebook, options, await python()), {
    mode: 0o755,
  });
  const out = await command(options, "sbatch", [
    "--parsable",
    `--array=${arraySpec(indices, options.maxParallel)}`,
    script,
  ]);
  if (!out.ok) throw new Error(`Cannot submit the sweep: sbatch failed: ${out.stderr}`);
  const jobId = out.stdout.split(";")[0].trim();
  if (!/^\d+$/.test(jobId)) {
    throw new Error(`Cannot submit the sweep: sbatch printed ${out.stdout}`);
  }
  const jobs = (await readJson<SubmittedJob[]>(join(paths.slurm, "jobs.json"))) ?? [];
  jobs.push({ jobId, indices, submitted: new Date().toISOString() });
  await writeJson(join(paths.slurm, "jobs.json"), jobs);
  return jobId;
}

/**
 * The last submitted job if it is still queued or running.
 *
 * @param dir The sweep folder.
 * @returns The job, or undefined.
 */
export async function activeJob(
  dir: string,
  options: SlurmOptions = {},
): Promise<SubmittedJob | undefined> {
  const jobs = await readJson<SubmittedJob[]>(join(sweepPaths(dir).slurm, "jobs.json"));
  const last = jobs?.at(-1);
  if (!last) return undefined;
  return (await queued(last.jobId, options)).size > 0 ? last : undefined;
}

/** Array index → state of the job's tasks still in the queue. */
async function queued(jobId: string, options: SlurmOptions): Promise<Map<string, string>> {
  const out = await command(options, "squeue", ["-h", "-r", "-j", jobId, "-o", "%K|%T"]);
  const map = new Map<string, string>();
  if (!out.ok) return map; // an unknown (finished and purged) job
  for (const line of out.stdout.split("\n")) {
    const [index, state] = line.trim().split("|");
    if (index && state) map.set(index, state);
  }
  return map;
}

/**
 * Waits until the array job has left the queue, then records the scheduler's final state of
 * every task in `indices` that left no status (`tasks/<i>/scheduler.json`).
 *
 * @param dir The sweep folder.
 * @param job The job.
 * @param options Poll interval and progress.
 * @returns The scheduler's state of each task.
 */
export async function waitForJob(
  dir: string,
  job: SubmittedJob,
  options: SlurmOptions = {},
): Promise<Map<number, SchedulerStatus>> {
  const paths = sweepPaths(dir);
  let last = "";
  for (;;) {
    const q = await queued(job.jobId, options);
    const counts: Record<string, number> = {};
    for (const s of q.values()) counts[s.toLowerCase()] = (counts[s.toLowerCase()] ?? 0) + 1;
    counts.finished = job.indices.length - q.size;
    const text = JSON.stringify(counts);
    if (text !== last) options.onProgress?.(counts);
    last = text;
    if (q.size === 0) break;
    await new Promise((r) => setTimeout(r, (options.poll ?? 5) * 1000));
  }
  let states = new Map<number, SchedulerStatus>();
  // Accounting can trail the queue by a few seconds: ask until every task has a final state.
  for (let attempt = 0; attempt < 15; attempt++) {
    states = await finalStates(job.jobId, options);
    if (job.indices.every((i) => states.has(i) && !/PENDING|RUNNING/.test(states.get(i)!.state))) {
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  for (const i of job.indices) {
    if (await readJson(paths.status(i))) continue;
    const s = states.get(i) ??
      { index: i, jobId: job.jobId, state: "UNKNOWN (the scheduler has no record of it)" };
    await Deno.mkdir(paths.task(i), { recursive: true });
    await writeJson(paths.scheduler(i), s);
  }
  return states;
}

/**
 * The final state of each array task: from `sacct`, or from `scontrol show job` on a cluster
 * without accounting storage.
 *
 * @param jobId The array job.
 * @returns Array index → its state, exit code and elapsed time.
 */
export async function finalStates(
  jobId: string,
  options: SlurmOptions = {},
): Promise<Map<number, SchedulerStatus>> {
  const states = new Map<number, SchedulerStatus>();
  const sacct = await command(options, "sacct", [
    "-j",
    jobId,
    "-n",
    "-P",
    "-X",
    "-o",
    "JobID,State,ExitCode,Elapsed",
  ]);
  if (sacct.ok && sacct.stdout !== "") {
    for (const line of sacct.stdout.split("\n")) {
      const [id, state, exitCode, elapsed] = line.split("|");
      const m = /^\d+_(\d+)$/.exec(id ?? "");
      if (m) states.set(Number(m[1]), { index: Number(m[1]), jobId, state, exitCode, elapsed });
    }
    return states;
  }
  const show = await command(options, "scontrol", ["show", "job", jobId, "-o"]);
  if (!show.ok) return states;
  for (const line of show.stdout.split("\n")) {
    const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S*)`).exec(line)?.[1];
    const index = field("ArrayTaskId");
    if (!index || !/^\d+$/.test(index)) continue;
    states.set(Number(index), {
      index: Number(index),
      jobId,
      state: field("JobState") ?? "UNKNOWN",
      exitCode: field("ExitCode"),
      elapsed: field("RunTime"),
    });
  }
  return states;
}
