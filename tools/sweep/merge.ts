/**
 * Merges a sweep's tasks into `results.csv` (one row per task: its parameters, how it ended, its
 * claim outcomes and every scalar it recorded), `records.jsonl` (every recorded row of every
 * task, with the task's index) and `records/<name>.csv` (the rows of each record name across
 * tasks), then writes the report, `index.html`.
 *
 * @module
 */
import { join, relative } from "node:path";
import type { Row } from "../../lib/_types.ts";
import { csvText } from "../../lib/sweep/csv.ts";
import { flattenRecord, readRecords, type StoredRecord } from "../../lib/sweep/record.ts";
import { sweepPaths, type SweepSpec, type TaskState, taskStates } from "./spec.ts";
import { sweepReport } from "./report.ts";

/** One task as merged. */
export interface MergedTask {
  index: number;
  state: TaskState;
  /** The scheduler's state of a killed task (e.g. TIMEOUT). */
  schedulerState?: string;
  parameters: Record<string, unknown>;
  seconds?: number;
  claimsPassed: number;
  claimsTotal: number;
  /** Each claim's statement and outcome. */
  claims: { statement: string; passed: boolean }[];
  problems: string[];
  /** Recorded scalars: `name` for a recorded value, `name.key` for a recorded row. */
  scalars: Record<string, number | string | boolean | null>;
  /** Paths relative to the sweep folder. */
  executed?: string;
  log?: string;
}

/** What {@linkcode mergeSweep} wrote. */
export interface MergeResult {
  tasks: MergedTask[];
  results: string;
  index: string;
  counts: Record<TaskState, number>;
}

/**
 * Merges every task of the sweep in `dir` and writes the report.
 *
 * @param dir The sweep folder.
 * @param spec Its plan.
 * @returns The tasks, the files and how many ended each way.
 */
export async function mergeSweep(dir: string, spec: SweepSpec): Promise<MergeResult> {
  const paths = sweepPaths(dir);
  const states = await taskStates(dir, spec);
  const tasks: MergedTask[] = [];
  const allRecords: (StoredRecord & { task: number })[] = [];
  for (const { task, state, status, scheduler } of states) {
    const merged: MergedTask = {
      index: task.index,
      state,
      parameters: task.parameters,
      claimsPassed: status?.claims.filter((c) => c.passed).length ?? 0,
      claimsTotal: status?.claims.length ?? 0,
      claims: (status?.claims ?? []).map((c) => ({ statement: c.statement, passed: c.passed })),
      problems: status?.problems ?? [],
      scalars: {},
    };
    if (status) {
      merged.seconds = status.seconds;
      if (status.executed) merged.executed = status.executed;
    }
    if (scheduler) {
      merged.schedulerState = scheduler.state;
      merged.problems = [
        `killed by the scheduler: ${scheduler.state}` +
        (scheduler.exitCode ? ` (exit code ${scheduler.exitCode}, ran ${scheduler.elapsed})` : ""),
      ];
    }
    merged.log = await logOf(dir, task.index);
    if (status?.results) {
      const records = await readRecords(join(dir, status.results, "records.jsonl"));
      const byName = new Map<string, StoredRecord[]>();
      for (const r of records) {
        byName.set(r.record, [...(byName.get(r.record) ?? []), r]);
        allRecords.push({ task: task.index, ...r });
      }
      for (const [name, rows] of byName) {
        if (rows.length !== 1) continue; // series stay in records.jsonl and records/<name>.csv
        const values = rows[0].values;
        const keys = Object.keys(values);
        if (keys.length === 1 && keys[0] === "value") merged.scalars[name] = values.value;
        else for (const k of keys) merged.scalars[`${name}.${k}`] = values[k];
      }
    }
    tasks.push(merged);
  }
  const rows: Row[] = tasks.map((t) => ({
    task: t.index,
    state: t.state,
    scheduler_state: t.schedulerState ?? null,
    seconds: t.seconds === undefined ? null : Math.round(t.seconds * 100) / 100,
    ...Object.fromEntries(
      Object.entries(t.parameters).map((
        [k, v],
      ) => [k, typeof v === "object" ? JSON.stringify(v) : v as Row[string]]),
    ),
    claims_passed: t.state === "pending" || t.state === "killed" ? null : t.claimsPassed,
    claims_total: t.state === "pending" || t.state === "killed" ? null : t.claimsTotal,
    failed_claims: t.claims.filter((c) => !c.passed).map((c) => c.statement).join(" | ") || null,
    ...t.scalars,
    executed: t.executed ?? null,
    log: t.log ?? null,
  }));
  await writeAtomic(paths.results, csvText(rows));
  await writeAtomic(
    paths.records,
    allRecords.map((r) => JSON.stringify(r, nanSafe) + "\n").join(""),
  );
  const byName = new Map<string, Row[]>();
  for (const r of allRecords) {
    byName.set(r.record, [...(byName.get(r.record) ?? []), { task: r.task, ...flattenRecord(r) }]);
  }
  await Deno.mkdir(join(dir, "records"), { recursive: true });
  for (const [name, recordRows] of byName) {
    await writeAtomic(join(dir, "records", `${name}.csv`), csvText(recordRows));
  }
  const counts = { passed: 0, failed: 0, error: 0, killed: 0, pending: 0 } as Record<
    TaskState,
    number
  >;
  for (const t of tasks) counts[t.state]++;
  await writeAtomic(paths.index, await sweepReport(dir, spec, tasks, counts));
  return { tasks, results: paths.results, index: paths.index, counts };
}

async function logOf(dir: string, index: number): Promise<string | undefined> {
  const taskDir = sweepPaths(dir).task(index);
  let newest: { name: string; mtime: number } | undefined;
  try {
    for await (const e of Deno.readDir(taskDir)) {
      if (!e.isFile || !/^(task\.log|slurm-.*\.log)$/.test(e.name)) continue;
      const mtime = (await Deno.stat(join(taskDir, e.name))).mtime?.getTime() ?? 0;
      if (!newest || mtime > newest.mtime) newest = { name: e.name, mtime };
    }
  } catch { /* no folder yet */ }
  return newest ? relative(dir, join(taskDir, newest.name)) : undefined;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, path);
}

function nanSafe(_key: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
}
