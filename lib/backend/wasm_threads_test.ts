import assert from "node:assert/strict";
import { useBackend, WASM_THREADS_UNAVAILABLE } from "./mod.ts";
import { currentBackend } from "./mod.ts";

// Evidence for WASM_THREADS_UNAVAILABLE. If one of these starts failing, Deno or tfjs changed:
// try the threaded WASM build again.

Deno.test("wasm threads: Deno has the primitives (module workers, shared memory, Atomics)", async () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
  assert.ok(memory.buffer instanceof SharedArrayBuffer);
  const source = `self.onmessage = (e) => {
    const a = new Int32Array(e.data.buffer);
    Atomics.store(a, 0, 7);
    self.postMessage({ waited: Atomics.wait(a, 1, 0, 1), importScripts: typeof importScripts });
  };`;
  const url = `data:application/javascript,${encodeURIComponent(source)}`;
  const worker = new Worker(url, { type: "module" });
  const reply = await new Promise<{ waited: string; importScripts: string }>((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage({ buffer: memory.buffer });
  });
  worker.terminate();
  assert.equal(new Int32Array(memory.buffer)[0], 7);
  assert.equal(reply.waited, "timed-out");
  // Emscripten's browser pthreads load their code with importScripts: module workers lack it.
  assert.equal(reply.importScripts, "undefined");
});

Deno.test("wasm threads: Deno has no classic workers (Emscripten's browser path)", () => {
  assert.throws(() => new Worker("data:application/javascript,0"), {
    message: "Classic workers are not supported.",
  });
});

Deno.test("wasm threads: forcing tfjs's threaded build fails with ERR_WORKER_PATH", async () => {
  const code = `
    import * as tf from "@tensorflow/tfjs";
    import "@tensorflow/tfjs-backend-wasm";
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
    const ok = await tf.setBackend("wasm").catch(() => false);
    console.log(JSON.stringify({ ok }));
    Deno.exit(0);`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.match(text, /ERR_WORKER_PATH/);
  assert.match(text, /\{"ok":false\}/);
});

Deno.test("wasm threads: the WASM report says why threads are off", async () => {
  const previous = currentBackend().name;
  const report = await useBackend("wasm", { quiet: true });
  assert.equal(report.wasm?.threads, false);
  assert.equal(report.wasm?.threadsReason, WASM_THREADS_UNAVAILABLE);
  await useBackend(previous, { quiet: true });
});
