import assert from "node:assert/strict";
import { join } from "node:path";
import { lineChart } from "../plot/mod.ts";
import { describeSpec, show, VEGA_LITE_MIME } from "./show.ts";
import { recordDisplays } from "./_recorder_test_util.ts";

const rows = Array.from({ length: 20 }, (_, i) => ({ step: i, loss: 1 / (1 + i) }));

Deno.test("show emits one bundle with the Vega-Lite spec, its SVG and a text summary", async () => {
  const spec = lineChart(rows, { x: "step", y: "loss", title: "GD" });
  const calls = await recordDisplays(() => show(spec));
  assert.equal(calls.length, 1);
  const b = calls[0].bundle;
  assert.deepEqual(Object.keys(b).sort(), ["image/svg+xml", "text/plain", VEGA_LITE_MIME].sort());
  assert.equal(b[VEGA_LITE_MIME], spec);
  assert.match(b["image/svg+xml"] as string, /^<svg[^>]*width="\d+"/);
  // One path for the line through 20 points: the SVG draws the data, not only the axes.
  assert.match(b["image/svg+xml"] as string, /<path[^>]*d="M[^"]*(L[^"]*){19}/);
  assert.equal(b["text/plain"], "GD: line of loss vs step (20 records)");
});

Deno.test("show outside a kernel writes the SVG to the file asked for", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "sub", "chart.svg");
  const result = await show(lineChart(rows, { x: "step", y: "loss" }), { file });
  assert.equal(result.displayed, false);
  assert.equal(result.file, file);
  assert.equal(await Deno.readTextFile(file), result.svg);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("show rejects what is not a spec with a message that says what to do", async () => {
  await assert.rejects(
    () => show({ mark: "line" } as never),
    new TypeError(
      "Cannot show: spec must be a Vega-Lite spec (an object with a vega-lite $schema and a mark or layer), current value is an object with keys mark; build one with lineChart(), scatter(), heatmap() or histogram()",
    ),
  );
  await assert.rejects(() => show([1, 2] as never), /current value is an array of length 2/);
});

Deno.test("describeSpec names marks, axes and rules", () => {
  const spec = lineChart(rows, { x: "step", y: ["loss"], rules: [{ value: 2, label: "2/η" }] });
  assert.equal(describeSpec(spec), "line of loss vs step + rule at 2 (20 records)");
});
