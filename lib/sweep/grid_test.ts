import assert from "node:assert/strict";
import { expandGrid, parseGridAxis, parseSeeds } from "./grid.ts";

Deno.test("parseGridAxis reads lists, ranges and JSON arrays", () => {
  assert.deepEqual(parseGridAxis("lr=0.01, 0.02,0.05"), {
    name: "lr",
    values: ["0.01", "0.02", "0.05"],
  });
  assert.deepEqual(parseGridAxis("B=2..4").values, ["2", "3", "4"]);
  assert.deepEqual(parseGridAxis("w=[[8,16],[32]]").values, [[8, 16], [32]]);
  assert.throws(() => parseGridAxis("lr="), {
    name: "TypeError",
    message: 'Cannot read the grid axis "lr=": the axis lr has no values',
  });
  assert.throws(() => parseGridAxis("lr=1,,2"), /has an empty value/);
  assert.throws(() => parseGridAxis("w=[]"), /the axis w has no values/);
  assert.throws(() => parseGridAxis("0.1,0.2"), /write it as name=v1,v2/);
  assert.throws(() => parseGridAxis("B=4..2"), /it is empty/);
});

Deno.test("parseSeeds reads ranges and lists of non-negative integers", () => {
  assert.deepEqual(parseSeeds("0..4"), [0, 1, 2, 3, 4]);
  assert.deepEqual(parseSeeds("7"), [7]);
  assert.deepEqual(parseSeeds("3, 1"), [3, 1]);
  for (const bad of ["", "a", "1.5", "-1", "1,,2"]) {
    assert.throws(() => parseSeeds(bad), /Cannot read the seeds/, bad);
  }
});

Deno.test("expandGrid is the product of the axes, the first varying slowest", () => {
  const points = expandGrid(
    [{ name: "lr", values: [1, 2] }, { name: "B", values: [8, 32, 64] }],
    { profile: "fast" },
  );
  assert.equal(points.length, 6);
  assert.deepEqual(points.map((p) => `${p.lr}/${p.B}`), [
    "1/8",
    "1/32",
    "1/64",
    "2/8",
    "2/32",
    "2/64",
  ]);
  assert.ok(points.every((p) => p.profile === "fast"));
  assert.deepEqual(expandGrid([]), [{}]);
  assert.throws(() => expandGrid([{ name: "lr", values: [] }]), {
    name: "RangeError",
    message: "Cannot expand the grid: the axis lr has no values",
  });
  assert.throws(
    () => expandGrid([{ name: "lr", values: [1] }], { lr: 2 }),
    /the parameter lr is given twice/,
  );
});
