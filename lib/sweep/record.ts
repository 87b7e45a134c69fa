import { isAbsolute, join, resolve } from "node:path";
import { currentBackend } from "../backend/mod.ts";
import type { Row } from "../_types.ts";
import { csvText } from "./csv.ts";
import { gitRevision, REVISION_ENV } from "./git_revision.ts";
import { checkCall } from "../_checks.ts";

/**
 * What a run tells the notebook's kernel through its environment (set by the notebook runner,
 * `deno task run` and `deno task sweep`; absent when a notebook is run by hand).
 */
export const RUN_ENV = {
  /** The folder `record` writes into: `<executed notebook>.results/` beside the executed notebook. */
  resultsDir: "MINIMA_RESULTS_DIR",
  /** JSON `{ id, notebook, parameters, started }`: the run's identity and parameters. */
  run: "MINIMA_RUN",
  /** The project's git revision. */
  revision: REVISION_ENV,
} as const;

/** The run a notebook is part of, as the runner describes it. */
export interface RunInfo {
  /** The run's id (the sweep task's, or the executed notebook's name). */
  id: string;
  /** The notebook's file name. */
  notebook: string;
  /** The parameters given to the run (profile included). */
  parameters: Record<string, unknown>;
  /** When the run started, in milliseconds since the epoch. */
  started: number;
}

/** Options for {@linkcode record}. */
export interface RecordOptions {
  /**
   * The results folder.
   * @default {MINIMA_RESULTS_DIR, else "results" in the working directory}
   */
  dir?: string;
}

/** What {@linkcode record} wrote. */
export interface RecordResult {
  /** The JSON Lines file appended to (every record of the run). */
  jsonl: string;
  /** The CSV file of this record's name, rewritten with every row so far. */
  csv: string;
  /** The rows appended. */
  rows: number;
}

/** A recorded value: a number, string or boolean, one row, or several. */
export type RecordValue = number | string | boolean | Row | readonly Row[];

/** Columns every stored row carries before its own values. */
export const RECORD_COLUMNS = [
  "record",
  "row",
  "run",
  "seed",
  "profile",
  "revision",
  "backend",
  "recorded_at",
  "elapsed_s",
] as const;

const loadedAt = Date.now();

/**
 * Appends results to the run's results store, a format pandas opens directly: every row goes to
 * `records.jsonl` (one JSON object a line: the record's name, its values, the run's parameters,
 * seed, profile, git revision, backend and timing) and the rows of this name to `<name>.csv`
 * (one column for each metadata field, parameter and value). In a run started by the notebook
 * runner the store sits beside the executed notebook (`MINIMA_RESULTS_DIR`); a sweep merges the
 * stores of its tasks.
 *
 * A scalar is stored as a row `{ value }`; a row as one row; an array of rows as many.
 *
 * @example
 * ```ts
 * import { record } from "minima";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await record("sharpness", 19.7, { dir });
 * const result = await record("history", [{ step: 0, loss: 1 }, { step: 10, loss: 0.5 }], { dir });
 * assert.equal(result.rows, 2);
 * const lines = (await Deno.readTextFile(result.jsonl)).trim().split("\n").map((l) => JSON.parse(l));
 * assert.deepEqual(lines.map((l) => l.record), ["sharpness", "history", "history"]);
 * assert.equal(lines[0].values.value, 19.7);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param name The record's name (letters, digits, `_`, `-`, `.`); also the CSV's file name.
 * @param value A scalar, a row, or rows.
 * @param options The folder.
 * @returns Where it went.
 */
export async function record(
  name: string,
  value: RecordValue,
  options: RecordOptions = {},
): Promise<RecordResult> {
  checkCall("record", arguments);
  if (typeof name !== "string" || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) {
    throw new TypeError(
      `Cannot record: name must be letters, digits, "_", "-" or "." (it names a CSV file), current value is ${
        JSON.stringify(name)
      }`,
    );
  }
  const rows = toRows(name, value);
  const run = runInfo();
  const parameters = run?.parameters ?? {};
  // A row may repeat a parameter (one CSV column then holds both) but not contradict it.
  for (const row of rows) {
    for (const [key, v] of Object.entries(row)) {
      if (key in parameters) {
        if (JSON.stringify(v) !== JSON.stringify(parameters[key])) {
          throw new TypeError(
            `Cannot record ${name}: the column ${key} is ${
              JSON.stringify(v)
            }, but the parameter ${key} of this run is ${
              JSON.stringify(parameters[key])
            }; rename the column`,
          );
        }
      } else if ((RECORD_COLUMNS as readonly string[]).includes(key)) {
        throw new TypeError(
          `Cannot record ${name}: the column ${key} is a metadata column of every stored row; rename it`,
        );
      }
    }
  }
  const dir = resultsDir(options.dir);
  await Deno.mkdir(dir, { recursive: true });
  const now = Date.now();
  const meta = {
    run: run?.id ?? null,
    seed: typeof parameters.seed === "number" ? parameters.seed : null,
    profile: typeof parameters.profile === "string" ? parameters.profile : profileFromEnv(),
    revision: gitRevision(),
    backend: backendName(),
    recorded_at: new Date(now).toISOString(),
    elapsed_s: Math.round(now - (run?.started ?? loadedAt)) / 1000,
  };
  const jsonl = join(dir, "records.jsonl");
  const lines = rows.map((values, row) =>
    JSON.stringify({ record: name, row, ...meta, parameters, values }, nanSafe) + "\n"
  );
  await Deno.writeTextFile(jsonl, lines.join(""), { append: true });
  const csv = join(dir, `${name}.csv`);
  const all = (await readRecords(jsonl)).filter((r) => r.record === name);
  const table = all.map((r) => flattenRecord(r));
  const temp = `${csv}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temp, csvText(table));
  await Deno.rename(temp, csv);
  return { jsonl, csv, rows: rows.length };
}

/** One line of `records.jsonl`. */
export interface StoredRecord {
  /** The record's name, as given to `record`. */
  record: string;
  /** The row's index within the record (0 for a single value or row). */
  row: number;
  /** The run's id (the sweep task's, or the executed notebook's name); null outside a run. */
  run: string | null;
  /** The run's `seed` parameter, or null when it has none. */
  seed: number | null;
  /** The profile: the run's `profile` parameter, else `MINIMA_PROFILE` (`fast` by default). */
  profile: string | null;
  /** The project's git revision, or null outside a repository. */
  revision: string | null;
  /** The tfjs backend of the run (minima picks one if none had started), or null if none can. */
  backend: string | null;
  /** When the row was recorded (ISO 8601). */
  recorded_at: string;
  /** Seconds since the run started. */
  elapsed_s: number;
  /** The run's parameters. */
  parameters: Record<string, unknown>;
  /** The recorded values (a flat row). */
  values: Row;
}

/**
 * Reads a `records.jsonl` file (an absent file has no records).
 *
 * @example
 * ```ts
 * import { readRecords } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(await readRecords("/nonexistent/records.jsonl"), []);
 * ```
 *
 * @param path The file.
 * @returns Its records.
 */
export async function readRecords(path: string): Promise<StoredRecord[]> {
  checkCall("readRecords", arguments);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l, nanRevive));
}

/**
 * A stored record as one flat row: metadata, then each parameter, then each value.
 *
 * @example
 * ```ts
 * import { flattenRecord } from "minima";
 * import assert from "node:assert/strict";
 *
 * const row = flattenRecord({ record: "a", row: 0, run: "t1", seed: 0, profile: "fast", revision: null,
 *   backend: "cpu", recorded_at: "", elapsed_s: 1, parameters: { lr: 0.1 }, values: { loss: 2 } });
 * assert.equal(row.lr, 0.1);
 * assert.equal(row.loss, 2);
 * ```
 *
 * @param r The record.
 * @returns The row.
 */
export function flattenRecord(r: StoredRecord): Row {
  checkCall("flattenRecord", arguments);
  if (r === null || typeof r !== "object") {
    throw new TypeError(
      `Cannot flatten the record: it must be a stored record (from readRecords), current value is ${r}`,
    );
  }
  const row: Row = {};
  for (const c of RECORD_COLUMNS) row[c] = (r as unknown as Record<string, Row[string]>)[c] ?? null;
  for (const [k, v] of Object.entries(r.parameters ?? {})) row[k] = cell(v);
  for (const [k, v] of Object.entries(r.values ?? {})) row[k] = cell(v);
  return row;
}

function cell(v: unknown): Row[string] {
  if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") {
    return v;
  }
  return JSON.stringify(v);
}

function toRows(name: string, value: RecordValue): Row[] {
  const bad = (): never => {
    throw new TypeError(
      `Cannot record ${name}: value must be a number, string or boolean, a row of them, or an array of rows, current value is ${
        String(JSON.stringify(value)).slice(0, 60)
      }`,
    );
  };
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") {
    return [{ value }];
  }
  const rows = Array.isArray(value) ? value : [value];
  if (value === null || typeof value !== "object" || rows.length === 0) bad();
  for (const r of rows) {
    if (r === null || typeof r !== "object" || Array.isArray(r)) bad();
    for (const v of Object.values(r)) {
      if (v !== null && !["number", "string", "boolean"].includes(typeof v)) bad();
    }
  }
  return rows.map((r) => ({ ...r }));
}

/**
 * The run this kernel is part of (from `MINIMA_RUN`), or undefined outside a run.
 *
 * @example
 * ```ts
 * import { runInfo } from "minima";
 * import assert from "node:assert/strict";
 *
 * const info = runInfo();
 * assert.ok(info === undefined || typeof info.id === "string");
 * ```
 *
 * @returns The run's id, notebook, parameters and start.
 */
export function runInfo(): RunInfo | undefined {
  checkCall("runInfo", arguments);
  const text = env(RUN_ENV.run);
  if (!text) return undefined;
  try {
    const info = JSON.parse(text) as RunInfo;
    return { ...info, parameters: info.parameters ?? {} };
  } catch {
    return undefined;
  }
}

function resultsDir(dir?: string): string {
  const chosen = dir ?? env(RUN_ENV.resultsDir) ?? "results";
  return isAbsolute(chosen) ? chosen : resolve(Deno.cwd(), chosen);
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

function profileFromEnv(): string {
  return env("MINIMA_PROFILE") ?? "fast";
}

function backendName(): string | null {
  // The backend in use, or the one minima picks now when the run has made no tensor yet: a
  // result says what it would have run on.
  try {
    return currentBackend().name;
  } catch {
    return null;
  }
}

// JSON has no NaN or Infinity: they are stored as strings "NaN", "Infinity", "-Infinity".
function nanSafe(_key: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
}

function nanRevive(_key: string, v: unknown): unknown {
  return v === "NaN" ? NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v;
}
