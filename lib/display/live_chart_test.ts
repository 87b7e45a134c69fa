import assert from "node:assert/strict";
import { lineChart } from "../plot/mod.ts";
import { liveChart } from "./live_chart.ts";
import { VEGA_LITE_MIME } from "./show.ts";
import { recordDisplays } from "./_recorder_test_util.ts";

Deno.test("a live chart updates one display in place, throttled, and ends with the full chart", async () => {
  let live: Awaited<ReturnType<typeof liveChart>> | undefined;
  const calls = await recordDisplays(async () => {
    live = await liveChart((rows) => lineChart(rows, { x: "step", y: "loss" }), {
      intervalMs: 100,
    });
    const t0 = performance.now();
    for (let step = 0; step < 400; step++) {
      await live.push({ step, loss: 1 / (1 + step) });
      if (step % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (performance.now() - t0) / 1000;
    // At most one redraw per interval (plus the first): the loop ran `seconds`, interval 0.1 s.
    assert.ok(
      live.updates <= Math.ceil(seconds / 0.1) + 1,
      `${live.updates} updates in ${seconds} s`,
    );
    await live.done();
  });
  assert.ok(live);
  const ids = new Set(calls.map((c) => c.displayId));
  assert.equal(ids.size, 1, "every message targets the same display");
  assert.equal(calls[0].update, false);
  assert.ok(calls.slice(1).every((c) => c.update));
  const final = calls.at(-1)!.bundle;
  const values =
    (final[VEGA_LITE_MIME] as { layer: { data: { values: unknown[] } }[] }).layer[0].data.values;
  assert.equal(values.length, 400);
  assert.ok(final["image/svg+xml"]);
  await assert.rejects(() => live!.push({ step: 1, loss: 1 }), /done\(\) was already called/);
});

Deno.test("liveChart rejects a build that is not a function", async () => {
  await assert.rejects(
    () => liveChart(42 as never),
    /build must be a function from rows to a spec/,
  );
});
