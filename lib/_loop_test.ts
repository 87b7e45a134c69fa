import assert from "node:assert/strict";
import { startLoop } from "./_loop.ts";
import { activeLoops, interruptRequested, requestInterrupt } from "./_interrupt.ts";
import type { ProgressInfo } from "./_types.ts";
import { captureWarnings } from "./_test_util.ts";

Deno.test("startLoop reports progress every ⌊total/reports⌋ units, at the end, and when forced", () => {
  const seen: ProgressInfo[] = [];
  const loop = startLoop({
    what: "test",
    total: 10,
    label: "run",
    reports: 3,
    onProgress: (i) => seen.push(i),
  });
  for (let k = 1; k <= 10; k++) loop.progress(k, k === 4 ? { loss: 0.5 } : undefined, k === 4);
  loop.exit();
  // Every ⌊10/3⌋ = 3 units, the forced 4 (with its metrics), and the last.
  assert.deepEqual(seen.map((i) => i.done), [3, 4, 6, 9, 10]);
  assert.deepEqual(seen[1], { done: 4, total: 10, label: "run", metrics: { loss: 0.5 } });
  assert.deepEqual(seen[0], { done: 3, total: 10, label: "run" });
});

Deno.test("a loop sees an interrupt requested inside it, forgets one from before, and exits once", () => {
  requestInterrupt(); // stale: no loop runs
  const loop = startLoop({ what: "test", total: 5 });
  assert.equal(loop.interrupted(), false, "a request from before the loop is forgotten");
  assert.equal(activeLoops(), 1);
  requestInterrupt();
  assert.equal(loop.interrupted(), true);
  // A nested loop keeps the request, so an outer loop stops with it.
  const inner = startLoop({ what: "inner", total: 1 });
  assert.equal(inner.interrupted(), true);
  inner.exit();
  inner.exit();
  assert.equal(activeLoops(), 1, "exit is idempotent");
  assert.equal(interruptRequested(), true, "the outer loop still sees the request");
  loop.exit();
  assert.equal(activeLoops(), 0);
  assert.equal(interruptRequested(), false, "the request ends with the last loop");
  const next = startLoop({ what: "test", total: 1 });
  assert.equal(next.interrupted(), false, "the next run is not affected");
  next.exit();
});

Deno.test("stopped says in one line where the loop stopped and what it returns", async () => {
  const { warnings } = await captureWarnings(() => {
    const loop = startLoop({ what: "solveSde", total: 100 });
    loop.stopped(40, "returning the 3 save times reached");
    loop.exit();
    return Promise.resolve();
  });
  assert.deepEqual(warnings, [
    "solveSde interrupted after step 40 of 100; returning the 3 save times reached",
  ]);
});
