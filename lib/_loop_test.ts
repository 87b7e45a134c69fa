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

Deno.test("a loop sees an interrupt requested inside it, forgets one from before, and exits once", async () => {
  requestInterrupt(); // stale: no loop runs
  const loop = startLoop({ what: "test", total: 5 });
  assert.equal(await loop.interrupted(), false, "a request from before the loop is forgotten");
  assert.equal(activeLoops(), 1);
  requestInterrupt();
  assert.equal(await loop.interrupted(), true);
  // A nested loop keeps the request, so an outer loop stops with it.
  const inner = startLoop({ what: "inner", total: 1 });
  assert.equal(await inner.interrupted(), true);
  inner.exit();
  inner.exit();
  assert.equal(activeLoops(), 1, "exit is idempotent");
  assert.equal(interruptRequested(), true, "the outer loop still sees the request");
  loop.exit();
  assert.equal(activeLoops(), 0);
  assert.equal(interruptRequested(), false, "the request ends with the last loop");
  const next = startLoop({ what: "test", total: 1 });
  assert.equal(await next.interrupted(), false, "the next run is not affected");
  next.exit();
});

Deno.test("a busy loop lets events run now and then, so an interrupt sent as an event arrives", async () => {
  // The kernel's stop button arrives as an event (a timer stands in for it here); a loop that
  // only awaited microtasks would never see it.
  const loop = startLoop({ what: "busy", total: 1e9 });
  const timer = setTimeout(requestInterrupt, 50);
  const started = performance.now();
  let steps = 0;
  try {
    while (!(await loop.interrupted())) {
      steps++;
      if (performance.now() - started > 5000) break;
    }
  } finally {
    clearTimeout(timer);
    loop.exit();
  }
  const elapsed = performance.now() - started;
  assert.ok(steps > 0 && elapsed < 1000, `stopped after ${elapsed.toFixed(0)} ms`);
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
