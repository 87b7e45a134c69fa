/**
 * A sweep's plan and its folder. `DIR/sweep.json` holds the notebook, the axes and one task per
 * parameter set; each task works in `DIR/tasks/<index>/`: the executed notebook, its results
 * store (`<notebook>.results/`), its log, and `status.json` once the notebook ran. A task the
 * scheduler ended before that has `scheduler.json` instead, with the scheduler's state.
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import {
  injectParameters,
  type NotebookJson,
  notebookParameters,
  type ParameterValue,
} from "../../lib/sweep/parameters.ts";
import { expandGrid, type SweepAxis } from "../../lib/sweep/grid.ts";
import type { CheckedClaim } from "../notebook_check.ts";

/** One task: one parameter set. */
export interface SweepTask {
  /** Its index (the Slurm array index). */
  index: number;
  /** Its parameters, typed (profile included). */
  parameters: Record<string, ParameterValue>;
}

/** The plan of a sweep, as `DIR/sweep.json` holds it. */
export interface SweepSpec {
  version: 1;
  /** The notebook, absolute. */
  notebook: string;
  /** The grid's axes with typed values (seeds are the axis `seed`). */
  axes: { name: string; values: ParameterValue[] }[];
  /** Parameters every task shares. */
  fixed: Record<string, ParameterValue>;
  /** The tasks. */
  tasks: SweepTask[];
  /** When the sweep was first planned. */
  created: string;
  /** Seconds a single cell may take. */
  cellTimeout: number;
}

/** How a task ended. */
export type TaskState = "passed" | "failed" | "error" | "killed" | "pending";

/** What a task's runner writes when the notebook ran (`status.json`). */
export interface TaskStatus {
  index: number;
  /** passed: every cell ran and every claim held; failed: the notebook ran but did not pass;
   * error: the runner could not run it. */
  state: "passed" | "failed" | "error";
  seconds: number;
  claims: CheckedClaim[];
  problems: string[];
  /** The executed notebook, relative to the sweep folder. */
  executed: string;
  /** The results store, relative to the sweep folder. */
  results: string;
  host: string;
  finished: string;
}

/** What the scheduler said about a task that left no status (`scheduler.json`). */
export interface SchedulerStatus {
  index: number;
  /** The scheduler's state, e.g. "TIMEOUT", "CANCELLED by 0", "OUT_OF_MEMORY". */
  state: string;
  exitCode?: string;
  elapsed?: string;
  jobId: string;
}

/** Paths inside a sweep folder. */
export const sweepPaths = (dir: string) => ({
  spec: join(dir, "sweep.json"),
  lock: join(dir, ".lock"),
  jupyter: join(dir, ".jupyter"),
  tasks: join(dir, "tasks"),
  task: (i: number) => join(dir, "tasks", String(i)),
  status: (i: number) => join(dir, "tasks", String(i), "status.json"),
  scheduler: (i: number) => join(dir, "tasks", String(i), "scheduler.json"),
  log: (i: number) => join(dir, "tasks", String(i), "task.log"),
  slurm: join(dir, "slurm"),
  results: join(dir, "results.csv"),
  records: join(dir, "records.jsonl"),
  index: join(dir, "index.html"),
});

/**
 * Plans a sweep: types every axis value and fixed parameter by the notebook's declarations, so
 * an undeclared parameter, a type mismatch or an empty axis is an error before anything is
 * written.
 *
 * @param notebook The notebook.
 * @param axes The grid's axes (values as text or typed).
 * @param fixed Parameters every task shares (profile included).
 * @param options The cell timeout.
 * @returns The plan.
 */
export async function planSweep(
  notebook: string,
  axes: SweepAxis[],
  fixed: Record<string, unknown>,
  options: { cellTimeout?: number } = {},
): Promise<SweepSpec> {
  const path = resolve(notebook);
  let source: NotebookJson;
  try {
    source = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    throw new Error(`Cannot sweep ${notebook}: ${(error as Error).message}`);
  }
  const name = basename(path);
  if (axes.length === 0) {
    throw new TypeError(
      `Cannot sweep ${name}: give at least one axis (--grid name=v1,v2 or --seeds a..b)`,
    );
  }
  // A parameters cell is required even when only seeds vary: the seed must be declared.
  notebookParameters(source, name);
  const points = expandGrid(axes, fixed);
  const tasks = points.map((point, index) => ({
    index,
    parameters: injectParameters(source, point, { fromText: true, name }).parameters,
  }));
  const typedFixed = injectParameters(source, fixed, { fromText: true, name }).parameters;
  const typedAxes = axes.map((a) => ({
    name: a.name,
    values: a.values.map((v) => typed(source, name, a.name, v)),
  }));
  return {
    version: 1,
    notebook: path,
    axes: typedAxes,
    fixed: typedFixed,
    tasks,
    created: new Date().toISOString(),
    cellTimeout: options.cellTimeout ?? 900,
  };
}

function typed(source: NotebookJson, name: string, param: string, value: unknown): ParameterValue {
  return injectParameters(source, { [param]: value }, { fromText: true, name }).parameters[param];
}

/**
 * Whether two plans are the same sweep (notebook and tasks), so a rerun may resume.
 *
 * @param a One plan.
 * @param b The other.
 * @returns True when they match.
 */
export function sameSweep(a: SweepSpec, b: SweepSpec): boolean {
  return a.notebook === b.notebook &&
    JSON.stringify(a.tasks) === JSON.stringify(b.tasks);
}

/**
 * Reads a JSON file, or undefined when it does not exist.
 *
 * @param path The file.
 * @returns Its value.
 */
export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Writes JSON through a temporary file renamed into place, so a reader never sees half a file.
 *
 * @param path The file.
 * @param value The value.
 */
export async function writeJson(path: string, value: unknown): Promise<void> {
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temp, JSON.stringify(value, null, 2) + "\n");
  await Deno.rename(temp, path);
}

/**
 * Where each task stands, from the files in the sweep folder.
 *
 * @param dir The sweep folder.
 * @param spec The plan.
 * @returns Each task's state with its status or the scheduler's word.
 */
export async function taskStates(
  dir: string,
  spec: SweepSpec,
): Promise<
  { task: SweepTask; state: TaskState; status?: TaskStatus; scheduler?: SchedulerStatus }[]
> {
  const paths = sweepPaths(dir);
  return await Promise.all(spec.tasks.map(async (task) => {
    const status = await readJson<TaskStatus>(paths.status(task.index));
    if (status) return { task, state: status.state, status };
    const scheduler = await readJson<SchedulerStatus>(paths.scheduler(task.index));
    if (scheduler) return { task, state: "killed" as const, scheduler };
    return { task, state: "pending" as const };
  }));
}

/**
 * Whether a task needs to run (again): it has no status, or (with `retryFailed`) it did not pass.
 *
 * @param state Its state.
 * @param retryFailed Whether failed and errored tasks run again.
 * @returns True when it must run.
 */
export function needsRun(state: TaskState, retryFailed = false): boolean {
  return state === "pending" || state === "killed" ||
    (retryFailed && (state === "failed" || state === "error"));
}
