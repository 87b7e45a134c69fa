/**
 * The ■ button through the real Jupyter client (jupyter_client's `interrupt_kernel`, which sends
 * SIGINT as the kernelspec's signal mode asks): a loop that checks minima's interrupt request stops
 * at its next step with its partial results, a synchronous busy loop is terminated with an
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

// A loop in the protocol every minima loop follows (enter, check between steps, exit): 300 steps
// of 100 ms, 30 s if nothing stops it. After it, a second loop in the same cell asks whether the
// request still holds (it must, until the cell ends).
const asyncLoop = [
  "const rows = [];",
  "const exit = enterLoop();",
  "try {",
  "  for (let k = 0; k < 300; k++) {",
  "    if (interruptRequested()) break;",
  "    rows.push(k);",
  "    await new Promise((resolve) => setTimeout(resolve, 100));",
  "  }",
  "} finally { exit(); }",
  "const exit2 = enterLoop(); const stillRequested = interruptRequested(); exit2();",
  "`${rows.length} ${stillRequested}`",
].join("\n");

Deno.test({
  name:
    "the ■ button stops a minima loop with partial results and terminates busy code, and the kernel keeps its variables",
  sanitizeResources: false,
  fn: async () => {
    const interruptUrl = new URL("../lib/_interrupt.ts", import.meta.url).href;
    const results = await runCells([
      {
        code:
          `import { enterLoop, interruptRequested } from "${interruptUrl}";\nimport "minima";\nconst x = 42;\n"ready"`,
        timeout: 120,
      },
      { code: asyncLoop, interrupt_after: 2, timeout: 45 },
      { code: "[x, rows.length, interruptRequested()].join(' ')" },
      {
        code: "const t0 = Date.now(); while (Date.now() - t0 < 30000) {} 'not interrupted'",
        interrupt_after: 2,
        timeout: 45,
      },
      { code: "x + 1" },
      {
        code:
          "await new Promise((r) => setTimeout(r, 10)); const t1 = Date.now(); while (Date.now() - t1 < 30000) {} 'not interrupted'",
        interrupt_after: 2,
        timeout: 45,
      },
      { code: "x + 2" },
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
    // The loop stopped at its next step (100 ms) with what it had, and the cell ended ok; the
    // request still held for the rest of the cell.
    assert.equal(loop.status, "ok");
    assert.ok(loop.after_interrupt! < 1.5, `the loop took ${loop.after_interrupt} s to stop`);
    const [n, still] = JSON.parse(loop.outputs.at(-1)!).split(" ");
    assert.ok(Number(n) >= 5 && Number(n) < 100, `partial results: ${n} steps of 300`);
    assert.equal(still, "true");
    // The next cell starts clean, with the variables of the interrupted one.
    assert.equal(JSON.parse(after.outputs.at(-1)!), `42 ${n} false`);
    // Synchronous code that is not a minima loop is terminated after the grace second.
    assert.equal(busy.status, "error");
    assert.ok(busy.after_interrupt! < 4, `busy loop stopped ${busy.after_interrupt} s after`);
    assert.equal(busyAfter.outputs.at(-1), "43");
    // After an await, the terminated cell's promise is collected and the cell ends too.
    assert.equal(awaited.status, "error");
    assert.ok(awaited.after_interrupt! < 8, `stopped ${awaited.after_interrupt} s after`);
    assert.equal(awaitedAfter.outputs.at(-1), "44");
  },
});
