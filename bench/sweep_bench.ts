/**
 * The overhead of one sweep task: what a task costs beyond its notebook's own work. minima's
 * side runs a complete task the way both engines do (`deno run tools/sweep/task.ts DIR INDEX`:
 * the task process, parameter injection, nbclient, the minima kernel's start, `import "minima"`,
 * one `record` and one claim, the runner's checks and `status.json`) on a notebook that computes
 * nothing. The reference, measured in the same run, is the floor under any Jupyter-based
 * runner: nbclient executing a one-cell notebook (`const x = 1;`) with the same kernel. A second row runs
 * the same notebook through `runNotebook` in this process (no task process, no status), to show
 * where the time goes. Target: a task under 3 s.
 *
 * @module
 */
import { type Benchmark, type BenchRow, benchRow } from "./_harness.ts";
import { dirname, fromFileUrl, join } from "./_paths.ts";
import { installKernel } from "../kernels/install.ts";
import { notebookFromScript } from "../tools/notebook.ts";
import { planSweep, sweepPaths, writeJson } from "../tools/sweep/spec.ts";
import { python } from "../tools/_setup.ts";

const root = dirname(dirname(fromFileUrl(import.meta.url)));
const REPEATS = 3;

const NOTEBOOK = `// %% tags=["parameters"]
const lr = 0.1;
const seed = 0;

// %%
import { claim, record } from "minima";
await record("loss", lr + seed);
await claim("the recorded value is lr + seed", lr + seed, 0.1 + seed, { rtol: 1e-12 });
`;

// nbclient executing one cell with the minima kernel: the cell's source is the first argument.
const PLAIN = `
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell(sys.argv[1])]
NotebookClient(nb, kernel_name="minima", timeout=120, startup_timeout=120).execute()
`;

async function run(cmd: string, args: string[], env: Record<string, string>): Promise<void> {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr).slice(-400)}`);
  }
}

export const benchmarks: Benchmark[] = [{
  name: "sweep task overhead",
  group: "sweep",
  async run(): Promise<BenchRow[]> {
    const dir = await Deno.makeTempDir({ prefix: "minima-sweep-bench-" });
    try {
      const nb = join(dir, "empty.ipynb");
      await Deno.writeTextFile(nb, JSON.stringify(notebookFromScript(NOTEBOOK)));
      const sweepDir = join(dir, "sweep");
      const paths = sweepPaths(sweepDir);
      await Deno.mkdir(sweepDir, { recursive: true });
      await writeJson(
        paths.spec,
        await planSweep(nb, [{ name: "seed", values: ["1"] }], { profile: "fast" }),
      );
      await installKernel({ dataDir: paths.jupyter });
      const py = await python();
      const env = {
        JUPYTER_PATH: paths.jupyter,
        NO_COLOR: "1",
        OPENBLAS_NUM_THREADS: "1",
        MINIMA_PYTHON: py,
      };
      const plain = join(dir, "plain.py");
      await Deno.writeTextFile(plain, PLAIN);
      const task = join(root, "tools", "sweep", "task.ts");
      // Interleaved, so load on the machine hits every side alike.
      const taskTimes: number[] = [], plainTimes: number[] = [], importTimes: number[] = [];
      const time = async (cmd: string, args: string[]) => {
        const t0 = performance.now();
        await run(cmd, args, env);
        return performance.now() - t0;
      };
      for (let i = 0; i < REPEATS + 1; i++) {
        const t = await time(Deno.execPath(), ["run", "-A", task, sweepDir, "0"]);
        const p = await time(py, [plain, "const x = 1;"]);
        const m = await time(py, [plain, 'import { record } from "minima";']);
        if (i === 0) continue; // warm-up: Deno's and Python's caches
        taskTimes.push(t), plainTimes.push(p), importTimes.push(m);
      }
      const status = JSON.parse(await Deno.readTextFile(paths.status(0)));
      if (status.state !== "passed") throw new Error(`the task did not pass: ${status.problems}`);
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const reference = median(plainTimes);
      const spread = (xs: number[]) =>
        `${(Math.min(...xs) / 1000).toFixed(2)}–${(Math.max(...xs) / 1000).toFixed(2)} s`;
      return [
        benchRow({
          name: "one sweep task (task process, injection, kernel, import minima, record, claim)",
          backend: "native",
          minima_ms: median(taskTimes),
          reference_ms: reference,
          reference: "nbclient, one-cell notebook, same kernel",
          notes: `${REPEATS} runs, task ${spread(taskTimes)}, reference ${
            spread(plainTimes)
          }; target < 3 s`,
        }),
        benchRow({
          name: "the same task against a kernel that only imports minima (the runner's share)",
          backend: "native",
          minima_ms: median(taskTimes),
          reference_ms: median(importTimes),
          reference: 'nbclient, one cell `import { record } from "minima"`',
          notes: `${REPEATS} runs, reference ${spread(importTimes)}`,
        }),
      ];
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
}];
