import assert from "node:assert/strict";
import { progressBar } from "./progress_bar.ts";
import { recordDisplays } from "./_recorder_test_util.ts";

Deno.test("a progress bar redraws one output at most once per interval and ends at 100%", async () => {
  const calls = await recordDisplays(async () => {
    const bar = await progressBar({ label: "train", intervalMs: 1000 });
    for (let i = 1; i <= 1000; i++) bar.update({ done: i, total: 1000, metrics: { loss: 1 / i } });
    await bar.done();
  });
  // The placeholder, the first update, and the final state: the other 999 updates came within 1 s.
  assert.equal(calls.length, 3);
  assert.equal(new Set(calls.map((c) => c.displayId)).size, 1);
  const last = calls.at(-1)!.bundle;
  assert.match(last["text/plain"] as string, /^train \[#{24}\] 100% 1000\/1000/);
  assert.match(last["text/html"] as string, /<progress value="1" max="1"/);
  assert.match(last["text/plain"] as string, /loss 0\.001/);
});
