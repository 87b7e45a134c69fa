import assert from "node:assert/strict";
import { lineChart } from "./line_chart.ts";
import { scatter } from "./scatter.ts";
import { heatmap } from "./heatmap.ts";
import { histogram } from "./histogram.ts";
import { contourSegments, gridFromRows } from "./contours.ts";
import { VEGA_LITE_SCHEMA } from "./spec.ts";

type Layer = {
  mark: { type: string };
  transform?: unknown[];
  data: { values: Record<string, unknown>[] };
  encoding: Record<string, Record<string, unknown>>;
};

Deno.test("lineChart folds several y fields into series and filters non-positive values on log axes", () => {
  const rows = [{ t: 0, a: 1, b: 0 }, { t: 1, a: 2, b: 3 }];
  const spec = lineChart(rows, { x: "t", y: ["a", "b"], logY: true });
  assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
  const line = (spec.layer as Layer[])[0];
  assert.deepEqual(line.transform, [{ fold: ["a", "b"], as: ["series", "value"] }, {
    filter: 'datum["value"] > 0',
  }]);
  assert.deepEqual(line.encoding.y.scale, { type: "log" });
  assert.equal(line.encoding.color.field, "series");
});

Deno.test("chart data carry NaN and Infinity as null, which JSON can carry, and the subtitle says so", () => {
  const rows = [{ t: 0, loss: NaN }, { t: 1, loss: Infinity }, { t: 2, loss: 1 }];
  const spec = lineChart(rows, { x: "t", y: "loss", title: "run" });
  const values = (spec.layer as Layer[])[0].data.values;
  assert.deepEqual(values.map((v) => v.loss), [null, null, 1]);
  assert.doesNotMatch(JSON.stringify(values), /NaN|Infinity/);
  assert.deepEqual(spec.title, {
    text: "run",
    subtitle: "loss: 1 NaN, 1 ±∞ not drawn",
    subtitleColor: "#a33",
  });
  // The caller's rows are untouched.
  assert.ok(Number.isNaN(rows[0].loss));
  assert.equal(
    (scatter([{ a: 1, b: NaN }], { x: "a", y: "b" }).title as { subtitle: string }).subtitle,
    "b: 1 NaN not drawn",
  );
  assert.equal(lineChart([{ t: 0, v: 1 }], { x: "t", y: "v" }).title, undefined);
});

Deno.test("builders copy the rows: the chart's data are not the caller's objects", () => {
  const rows = [{ t: 0, v: 1 }, { t: 1, v: 2 }];
  const frozen = rows.map((r) => Object.freeze({ ...r }));
  for (
    const spec of [
      lineChart(frozen, { x: "t", y: "v" }),
      scatter(frozen, { x: "t", y: "v" }),
      histogram(frozen, { field: "v" }),
    ]
  ) {
    const values = ((spec.layer as Layer[] | undefined)?.[0].data ?? spec.data as Layer["data"])
      .values;
    assert.deepEqual(values, rows);
    assert.ok(values.every((v, i) => v !== frozen[i]));
  }
});

Deno.test("field names with dots and brackets are escaped, so Vega-Lite reads one field", () => {
  const spec = lineChart([{ "train.loss": 1, "a[0]": 0 }], { x: "a[0]", y: "train.loss" });
  const line = (spec.layer as Layer[])[0];
  assert.equal(line.encoding.x.field, "a\\[0\\]");
  assert.equal(line.encoding.y.field, "train\\.loss");
  assert.equal(line.encoding.y.title, "train.loss");
  const folded = (lineChart([{ t: 0, "a.b": 1, c: 2 }], { x: "t", y: ["a.b", "c"] })
    .layer as Layer[])[0];
  assert.deepEqual(folded.transform?.[0], { fold: ["a\\.b", "c"], as: ["series", "value"] });
});

Deno.test("long lines are downsampled by bucket, keeping each bucket's first, last, min and max", () => {
  const rows = Array.from({ length: 100_000 }, (_, i) => ({ t: i, v: Math.sin(i / 50) }));
  rows[54_321].v = 50; // a spike must survive
  const spec = lineChart(rows, { x: "t", y: "v" });
  const kept = (spec.layer as Layer[])[0].data.values;
  assert.ok(kept.length <= 4_000 && kept.length >= 2_000, `${kept.length} points`);
  assert.ok(kept.some((r) => r.v === 50), "the spike is kept");
  assert.equal(kept[0].t, 0);
  assert.equal(kept.at(-1)!.t, 99_999);
  assert.match(
    (spec.title as { subtitle: string }).subtitle,
    /^downsampled: \d+ of 100000 points \(first, last, min and max of 1000 buckets per line\)$/,
  );
  const all = lineChart(rows, { x: "t", y: "v", downsample: false });
  assert.equal((all.layer as Layer[])[0].data.values.length, 100_000);
  const small = lineChart(rows.slice(0, 500), { x: "t", y: "v", downsample: 100 });
  assert.ok((small.layer as Layer[])[0].data.values.length <= 100);
  assert.throws(
    () => lineChart(rows, { x: "t", y: "v", downsample: 2 }),
    new RangeError(
      "Cannot build the line chart: downsample must be an integer ≥ 4 or false, current value is 2",
    ),
  );
});

Deno.test("titles, axis titles and rule labels take simple TeX", () => {
  const spec = lineChart([{ t: 0, s: 1 }], {
    x: "t",
    y: "s",
    title: "sharpness at $\\eta = 0.1$",
    yTitle: "$\\lambda_{max}$",
    rules: { value: 20, label: "$2/\\eta$" },
  });
  assert.equal(spec.title, "sharpness at η = 0.1");
  const [line, , label] = spec.layer as Layer[];
  assert.equal(line.encoding.y.title, "λₘₐₓ");
  assert.equal(label.data.values[0].rule_label, "2/η");
});

Deno.test("reference rules become a rule layer and a label layer", () => {
  const spec = lineChart([{ t: 0, s: 1 }], {
    x: "t",
    y: "s",
    rules: [10, { value: 20, label: "2/η" }],
  });
  const [, rule, label] = spec.layer as Layer[];
  assert.equal(rule.mark.type, "rule");
  assert.deepEqual(label.data.values, [{ rule_value: 10, rule_label: "10" }, {
    rule_value: 20,
    rule_label: "2/η",
  }]);
  assert.throws(
    () => lineChart([], { x: "t", y: "s", rules: NaN }),
    /value must be a finite number, current value is NaN/,
  );
});

Deno.test("scatter picks nominal colours for booleans and a gradient for numbers", () => {
  const rows = [{ a: 1, s: 2, diverged: true, lr: 0.1 }];
  const byBool = (scatter(rows, { x: "a", y: "s", color: "diverged" }).layer as Layer[])[0];
  const byNum = (scatter(rows, { x: "a", y: "s", color: "lr" }).layer as Layer[])[0];
  assert.equal(byBool.encoding.color.type, "nominal");
  assert.equal(byNum.encoding.color.type, "quantitative");
});

Deno.test("heatmap cells tile the grid edge to edge and contours follow the levels", () => {
  const rows: { u: number; v: number; z: number }[] = [];
  for (const u of [0, 1, 2]) for (const v of [0, 2]) rows.push({ u, v, z: u + v });
  const spec = heatmap(rows, { x: "u", y: "v", z: "z", contours: [1.5] });
  const [cells, lines] = spec.layer as Layer[];
  const first = cells.data.values[0];
  assert.deepEqual([first.x0, first.x1, first.y0, first.y1], [-0.5, 0.5, -1, 1]);
  // z = u + v = 1.5 crosses the cell [0,1]×[0,2] along its diagonal from (1.5, 0) ... (0, 1.5).
  for (const s of lines.data.values as { x: number; y: number; x2: number; y2: number }[]) {
    assert.ok(Math.abs(s.x + s.y - 1.5) < 1e-12 && Math.abs(s.x2 + s.y2 - 1.5) < 1e-12);
  }
  assert.throws(
    () => heatmap(rows, { x: "u", y: "v", z: "z", contours: -1 }),
    /contours must be a non-negative integer/,
  );
});

Deno.test("contourSegments resolves a saddle by the cell mean", () => {
  // z = x·y on [-1, 1]²: the level 0.1 contour avoids the centre (mean 0 < 0.1).
  const segs = contourSegments({ xs: [-1, 1], ys: [-1, 1], z: [[1, -1], [-1, 1]] }, [0.1]);
  assert.equal(segs.length, 2);
  for (const s of segs) {
    assert.ok(Math.sign(s.x) === Math.sign(s.y2) || Math.sign(s.x2) === Math.sign(s.y));
  }
});

Deno.test("histogram normalizes each group to a density when asked", () => {
  const spec = histogram([{ x: 1, g: "a" }], { field: "x", color: "g", density: true, bins: 5 });
  const transforms = JSON.stringify(spec.transform);
  assert.match(transforms, /"maxbins":5/);
  assert.match(transforms, /group_total/);
  assert.throws(
    () => histogram([], { field: "x", bins: 0 }),
    /bins must be a positive integer, current value is 0/,
  );
});

Deno.test("builders name the missing field and the fields that exist", () => {
  assert.throws(
    () => lineChart([{ step: 1, loss: 2 }], { x: "step", y: "sharpness" }),
    new TypeError(
      'Cannot build the line chart: y is "sharpness", a field no record has; the first record has step, loss',
    ),
  );
  // A prototype name is no field of every record (the chart drew nothing).
  assert.throws(
    () => scatter([{ a: 1, s: 2 }], { x: "a", y: "s", tooltip: ["s", "constructor"] }),
    new TypeError(
      'Cannot build the scatter plot: tooltip[1] is "constructor", a field no record has; the first record has a, s',
    ),
  );
  assert.throws(
    () => scatter("rows" as never, { x: "a", y: "b" }),
    /data must be an array of flat records, current value is "rows"/,
  );
  assert.throws(
    () => lineChart([], { x: "t" } as never),
    /options.x must be a field name and options.y/,
  );
});

Deno.test("contour helpers name a grid, levels or field of the wrong kind", () => {
  // They failed with "levels is not iterable" or read properties of undefined.
  assert.throws(
    () => contourSegments({ xs: [0, 1], ys: [0], z: [[1]] }, [1]),
    new TypeError(
      "Cannot draw the contours: grid must be { xs, ys, z } with z[j][i] the value at (xs[i], ys[j]) (e.g. from gridFromRows), current value is an object that is not one",
    ),
  );
  assert.throws(
    () => contourSegments({ xs: [0, 1], ys: [0], z: [[1, 2]] }, -1 as never),
    new TypeError(
      "Cannot draw the contours: levels must be an array of numbers, current value is -1",
    ),
  );
  assert.throws(
    () => gridFromRows([{ a: 1 }], "a", 5 as never, "c"),
    new TypeError("Cannot build the contour grid: y must be a field name, current value is 5"),
  );
});
