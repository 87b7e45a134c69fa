/**
 * The benchmark harness behind `deno task bench`. Each `bench/*_bench.ts` file exports
 * `benchmarks: Benchmark[]`; `bench/main.ts` runs them and writes `out/bench.json`.
 *
 * A benchmark measures minima and its reference (PyTorch or numpy) in the same run, on the same
 * inputs, and returns one row per backend it ran on. Speed is never asserted; ratios are printed.
 *
 * @module
 */

/** One measured comparison. `ratio` = minima_ms / reference_ms (below 1: minima is faster). */
export interface BenchRow {
  /** What was measured, e.g. "sgd step, 784-256-256-10, batch 128". */
  name: string;
  /** The tfjs backend (or "ts" for plain TypeScript). */
  backend: string;
  /** minima's time per operation, in milliseconds (median of the repeats). */
  minima_ms: number;
  /** The reference's time per operation, in milliseconds, measured in the same run. */
  reference_ms: number;
  /** minima_ms / reference_ms. */
  ratio: number;
  /** "pytorch" or "numpy", with its thread count. */
  reference: string;
  /** Anything a reader needs: agreement of results, threads, sizes. */
  notes?: string;
}

/** A benchmark: a name, a group for `--filter`, and the run that returns its rows. */
export interface Benchmark {
  name: string;
  group: string;
  run(): Promise<BenchRow[]>;
}

/**
 * Times `fn` `repeats` times after `warmup` unmeasured calls and returns the median in ms.
 *
 * @param fn The operation (awaited).
 * @param options Repeats and warm-up calls.
 * @returns The median wall time in milliseconds.
 */
export async function medianMs(
  fn: () => unknown | Promise<unknown>,
  options: { repeats?: number; warmup?: number } = {},
): Promise<number> {
  const repeats = options.repeats ?? 5;
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Runs a Python reference script and parses the JSON it prints on its last line.
 * Python is Debian's `/usr/bin/python3` when present (it has numpy and torch from apt).
 *
 * @param script Path of the script.
 * @param args Its arguments.
 * @returns The parsed JSON.
 */
export async function runPythonReference(
  script: string,
  args: string[] = [],
): Promise<Record<string, unknown>> {
  const python = await debianPython();
  const out = await new Deno.Command(python, {
    args: [script, ...args],
    env: { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(
      `Reference ${script} failed: ${new TextDecoder().decode(out.stderr).trim().slice(-500)}`,
    );
  }
  const last = stdout.split("\n").at(-1) ?? "";
  return JSON.parse(last);
}

async function debianPython(): Promise<string> {
  try {
    await Deno.stat("/usr/bin/python3");
    return "/usr/bin/python3";
  } catch {
    return "python3";
  }
}

/**
 * Makes a row, computing the ratio.
 *
 * @param row Everything but the ratio.
 * @returns The row.
 */
export function benchRow(row: Omit<BenchRow, "ratio">): BenchRow {
  return { ...row, ratio: row.minima_ms / row.reference_ms };
}
