/**
 * `deno task sweep`: runs a parameterized notebook over a grid of parameter sets, on this machine
 * or as one Slurm job array, and merges the results into one report.
 *
 *   deno task sweep NOTEBOOK.ipynb --grid lr=0.01,0.02,0.05 --grid batch=8,32 --seeds 0..4
 *     [-p name=value]... [--profile fast|full] [--engine local|slurm] [--out DIR]
 *     [--env NAME=VALUE]... [--workers N] [--threads N] [--retry-failed] [--cell-timeout S]
 *     [--partition P] [--time T] [--mem M] [--cpus-per-task N] [--gres G] [--sbatch FLAG]...
 *     [--max-parallel N] [--poll S] [--no-wait]
 *   deno task sweep --merge DIR
 *
 * Every value is typed by the notebook's defaults (its cell tagged `parameters`); an undeclared
 * parameter, a wrong type, an empty axis or an unknown engine is an error before anything is
 * written. DIR (default `out/sweeps/<notebook>`) gets `sweep.json`, one folder per task with its
 * executed notebook, recorded results and log, `results.csv`, `records.jsonl` and `index.html`.
 * Rerunning the same command resumes: finished tasks are kept, the others run (with
 * `--retry-failed`, tasks whose notebook failed run again too). A lock file keeps two sweeps out
 * of one folder. The exit status is 0 when every task passed, 1 otherwise, 2 on bad arguments.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseGridAxis, parseSeeds, type SweepAxis } from "../lib/sweep/grid.ts";
import { installKernel } from "../kernels/install.ts";
import { acquireLock } from "./sweep/lock.ts";
import {
  needsRun,
  planSweep,
  readJson,
  sameSweep,
  sweepPaths,
  type SweepSpec,
  taskStates,
  writeJson,
} from "./sweep/spec.ts";
import { defaultWorkers, runLocal } from "./sweep/local_engine.ts";
import {
  activeJob,
  checkSlurm,
  type SlurmOptions,
  submitArray,
  waitForJob,
} from "./sweep/slurm_engine.ts";
import { type MergeResult, mergeSweep } from "./sweep/merge.ts";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** The engines a sweep can run on. */
export const ENGINES = ["local", "slurm"] as const;

/** Options of {@linkcode sweep}. */
export interface SweepOptions {
  /** The grid's axes: `"lr=0.01,0.02"` strings or `{ name, values }`. */
  grid?: (string | SweepAxis)[];
  /** Seeds, `"0..4"` or a list: the axis `seed` (the notebook must declare `seed`). */
  seeds?: string | number[];
  /** Parameters every task shares (text or typed values). */
  parameters?: Record<string, unknown>;
  /** The profile every task runs. @default {"fast"} */
  profile?: "fast" | "full";
  /** Where the tasks run. @default {"local"} */
  engine?: string;
  /** The sweep folder. @default {out/sweeps/<notebook name>} */
  out?: string;
  /** Run tasks whose notebook failed again. @default {false} */
  retryFailed?: boolean;
  /** Seconds a single cell may take. @default {900} */
  cellTimeout?: number;
  /** Local engine: tasks at once. @default {cores / threads, bounded by memory} */
  workers?: number;
  /** Local engine: BLAS threads per task. @default {1} */
  threads?: number;
  /** Environment variables every task's kernel gets (e.g. `MINIMA_BACKEND=webgpu`). */
  env?: Record<string, string>;
  /** Slurm engine: sbatch options. */
  slurm?: SlurmOptions;
  /** Slurm engine: return after submitting (rerun the same command to track and merge). */
  noWait?: boolean;
  /** Progress lines. @default {console.log} */
  log?: (line: string) => void;
}

/** What a sweep did. */
export interface SweepResult {
  /** The sweep folder. */
  dir: string;
  /** Tasks run in this call. */
  ran: number[];
  /** Tasks kept from before. */
  kept: number[];
  /** The merge, unless the call returned right after submitting. */
  merged?: MergeResult;
  /** The Slurm job submitted or tracked. */
  jobId?: string;
}

/**
 * Plans, runs (resuming) and merges a sweep.
 *
 * @example
 * ```ts ignore
 * const result = await sweep("notebooks/23_stability_map_sweep.ipynb", {
 *   grid: ["lr=0.05,0.1", "batch=4,16"],
 *   seeds: "0..2",
 * });
 * console.log(result.merged?.index);
 * ```
 *
 * @param notebook The notebook.
 * @param options The grid, seeds, engine and folder.
 * @returns What ran and the merge.
 */
export async function sweep(notebook: string, options: SweepOptions = {}): Promise<SweepResult> {
  const log = options.log ?? console.log;
  const engine = options.engine ?? "local";
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw new TypeError(
      `Cannot sweep: unknown engine ${JSON.stringify(engine)}; the engines are ${
        ENGINES.join(", ")
      }`,
    );
  }
  const axes: SweepAxis[] = (options.grid ?? []).map((a) =>
    typeof a === "string" ? parseGridAxis(a) : a
  );
  if (options.seeds !== undefined) {
    const seeds = typeof options.seeds === "string" ? parseSeeds(options.seeds) : options.seeds;
    axes.push({ name: "seed", values: seeds.map(String) });
  }
  const fixed = {
    ...options.parameters,
    profile: options.profile ?? options.parameters?.profile ?? "fast",
  };
  // Everything is checked before the folder is touched.
  const spec = await planSweep(notebook, axes, fixed, { cellTimeout: options.cellTimeout });
  const slurm = { ...options.slurm, env: { ...options.slurm?.env, ...options.env } };
  if (engine === "slurm") await checkSlurm(slurm);
  const dir = resolve(
    options.out ?? join(ROOT, "out", "sweeps", basename(notebook).replace(/\.ipynb$/, "")),
  );
  const paths = sweepPaths(dir);
  await Deno.mkdir(dir, { recursive: true });
  const lock = await acquireLock(paths.lock, dir);
  let released = false;
  try {
    const previous = await readJson<SweepSpec>(paths.spec);
    if (previous && !sameSweep(previous, spec)) {
      throw new Error(
        `Cannot sweep into ${dir}: it holds another sweep (${
          basename(previous.notebook)
        }, ${previous.tasks.length} tasks); choose another --out`,
      );
    }
    const plan = previous ?? spec;
    if (!previous) await writeJson(paths.spec, spec);
    await installKernel({ dataDir: paths.jupyter });
    const states = await taskStates(dir, plan);
    const todo = states.filter((s) => needsRun(s.state, options.retryFailed)).map((s) =>
      s.task.index
    );
    const kept = states.map((s) => s.task.index).filter((i) => !todo.includes(i));
    log(
      `sweep of ${
        basename(plan.notebook)
      }: ${plan.tasks.length} tasks, ${kept.length} kept, ${todo.length} to run (${engine}) in ${dir}`,
    );
    const result: SweepResult = { dir, ran: todo, kept };
    if (engine === "local" && todo.length > 0) {
      const threads = options.threads ?? 1;
      const workers = options.workers ?? defaultWorkers(threads);
      log(`  ${workers} workers × ${threads} BLAS thread${threads === 1 ? "" : "s"}`);
      let finished = 0;
      await runLocal(dir, todo, {
        workers,
        threads,
        env: options.env,
        onTask: ({ index, phase }) => {
          if (phase === "end") log(`  task ${index} done (${++finished}/${todo.length})`);
        },
      });
    } else if (engine === "slurm") {
      let job = await activeJob(dir, slurm);
      if (job) {
        log(`  tracking job ${job.jobId}, still in the queue`);
        result.ran = job.indices;
      } else if (todo.length > 0) {
        const jobId = await submitArray(dir, plan.notebook, todo, slurm);
        job = { jobId, indices: todo, submitted: new Date().toISOString() };
        log(`  submitted job ${jobId} (array of ${todo.length})`);
      }
      if (job) {
        result.jobId = job.jobId;
        if (options.noWait) {
          log(`  not waiting: rerun the same command to track the job and merge`);
          await lock.release();
          released = true;
          return result;
        }
        await waitForJob(dir, job, {
          ...slurm,
          onProgress: (c) =>
            log(
              `  job ${job!.jobId}: ${Object.entries(c).map(([k, v]) => `${v} ${k}`).join(", ")}`,
            ),
        });
      }
    }
    result.merged = await mergeSweep(dir, plan);
    const c = result.merged.counts;
    log(
      `merged: ${c.passed} passed, ${c.failed} failed, ${c.error} errors, ${c.killed} killed, ${c.pending} pending → ${result.merged.index}`,
    );
    return result;
  } finally {
    if (!released) await lock.release();
  }
}

/**
 * Merges a sweep folder again (after a manual change, or to rebuild the report).
 *
 * @param dir The sweep folder.
 * @returns The merge.
 */
export async function mergeOnly(dir: string): Promise<MergeResult> {
  const paths = sweepPaths(resolve(dir));
  const spec = await readJson<SweepSpec>(paths.spec);
  if (!spec) throw new Error(`Cannot merge ${dir}: it has no sweep.json`);
  const lock = await acquireLock(paths.lock, dir);
  try {
    return await mergeSweep(resolve(dir), spec);
  } finally {
    await lock.release();
  }
}

const USAGE = `usage: deno task sweep NOTEBOOK.ipynb --grid name=v1,v2 [--grid ...] [--seeds 0..4]
  [-p name=value]... [--profile fast|full] [--engine local|slurm] [--out DIR] [--retry-failed]
  [--env NAME=VALUE]...
  local: [--workers N] [--threads N]
  slurm: [--partition P] [--time T] [--mem M] [--cpus-per-task N] [--gres G] [--sbatch FLAG]...
         [--max-parallel N] [--poll S] [--no-wait]
or:    deno task sweep --merge DIR`;

if (import.meta.main) {
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        grid: { type: "string", multiple: true },
        seeds: { type: "string" },
        p: { type: "string", short: "p", multiple: true },
        profile: { type: "string" },
        engine: { type: "string" },
        out: { type: "string" },
        "retry-failed": { type: "boolean" },
        "cell-timeout": { type: "string" },
        workers: { type: "string" },
        threads: { type: "string" },
        partition: { type: "string" },
        time: { type: "string" },
        mem: { type: "string" },
        "cpus-per-task": { type: "string" },
        gres: { type: "string" },
        sbatch: { type: "string", multiple: true },
        "max-parallel": { type: "string" },
        poll: { type: "string" },
        "no-wait": { type: "boolean" },
        merge: { type: "string" },
        env: { type: "string", multiple: true },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  const { values: v, positionals } = parsed;
  const int = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < 1) {
      console.error(`--${name} must be a positive integer, current value is ${text}`);
      Deno.exit(2);
    }
    return Number(text);
  };
  try {
    if (v.merge) {
      const merged = await mergeOnly(v.merge);
      console.log(`merged ${merged.tasks.length} tasks → ${merged.index}`);
      Deno.exit(0);
    }
    if (positionals.length !== 1) {
      console.error(USAGE);
      Deno.exit(2);
    }
    if (v.profile !== undefined && v.profile !== "fast" && v.profile !== "full") {
      console.error(`--profile must be fast or full, current value is ${v.profile}`);
      Deno.exit(2);
    }
    const parameters: Record<string, string> = {};
    for (const pair of v.p ?? []) {
      const m = /^\s*([A-Za-z_$][\w$]*)\s*=(.*)$/s.exec(pair);
      if (!m) throw new TypeError(`Cannot read -p ${JSON.stringify(pair)}: write it as name=value`);
      parameters[m[1]] = m[2];
    }
    const env: Record<string, string> = {};
    for (const pair of v.env ?? []) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
      if (!m) {
        throw new TypeError(`Cannot read --env ${JSON.stringify(pair)}: write it as NAME=VALUE`);
      }
      env[m[1]] = m[2];
    }
    const result = await sweep(positionals[0], {
      env,
      grid: v.grid,
      seeds: v.seeds,
      parameters,
      profile: v.profile as "fast" | "full" | undefined,
      engine: v.engine,
      out: v.out,
      retryFailed: v["retry-failed"],
      cellTimeout: int("cell-timeout", v["cell-timeout"]),
      workers: int("workers", v.workers),
      threads: int("threads", v.threads),
      noWait: v["no-wait"],
      slurm: {
        partition: v.partition,
        time: v.time,
        mem: v.mem,
        cpusPerTask: int("cpus-per-task", v["cpus-per-task"]),
        gres: v.gres,
        extra: v.sbatch,
        maxParallel: int("max-parallel", v["max-parallel"]),
        poll: v.poll === undefined ? undefined : Number(v.poll),
      },
    });
    if (!result.merged) Deno.exit(0);
    const c = result.merged.counts;
    Deno.exit(c.passed === result.merged.tasks.length ? 0 : 1);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(error instanceof TypeError || error instanceof RangeError ? 2 : 1);
  }
}
