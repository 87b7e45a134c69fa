import assert from "node:assert/strict";
import { densityRows } from "./density_rows.ts";
import { pointRows } from "./point_rows.ts";
import { domainGrid } from "./domain_grid.ts";
import { sphere } from "./sphere.ts";
import { torus } from "./torus.ts";

Deno.test("densityRows: one row per grid point, axis coordinates first-axis-slow", () => {
  const grid = domainGrid(torus(2), { points: [4, 3] });
  const rows = densityRows(grid, Float64Array.from({ length: 12 }, (_, g) => g), { player: "x" });
  assert.equal(rows.length, 12);
  assert.deepEqual(rows[7], { x1: Math.PI / 2 * 2, x2: 2 * Math.PI / 3, density: 7, player: "x" });
  const s2 = densityRows(domainGrid(sphere(3), { points: [3, 4] }), new Float64Array(12));
  assert.deepEqual(s2[0], { x1: Math.PI / 6, x2: 0, density: 0 });
  assert.throws(() => densityRows(grid, [1, 2]), {
    name: "TypeError",
    message:
      "Cannot make density rows: density must have one value per grid point (12), current value is [1,2]",
  });
});

Deno.test("pointRows: coordinates numbered from 1, extra fields last", () => {
  assert.deepEqual(pointRows(Float64Array.of(5, 6, 7), 3, { t: 1 }), [{
    x1: 5,
    x2: 6,
    x3: 7,
    t: 1,
  }]);
  assert.throws(
    () => pointRows(Float64Array.of(1, 2, 3), 2),
    /points must hold a positive whole number of points of 2 coordinates/,
  );
  assert.throws(
    () => pointRows(Float64Array.of(1), 0),
    /dim must be a positive integer, current value is 0/,
  );
});
