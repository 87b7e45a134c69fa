import assert from "node:assert/strict";
import { table } from "./table.ts";
import { recordDisplays } from "./_recorder_test_util.ts";

Deno.test("table aligns numbers, rounds to the digits asked, and escapes HTML", async () => {
  const calls = await recordDisplays(() =>
    table([{ name: "<a>", value: 3.14159265 }, { name: "b", value: 1e-7 }], {
      digits: 3,
      title: "T",
    })
  );
  const b = calls[0].bundle;
  assert.equal(b["text/plain"], "T\nname    value\n────  ───────\n<a>      3.14\nb     1.00e-7");
  assert.match(b["text/html"] as string, /<td style="text-align:left">&lt;a&gt;<\/td>/);
  assert.match(b["text/html"] as string, /<caption>T<\/caption>/);
});

Deno.test("table rejects rows that are not records and bad digits", async () => {
  await assert.rejects(() => table([1] as never), /rows must be an array of flat records/);
  await assert.rejects(
    () => table([], { digits: 0 }),
    /digits must be an integer in \[1, 17\], current value is 0/,
  );
});

Deno.test("a table of a million rows renders without overflowing the stack", async () => {
  const rows = Array.from({ length: 1_000_000 }, (_, i) => ({ i, v: i / 3 }));
  const t = await table(rows, { digits: 3 });
  assert.equal(t.text.split("\n").length, 1_000_002);
  assert.match(t.text.split("\n")[1], /^─+ {2}─+$/);
});

Deno.test("a table marks NaN and infinities instead of leaving the cell empty", async () => {
  const t = await table([{ step: 1, loss: NaN }, { step: 2, loss: Infinity }, {
    step: 3,
    loss: -Infinity,
  }]);
  assert.deepEqual(t.text.split("\n").slice(2).map((l) => l.trim().split(/\s+/)), [
    ["1", "NaN"],
    ["2", "∞"],
    ["3", "−∞"],
  ]);
  assert.match(t.html, /<td style="text-align:right">NaN<\/td>/);
});
