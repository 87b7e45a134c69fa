import assert from "node:assert/strict";
import { BACKEND_NAMES, currentBackend, nativeBackendStatus, useBackend } from "./mod.ts";

Deno.test("useBackend: auto prefers native when an optimized BLAS opens, and says why", () => {
  const report = currentBackend();
  assert.deepEqual([...BACKEND_NAMES], ["webgpu", "native", "wasm", "cpu"]);
  if (report.source === "MINIMA_BACKEND") return; // the run was moved to one backend
  const native = nativeBackendStatus();
  if (native.available && report.adapter?.isFallback !== false) {
    assert.equal(report.name, "native");
    assert.equal(report.native?.blas, native.info.blas);
    assert.match(report.summary, /^backend native \(/);
  } else if (!native.available) {
    assert.equal(report.skipped.find((s) => s.name === "native")?.reason, native.reason);
  }
});

Deno.test("useBackend: an unknown name is a TypeError naming the choices", async () => {
  await assert.rejects(() => useBackend("tpu" as "cpu", { quiet: true }), {
    name: "TypeError",
    message:
      'Cannot use backend: request must be one of "auto", "webgpu", "native", "wasm", "cpu", current value is "tpu"',
  });
});

Deno.test("useBackend: switching to cpu and back keeps the report in step", async () => {
  const previous = currentBackend().name;
  const report = await useBackend("cpu", { quiet: true });
  assert.equal(report.name, "cpu");
  assert.equal(report.native, undefined);
  assert.equal(currentBackend().name, "cpu");
  await useBackend(previous, { quiet: true });
  assert.equal(currentBackend().name, previous);
});
