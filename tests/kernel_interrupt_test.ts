/**
 * The ■ button through the real Jupyter client (jupyter_client's `interrupt_kernel`, which sends
 * SIGINT as the kernelspec's signal mode asks): `train` stops at its next step with its partial
 * results (and a second `train` in the same cell returns at once), a synchronous busy loop is terminated with an
 * error, a busy loop after an await too, and in every case the kernel stays alive, goes idle,
 * and keeps the variables defined before.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { python } from "../tools/_setup.ts";
import { kernelEnv } from "./_jupyter.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

interface Step {
  code: string;
  interrupt_after?: number;
  timeout?: number;
}

interface StepResult {
  status: string;
  ename: string | null;
  evalue: string | null;
  seconds: number;
  after_interrupt: number | null;
  outputs: string[];
  alive: boolean;
}

async function runCells(steps: Step[]): Promise<StepResult[]> {
  const env = await kernelEnv();
  const cwd = await Deno.makeTempDir({ prefix: "minima-interrupt-" });
  try {
    const out = await new Deno.Command(await python(), {
      args: [join(root, "tests", "kernel_interrupt.py"), cwd, JSON.stringify(steps)],
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, stderr.slice(-2000));
    return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

// A long `train` (a million steps), then a second one in the same cell: the interrupt request
// holds until the cell ends, so the second returns at once.
const trainCell = [
  "const opts = { steps: 1e6, every: 10 };",
  "const run = await train({ model, loss: mse, data }, sgd({ lr: 0.05 }), opts);",
  "const rest = await train({ model, loss: mse, data }, sgd({ lr: 0.05 }), opts);",
  "console.log(JSON.stringify([run.interrupted, run.history.length, rest.interrupted, rest.history.length]));",
].join("\n");

/** The last output line that is a JSON array (results are printed, so none is lost after idle). */
function printed(r: StepResult): unknown {
  const lines = r.outputs.join("").split("\n").map((l) => l.trim()).filter((l) =>
    l.startsWith("[")
  );
  return JSON.parse(lines.at(-1) ?? "null");
}

Deno.test({
  name:
    "the ■ button stops train with partial results and terminates busy code, and the kernel keeps its variables",
  sanitizeResources: false,
  fn: async () => {
    const results = await runCells([
      {
        code: [
          'import { createDataset, mlp, mse, sgd, train } from "minima";',
          "const X = Array.from({ length: 256 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);",
          "const data = createDataset(X, X.map(([a, b]) => a * b));",
          "const model = mlp([2, 32, 1]);",
          "const x = 42;",
        ].join("\n"),
        timeout: 120,
      },
      { code: trainCell, interrupt_after: 3, timeout: 45 },
      {
        code: [
          "const again = await train({ model, loss: mse, data }, sgd({ lr: 0.05 }), { steps: 20, every: 10 });",
          "console.log(JSON.stringify([x, again.interrupted, again.history.length]));",
        ].join("\n"),
      },
      {
        code: "const t0 = Date.now(); while (Date.now() - t0 < 90000) {} 'not interrupted'",
        interrupt_after: 2,
        timeout: 120,
      },
      { code: "console.log(JSON.stringify([x + 1]))" },
      {
        code:
          "await new Promise((r) => setTimeout(r, 10)); const t1 = Date.now(); while (Date.now() - t1 < 90000) {} 'not interrupted'",
        interrupt_after: 2,
        timeout: 120,
      },
      { code: "console.log(JSON.stringify([x + 2]))" },
    ]);
    console.log(
      results.map((r) =>
        `${r.status} ${r.seconds}s (after interrupt ${r.after_interrupt}s) ${
          JSON.stringify(r.outputs)
        }`
      ).join("\n"),
    );
    assert.equal(results.length, 7, "every cell ran");
    assert.ok(results.every((r) => r.alive), "the kernel stayed alive");
    const [ready, loop, after, busy, busyAfter, awaited, awaitedAfter] = results;
    assert.equal(ready.status, "ok");
    // train stopped at its next step with the rows it had, and the cell ended ok; the request
    // still held for the rest of the cell, so the second train returned at once.
    assert.equal(loop.status, "ok");
    assert.ok(loop.after_interrupt! < 10, `train took ${loop.after_interrupt} s to stop`);
    const [interrupted, rows, restInterrupted, restRows] = printed(loop) as number[];
    assert.equal(interrupted, true);
    assert.ok(rows >= 2 && rows < 100_000, `partial results: ${rows} rows`);
    assert.deepEqual([restInterrupted, restRows], [true, 1]);
    assert.match(loop.outputs.join(""), /train interrupted after step \d+ of 1000000;/);
    // The next cell starts clean, with the variables of the interrupted one.
    assert.deepEqual(printed(after), [42, false, 3]);
    // Synchronous code that is not a minima loop is terminated after the grace second (1–2.7 s
    // on an idle machine; the bounds leave room for a loaded one, far below the 90 s loop).
    assert.equal(busy.status, "error");
    assert.ok(busy.after_interrupt! < 30, `busy loop stopped ${busy.after_interrupt} s after`);
    assert.deepEqual(printed(busyAfter), [43]);
    // After an await, the terminated cell's promise is collected and the cell ends too.
    assert.equal(awaited.status, "error");
    assert.ok(awaited.after_interrupt! < 30, `stopped ${awaited.after_interrupt} s after`);
    assert.deepEqual(printed(awaitedAfter), [44]);
  },
});
