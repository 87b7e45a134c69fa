/**
 * Importing minima starts no backend: the first tensor does (on the best synchronous backend),
 * or `ready()` (the full auto choice); plot and display do not even load TensorFlow.js. Each
 * case runs in a fresh process, since a backend, once started, stays.
 */
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";

const config = fromFileUrl(new URL("../../deno.json", import.meta.url));

async function run(script: string, env: Record<string, string> = {}): Promise<unknown> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", config, "--ext=ts", script],
    env: { NO_COLOR: "1", MINIMA_BACKEND: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  assert.ok(out.success, `the script failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(stdout.split("\n").at(-1)!);
}

Deno.test("importing minima/plot and minima/display does not load TensorFlow.js", async () => {
  const result = await run(`
    import { lineChart } from "minima/plot";
    import { table } from "minima/display";
    lineChart([{ x: 0, y: 1 }], { x: "x", y: "y" });
    console.log(JSON.stringify({ tfjs: "_tfengine" in globalThis, table: typeof table }));
  `);
  assert.deepEqual(result, { tfjs: false, table: "function" });
});

Deno.test("importing minima starts no backend; the first tensor starts the best synchronous one", async () => {
  const result = await run(`
    import { currentBackend, nativeBackendStatus, tf } from "minima";
    const before = tf.getBackend() ?? null;
    const x = tf.scalar(2).mul(3).dataSync()[0];
    const r = currentBackend();
    console.log(JSON.stringify({
      before, x, after: tf.getBackend(), name: r.name, source: r.source,
      native: nativeBackendStatus().available,
    }));
  `) as Record<string, unknown>;
  assert.equal(result.before, null);
  assert.equal(result.x, 6);
  assert.equal(result.after, result.name);
  assert.equal(result.source, "first use");
  // auto's order without its asynchronous backends: native when a BLAS opens, else cpu.
  assert.equal(result.name, result.native ? "native" : "cpu");
});

Deno.test("MINIMA_BACKEND=cpu is obeyed by the first tensor", async () => {
  const result = await run(
    `import { currentBackend, tf } from "minima";
    tf.ones([2]).dataSync();
    const r = currentBackend();
    console.log(JSON.stringify({ name: r.name, requested: r.requested, source: r.source }));`,
    { MINIMA_BACKEND: "cpu" },
  );
  assert.deepEqual(result, { name: "cpu", requested: "cpu", source: "first use" });
});

Deno.test("ready() runs the auto choice once and keeps tensors made before it", async () => {
  const result = await run(`
    import { currentBackend, ready, tf } from "minima";
    const early = tf.tensor1d([1, 2, 3]);
    const first = currentBackend().source;
    const report = await ready();
    const again = await ready();
    console.log(JSON.stringify({
      first, source: report.source, same: again === report, name: report.name,
      backend: tf.getBackend(), sum: (await early.sum().data())[0],
      probed: report.skipped.some((s) => s.name === "webgpu") || report.name === "webgpu",
    }));
  `) as Record<string, unknown>;
  assert.equal(result.first, "first use");
  assert.equal(result.source, "argument");
  assert.equal(result.same, true);
  assert.equal(result.backend, result.name);
  assert.equal(result.sum, 6);
  assert.equal(result.probed, true);
});

Deno.test("tf.ready() with nothing chosen runs minima's auto choice, not tfjs's WebGPU-first one", async () => {
  const result = await run(`
    import { currentBackend, tf } from "minima";
    await tf.ready();
    const r = currentBackend();
    console.log(JSON.stringify({ source: r.source, name: r.name, backend: tf.getBackend() }));
  `) as Record<string, unknown>;
  assert.equal(result.source, "argument");
  assert.equal(result.backend, result.name);
});
