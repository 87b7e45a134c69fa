/**
 * Executes notebooks through the real Jupyter client (nbclient, via `execute_notebook.py`) with
 * the minima kernel, then checks each with `checkNotebook`.
 *
 * As a command: `deno run -A tools/run_notebook.ts [--profile fast|full] [--out DIR] NB.ipynb...`
 * prints a verdict per notebook and exits 1 if any failed.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkNotebook, type NotebookVerdict } from "./notebook_check.ts";
import { python } from "./_setup.ts";

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
}

/** The outcome of one notebook run. */
export interface NotebookRun extends NotebookVerdict {
  /** The source notebook. */
  notebook: string;
  /** The executed notebook written. */
  executed: string;
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
  await Deno.mkdir(outDir, { recursive: true });
  const executed = join(outDir, basename(path));
  const started = performance.now();
  const result = await new Deno.Command(await python(), {
    args: [
      join(HERE, "execute_notebook.py"),
      resolve(path),
      executed,
      "--kernel",
      options.kernel ?? "minima",
      "--timeout",
      String(options.cellTimeout ?? 900),
    ],
    env: { MINIMA_PROFILE: options.profile ?? "fast", NO_COLOR: "1", ...options.env },
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
  const head = `${run.passed ? "✓" : "✗"} ${
    basename(run.notebook)
  }: ${passedClaims}/${run.claims.length} claims, ${checks}${run.charts} charts, ${run.cells.executed}/${run.cells.code} cells, ${
    run.seconds.toFixed(1)
  } s`;
  return [head, ...run.problems.map((p) => `    ${p}`)].join("\n");
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { profile: { type: "string", default: "fast" }, out: { type: "string" } },
  });
  if (positionals.length === 0 || !["fast", "full"].includes(values.profile!)) {
    console.error(
      "usage: deno run -A tools/run_notebook.ts [--profile fast|full] [--out DIR] NOTEBOOK.ipynb ...",
    );
    Deno.exit(2);
  }
  let failed = 0;
  for (const nb of positionals) {
    const run = await runNotebook(nb, {
      profile: values.profile as "fast" | "full",
      outDir: values.out,
    });
    console.log(summarizeRun(run));
    if (!run.passed) failed++;
  }
  Deno.exit(failed > 0 ? 1 : 0);
}
