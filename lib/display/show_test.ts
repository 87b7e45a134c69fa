import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { lineChart } from "../plot/mod.ts";
import { describeSpec, show, VEGA_LITE_MIME } from "./show.ts";
import { VEGA_LITE_SCHEMA } from "../plot/mod.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
import { recordDisplays } from "./_recorder_test_util.ts";

const rows = Array.from({ length: 20 }, (_, i) => ({ step: i, loss: 1 / (1 + i) }));

Deno.test("show emits one bundle with the Vega-Lite spec, its SVG and PNG, and a text summary", async () => {
  const spec = lineChart(rows, { x: "step", y: "loss", title: "GD" });
  const before = JSON.stringify(spec);
  const calls = await recordDisplays(() => show(spec));
  assert.equal(calls.length, 1);
  const b = calls[0].bundle;
  // Richest first: trusted frontends draw the spec or the SVG, untrusted ones the PNG.
  assert.deepEqual(Object.keys(b), [VEGA_LITE_MIME, "image/svg+xml", "image/png", "text/plain"]);
  // The bundle travels as JSON: the spec as sent.
  assert.deepEqual(JSON.parse(JSON.stringify(b[VEGA_LITE_MIME])), JSON.parse(before));
  // Neither the spec nor its rows were marked by vega.
  assert.equal(JSON.stringify(spec), before);
  assert.deepEqual(
    Object.getOwnPropertySymbols(
      (spec.layer as { data: { values: object[] } }[])[0].data.values[0],
    ),
    [],
  );
  const png = Uint8Array.from(atob(b["image/png"] as string), (c) => c.charCodeAt(0));
  assert.deepEqual([...png.slice(1, 4)].map((c) => String.fromCharCode(c)).join(""), "PNG");
  const view = new DataView(png.buffer);
  const [w, h] = [view.getUint32(16), view.getUint32(20)];
  const svgW = Number(/width="(\d+)"/.exec(b["image/svg+xml"] as string)![1]);
  assert.equal(w, 2 * svgW, "the PNG is drawn at twice the SVG's size");
  assert.deepEqual(calls[0].metadata["image/png"], { width: w / 2, height: h / 2 });
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

Deno.test("show refuses data URLs unless allowed, and a failed load is an error, not an empty chart", async () => {
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    mark: "text",
    data: { url: "file:///etc/hostname", format: { type: "csv" } },
    encoding: { text: { field: "a" } },
  };
  await assert.rejects(
    () => show(spec),
    new TypeError(
      'Cannot show the chart: its data.url ("file:///etc/hostname") would load data from outside the spec; put the rows in data.values, or pass { allowUrls: true } to load it',
    ),
  );
  const port = freePort();
  await assert.rejects(
    () =>
      show({ ...spec, data: { url: `http://127.0.0.1:${port}/none.json` } }, { allowUrls: true }),
    /^Error: Cannot show the chart: its data could not be loaded \(http:\/\/127\.0\.0\.1:\d+\/none\.json: /,
  );
});

Deno.test("show names the channel and field of an invalid type, and an invalid mark", async () => {
  const base = { $schema: VEGA_LITE_SCHEMA, data: { values: [{ a: 1 }] } };
  await assert.rejects(
    () => show({ ...base, mark: "point", encoding: { x: { field: "a", type: "bogus" } } }),
    new TypeError(
      'Cannot show the chart: spec.encoding.x (field "a") has type "bogus"; use "quantitative", "ordinal", "nominal" or "temporal"',
    ),
  );
  await assert.rejects(
    () =>
      show({
        ...base,
        layer: [{ mark: "lines", encoding: { x: { field: "a", type: "quantitative" } } }],
      }),
    /^TypeError: Cannot show the chart: spec\.layer\[0\]\.mark "lines" is not a Vega-Lite mark; use one of arc, area, bar/,
  );
});

Deno.test("show names a size, a layer that is not a list, and a spec that is not plain data", async () => {
  const base = {
    $schema: VEGA_LITE_SCHEMA,
    data: { values: [{ a: 1 }] },
    mark: "point",
    encoding: { x: { field: "a", type: "quantitative" } },
  };
  // vega drew nothing and failed with "Cannot read properties of undefined (reading 'marktype')".
  await assert.rejects(
    () => show({ ...base, height: Infinity }),
    new TypeError(
      'Cannot show the chart: spec.height must be a positive number of pixels, "container" or { step }, current value is Infinity',
    ),
  );
  // vega-lite's "spec.layer.map is not a function".
  await assert.rejects(
    () => show({ $schema: VEGA_LITE_SCHEMA, layer: "x" } as never),
    new TypeError(
      'Cannot show the chart: spec.layer must be a list of views, current value is "x"',
    ),
  );
  // structuredClone's DOMException.
  await assert.rejects(
    () => show({ ...base, width: () => 1 } as never),
    /^TypeError: Cannot show the chart: the spec must be plain data \(objects, arrays, strings, numbers, booleans\) and holds something that cannot be copied \(/,
  );
  await show({ ...base, width: "container", height: 100 } as never);
});

Deno.test("a line of a field named with dots or brackets is drawn", async () => {
  const data = [{ "a[0]": 0, "train.loss": 1 }, { "a[0]": 1, "train.loss": 0.5 }];
  const result = await show(lineChart(data, { x: "a[0]", y: "train.loss" }));
  assert.match(result.svg, /<path[^>]*d="M[^"]*L[^"]*"[^>]*stroke="#4c78a8"/);
  assert.equal(result.summary, "line of train.loss vs a[0] (2 records)");
  // A hand-written spec too: the field is escaped when the data have that key.
  const hand = await show({
    $schema: VEGA_LITE_SCHEMA,
    mark: "line",
    data: { values: data },
    encoding: {
      x: { field: "a[0]", type: "quantitative" },
      y: { field: "train.loss", type: "quantitative" },
    },
  });
  assert.match(hand.svg, /<path[^>]*d="M[^"]*L[^"]*"[^>]*stroke="#4c78a8"/);
  assert.match(hand.svg, />train\.loss</);
});

Deno.test("titles of a hand-written spec take simple TeX too", async () => {
  const result = await show({
    $schema: VEGA_LITE_SCHEMA,
    title: "$\\lambda_{max}$ against $\\eta$",
    mark: "point",
    data: { values: [{ a: 1, b: 2 }] },
    encoding: {
      x: { field: "a", type: "quantitative", title: "$\\eta$" },
      y: { field: "b", type: "quantitative", axis: { title: "x^2" } },
    },
  });
  assert.match(result.svg, />λₘₐₓ against η</);
  assert.match(result.svg, />η</);
  assert.match(result.svg, />x²</);
});

Deno.test("a javascript: link does not crash the process, and is dropped", async () => {
  const dir = await Deno.makeTempDir();
  const script = join(dir, "href.ts");
  await Deno.writeTextFile(
    script,
    [
      `import { show } from "${new URL("./show.ts", import.meta.url).href}";`,
      "await show({",
      '  $schema: "https://vega.github.io/schema/vega-lite/v5.json",',
      '  mark: "point",',
      '  data: { values: [{ a: 1, u: "javascript:alert(1)" }, { a: 2, u: "https://example.org" }] },',
      '  encoding: { x: { field: "a", type: "quantitative" }, href: { field: "u" } },',
      "});",
      "await new Promise((r) => setTimeout(r, 200));",
      'console.log("still running");',
    ].join("\n"),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      fileURLToPath(new URL("../../deno.json", import.meta.url)),
      script,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-800));
  assert.match(stdout, /still running/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("describeSpec names marks, axes and rules", () => {
  const spec = lineChart(rows, { x: "step", y: ["loss"], rules: [{ value: 2, label: "2/η" }] });
  assert.equal(describeSpec(spec), "line of loss vs step + rule at 2 (20 records)");
});

Deno.test("describeSpec names a spec that is not an object", () => {
  // It failed reading "layer" of null.
  assert.throws(
    () => describeSpec(null as never),
    new TypeError(
      "Cannot describe the chart: spec must be a Vega-Lite spec (an object), current value is null",
    ),
  );
});
