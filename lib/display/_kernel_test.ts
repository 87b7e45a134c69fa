import assert from "node:assert/strict";
import { emit, outputsCreated, SETTLE_MS, SETTLE_MS_PER_MB, settleMs } from "./_kernel.ts";
import { recordDisplays } from "./_recorder_test_util.ts";

Deno.test("every new output gets the next sequence number and an update keeps its output's", async () => {
  let created = -1;
  const calls = await recordDisplays(async () => {
    await emit({ "text/plain": "a" });
    await emit({ "text/plain": "b" }, { displayId: "live" });
    await emit({ "text/plain": "b2" }, { displayId: "live", update: true });
    await emit({ "text/plain": "c" });
    // An update to a display this kernel never created is sent as a new output.
    await emit({ "text/plain": "d" }, { displayId: "other", update: true });
    created = outputsCreated();
  });
  assert.deepEqual(calls.map((c) => [c.seq, c.update]), [
    [1, false],
    [2, false],
    [2, true],
    [3, false],
    [4, false],
  ]);
  assert.equal(created, 4);
  assert.equal(outputsCreated(), 0, "restoring detection restarts the count");
});

Deno.test("the settle grows with the message size and with timer lateness", () => {
  assert.equal(settleMs(0, 0), SETTLE_MS);
  assert.equal(settleMs(3e6, 0), SETTLE_MS + 3 * SETTLE_MS_PER_MB);
  // 4 ms late → 3× as long; lateness is capped at 10×, and negative lateness counts as none.
  assert.equal(settleMs(1e6, 4), 3 * (SETTLE_MS + SETTLE_MS_PER_MB));
  assert.equal(settleMs(0, 1000), 10 * SETTLE_MS);
  assert.equal(settleMs(0, -3), SETTLE_MS);
});
