/**
 * The local engine: a bounded pool of workers on this machine, each running one task at a time
 * as its own process (`tools/sweep/task.ts`), so one task's crash leaves the others running.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sweepPaths } from "./spec.ts";
import { python } from "../_setup.ts";

const TASK_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "task.ts");

/** Options of the local engine. */
export interface LocalEngineOptions {
  /** Tasks running at once. @default {see {@linkcode defaultWorkers}} */
  workers?: number;
  /** BLAS threads per task (the native backend's OpenBLAS). @default {1} */
  threads?: number;
  /** Environment variables every task gets. */
  env?: Record<string, string>;
  /** Told when a task starts and ends. */
  onTask?: (event: { index: number; phase: "start" | "end"; code?: number }) => void;
}

/**
 * How many tasks to run at once: the cores divided by each task's BLAS threads, and no more
 * than the memory allows at about 1.5 GiB a kernel.
 *
 * @param threads BLAS threads per task.
 * @returns The worker count, at least 1.
 */
export function defaultWorkers(threads = 1): number {
  const cores = navigator.hardwareConcurrency || 1;
  let byMemory = Infinity;
  try {
    byMemory = Math.floor(Deno.systemMemoryInfo().available / (1.5 * 2 ** 30));
  } catch { /* unknown */ }
  return Math.max(1, Math.min(Math.floor(cores / Math.max(1, threads)), byMemory));
}

/**
 * Runs the given tasks of the sweep in `dir` on this machine, each writing its log to
 * `tasks/<index>/task.log`.
 *
 * @param dir The sweep folder.
 * @param indices The tasks to run.
 * @param options Workers and threads.
 */
export async function runLocal(
  dir: string,
  indices: number[],
  options: LocalEngineOptions = {},
): Promise<void> {
  const threads = options.threads ?? 1;
  const workers = Math.max(1, Math.min(options.workers ?? defaultWorkers(threads), indices.length));
  const paths = sweepPaths(dir);
  const queue = [...indices];
  const t = String(threads);
  const env = {
    JUPYTER_PATH: paths.jupyter,
    OPENBLAS_NUM_THREADS: t,
    OMP_NUM_THREADS: t,
    MKL_NUM_THREADS: t,
    NO_COLOR: "1",
    MINIMA_PYTHON: await python(),
    ...options.env,
  };
  const worker = async () => {
    while (queue.length > 0) {
      const index = queue.shift()!;
      await Deno.mkdir(paths.task(index), { recursive: true });
      options.onTask?.({ index, phase: "start" });
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", TASK_SCRIPT, dir, String(index)],
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const log = await Deno.open(paths.log(index), { write: true, create: true, truncate: true });
      // Both streams into one log, in arrival order.
      const writer = log.writable.getWriter();
      const copy = async (stream: ReadableStream<Uint8Array>) => {
        for await (const chunk of stream) await writer.write(chunk);
      };
      await Promise.all([copy(child.stdout), copy(child.stderr)]);
      const { code } = await child.status;
      await writer.close();
      options.onTask?.({ index, phase: "end", code });
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}
