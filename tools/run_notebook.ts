/**
 * Executes notebooks through the real Jupyter client (nbclient, via `execute_notebook.py`) with
 * the minima kernel, then checks each with `checkNotebook`. With parameters, the notebook's cell
 * tagged `parameters` is followed by an injected cell that declares the given values (typed as
 * the defaults), and results the notebook `record`s go to `<name>.results/` beside the executed
 * notebook.
 *
 * As a command (`deno task run`):
 *
 *   deno task run NOTEBOOK.ipynb... [-p name=value]... [-f params.json|params.yaml]
 *     [--grid name=v1,v2,...]... [--seeds 0..4] [--profile fast|full] [--out DIR]
 *
 * `-p` sets one parameter (typed as its default); `-f` reads a JSON or YAML file holding one
 * object of parameters, or a list of them (one run each); `--grid` and `--seeds` run every
 * combination. It prints a verdict per run and exits 1 if any failed, 2 on bad arguments.
 *
 * @module
 */
import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkNotebook, type NotebookVerdict } from "./notebook_check.ts";
import { python } from "./_setup.ts";
import {
  injectParameters,
  type NotebookJson,
  notebookParameters,
} from "../lib/sweep/parameters.ts";
import { expandGrid, parseGridAxis, parseSeeds, type SweepAxis } from "../lib/sweep/grid.ts";
import { gitRevision } from "../lib/sweep/git_revision.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

/** Options for {@linkcode runNotebook}. */
export interface RunNotebookOptions {
  /** Where the executed notebook goes. @default {out/} */
  outDir?: string;
  /** MINIMA_PROFILE for the kernel. @default {"fast"} */
  profile?: "fast" | "full";
  /** The kernel name. @default {"minima"} */
  kernel?: string;
  /** Seconds a single cell may take. @default {900} */
  cellTimeout?: number;
  /** Extra environment for the kernel (e.g. JUPYTER_PATH). */
  env?: Record<string, string>;
  /**
   * Values for the parameters the notebook declares in its cell tagged `parameters`, typed as
   * the defaults there (an unknown name or a wrong type is an error before anything runs).
   * `profile` is always accepted and wins over `options.profile`.
   */
  parameters?: Record<string, unknown>;
  /** The parameters are text from a command line, to be typed by the defaults. @default {false} */
  parametersFromText?: boolean;
  /** The executed notebook's file name. @default {the notebook's} */
  name?: string;
  /** The run's id in recorded results. @default {the executed notebook's name, without .ipynb} */
  runId?: string;
}

/** The outcome of one notebook run. */
export interface NotebookRun extends NotebookVerdict {
  /** The source notebook. */
  notebook: string;
  /** The executed notebook written. */
  executed: string;
  /** Every parameter's value: the notebook's defaults, overridden by those given, and `profile`. */
  parameters?: Record<string, unknown>;
  /** Where the notebook's `record` calls wrote (`<executed>.results/`). */
  resultsDir?: string;
  /** Wall time in seconds. */
  seconds: number;
  /** The Jupyter client's stderr tail when the run itself failed. */
  clientError?: string;
}

/**
 * Executes one notebook and checks it.
 *
 * @param path The notebook.
 * @param options Output folder, profile, kernel, timeouts.
 * @returns The verdict with timing and the executed file.
 */
export async function runNotebook(
  path: string,
  options: RunNotebookOptions = {},
): Promise<NotebookRun> {
  const outDir = resolve(options.outDir ?? join(HERE, "..", "out"));
  const name = options.name ?? basename(path);
  const executed = join(outDir, name);
  const resultsDir = executed.replace(/\.ipynb$/, "") + ".results";
  let input = resolve(path);
  let parameters: Record<string, unknown> = {};
  const source = JSON.parse(await Deno.readTextFile(path)) as NotebookJson;
  // Recorded results carry every parameter's value: the defaults, then what was given.
  let defaults: Record<string, unknown> = {};
  try {
    const { declarations } = notebookParameters(source);
    defaults = Object.fromEntries(declarations.map((d) => [d.name, d.value]));
  } catch { /* no parameters cell: only the profile can be given */ }
  if (options.parameters && Object.keys(options.parameters).length > 0) {
    // Checked before anything is written or started: a bad name or type is the caller's error.
    const injected = injectParameters(source, options.parameters, {
      fromText: options.parametersFromText,
      name: basename(path),
    });
    parameters = injected.parameters;
    if (injected.notebook !== source) {
      await Deno.mkdir(outDir, { recursive: true });
      await Deno.writeTextFile(executed, JSON.stringify(injected.notebook, null, 1) + "\n");
      input = executed;
    }
  }
  await Deno.mkdir(outDir, { recursive: true });
  const profile = (parameters.profile as string | undefined) ?? options.profile ?? "fast";
  parameters = { ...defaults, ...parameters, profile };
  const run = {
    id: options.runId ?? name.replace(/\.ipynb$/, ""),
    notebook: basename(path),
    parameters,
    started: Date.now(),
  };
  const revision = gitRevision();
  const started = performance.now();
  const result = await new Deno.Command(await python(), {
    args: [
      join(HERE, "execute_notebook.py"),
      input,
      executed,
      "--kernel",
      options.kernel ?? "minima",
      "--timeout",
      String(options.cellTimeout ?? 900),
      "--cwd",
      dirname(resolve(path)),
    ],
    env: {
      MINIMA_PROFILE: profile,
      NO_COLOR: "1",
      MINIMA_RESULTS_DIR: resultsDir,
      MINIMA_RUN: JSON.stringify(run),
      ...(revision ? { MINIMA_GIT_REVISION: revision } : {}),
      ...options.env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  const stderr = new TextDecoder().decode(result.stderr).trim();
  let verdict: NotebookVerdict;
  try {
    verdict = checkNotebook(JSON.parse(await Deno.readTextFile(executed)));
  } catch (error) {
    verdict = {
      passed: false,
      claims: [],
      identities: [],
      charts: 0,
      cells: { code: 0, executed: 0 },
      problems: [
        `no executed notebook was written (${(error as Error).message}): ${stderr.slice(-400)}`,
      ],
    };
  }
  if (!result.success && verdict.problems.length === 0) {
    verdict.problems.push(`the Jupyter client failed: ${stderr.split("\n").slice(-3).join(" ")}`);
    verdict.passed = false;
  }
  return {
    notebook: path,
    executed,
    parameters,
    resultsDir,
    seconds,
    ...verdict,
    ...(result.success ? {} : { clientError: stderr.slice(-2000) }),
  };
}

/**
 * One line per notebook: ✓/✗, name, claims passed, charts, time, and the problems.
 *
 * @param run The run.
 * @returns The summary text.
 */
export function summarizeRun(run: NotebookRun): string {
  const passedClaims = run.claims.filter((c) => c.passed).length;
  const identities = run.identities ?? [];
  const checks = identities.length > 0
    ? `${identities.filter((c) => c.passed).length}/${identities.length} identity checks, `
    : "";
  const given = Object.entries(run.parameters ?? {}).filter(([k]) => k !== "profile")
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ");
  const head = `${run.passed ? "✓" : "✗"} ${basename(run.notebook)}${
    given ? ` [${given}]` : ""
  }: ${passedClaims}/${run.claims.length} claims, ${checks}${run.charts} charts, ${run.cells.executed}/${run.cells.code} cells, ${
    run.seconds.toFixed(1)
  } s`;
  return [head, ...run.problems.map((p) => `    ${p}`)].join("\n");
}

/**
 * Reads parameter sets from a JSON or YAML file: one object of parameters, or a list of them.
 *
 * @param path The file (`.json`, `.yaml` or `.yml`).
 * @returns The parameter sets.
 */
export async function readParameterFile(path: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(path);
  const ext = extname(path).toLowerCase();
  let data: unknown;
  try {
    // Loaded only when needed: a sweep task starts this module and never reads YAML.
    data = ext === ".yaml" || ext === ".yml"
      ? (await import("yaml")).parse(text)
      : JSON.parse(text);
  } catch (error) {
    throw new TypeError(`Cannot read the parameters in ${path}: ${(error as Error).message}`);
  }
  const sets = Array.isArray(data) ? data : [data];
  if (
    sets.length === 0 ||
    sets.some((s) => s === null || typeof s !== "object" || Array.isArray(s))
  ) {
    throw new TypeError(
      `Cannot read the parameters in ${path}: it must hold an object of parameters or a list of them`,
    );
  }
  return sets as Record<string, unknown>[];
}

/** Parameter sets from a command line: -p pairs, a file's sets, and grid axes (with seeds). */
export async function parameterSetsFromArgs(args: {
  p?: string[];
  file?: string;
  grid?: string[];
  seeds?: string;
}): Promise<{ sets: Record<string, unknown>[]; axes: SweepAxis[] }> {
  const fixed: Record<string, unknown> = {};
  for (const pair of args.p ?? []) {
    const m = /^\s*([A-Za-z_$][\w$]*)\s*=(.*)$/s.exec(pair);
    if (!m) {
      throw new TypeError(`Cannot read -p ${JSON.stringify(pair)}: write it as name=value`);
    }
    fixed[m[1]] = m[2];
  }
  const axes = (args.grid ?? []).map(parseGridAxis);
  if (args.seeds !== undefined) {
    axes.push({ name: "seed", values: parseSeeds(args.seeds).map(String) });
  }
  const base = args.file ? await readParameterFile(args.file) : [{}];
  const sets = base.flatMap((b) => expandGrid(axes, { ...b, ...fixed }));
  return { sets, axes };
}

const USAGE = "usage: deno task run NOTEBOOK.ipynb... [-p name=value]... [-f params.json|yaml] " +
  "[--grid name=v1,v2]... [--seeds 0..4] [--profile fast|full] [--out DIR]";

if (import.meta.main) {
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        profile: { type: "string" },
        out: { type: "string" },
        p: { type: "string", short: "p", multiple: true },
        file: { type: "string", short: "f" },
        grid: { type: "string", multiple: true },
        seeds: { type: "string" },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  const { values, positionals } = parsed;
  if (
    positionals.length === 0 ||
    (values.profile !== undefined && !["fast", "full"].includes(values.profile))
  ) {
    console.error(USAGE);
    Deno.exit(2);
  }
  let sets: Record<string, unknown>[];
  try {
    ({ sets } = await parameterSetsFromArgs(values));
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  let failed = 0;
  for (const nb of positionals) {
    for (const [k, set] of sets.entries()) {
      const stem = basename(nb).replace(/\.ipynb$/, "");
      let run: NotebookRun;
      try {
        run = await runNotebook(nb, {
          profile: values.profile as "fast" | "full" | undefined,
          outDir: values.out,
          parameters: set,
          parametersFromText: true,
          name: sets.length > 1 ? `${stem}-${k}.ipynb` : undefined,
        });
      } catch (error) {
        console.error((error as Error).message);
        Deno.exit(2);
      }
      console.log(summarizeRun(run));
      if (!run.passed) failed++;
    }
  }
  Deno.exit(failed > 0 ? 1 : 0);
}
