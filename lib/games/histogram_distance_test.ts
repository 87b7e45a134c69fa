import assert from "node:assert/strict";
import { assertClose } from "../_test_util.ts";
import { domainGrid } from "./domain_grid.ts";
import { histogramDistance } from "./histogram_distance.ts";
import { sampleDensity } from "./sample_density.ts";
import { euclidean } from "./euclidean.ts";
import { torus } from "./torus.ts";

Deno.test("histogramDistance: exact total variation on merged bins", () => {
  const grid = domainGrid(torus(1), { points: 8 });
  const uniform = new Float64Array(8).fill(1 / (2 * Math.PI));
  // Cells are centered at kπ/4; with 2 bins, cells 0–3 form the first bin.
  const x = Float64Array.of(0.1, 0.2, 0.3, 4.0);
  const fine = histogramDistance(grid, x, uniform);
  // Cell masses: cell 0 has 3/4, cell 5 (4.0 rad) has 1/4; the others 0; each cell should have 1/8.
  assertClose(fine.totalVariation, 0.5 * (0.75 - 0.125 + 0.25 - 0.125 + 6 * 0.125), {
    rtol: 1e-14,
  });
  const coarse = histogramDistance(grid, x, uniform, { bins: 2 });
  assertClose(coarse.totalVariation, 0.25, { rtol: 1e-14 });
  assertClose(coarse.l1, 0.5, { rtol: 1e-14 });
  assertClose(coarse.histogram[0], 0.75 / Math.PI, { rtol: 1e-14 });
  assert.deepEqual(coarse.bins, [2]);
});

Deno.test("histogramDistance: the floor predicts the total variation of exact samples", () => {
  const grid = domainGrid(torus(1), { points: 64 });
  const p = grid.points.map((x) => Math.exp(Math.cos(x)));
  const m = p.reduce((s, v, g) => s + v * grid.weights[g], 0);
  const density = p.map((v) => v / m);
  let tv = 0, floor = 0;
  const runs = 40;
  for (let s = 0; s < runs; s++) {
    const d = histogramDistance(grid, sampleDensity(grid, density, 1000, { seed: s }), density, {
      bins: 16,
    });
    tv += d.totalVariation / runs;
    floor = d.floor;
  }
  // The mean over 40 runs has a relative standard error of about 3%.
  assertClose(tv, floor, { rtol: 0.12 }, "mean TV of exact samples");
});

Deno.test("histogramDistance: mass outside the box counts fully", () => {
  const grid = domainGrid(euclidean(1, { extent: 1 }), { points: 4 });
  const density = new Float64Array(4).fill(0.5);
  const d = histogramDistance(grid, Float64Array.of(-0.75, -0.25, 0.25, 3), density);
  assert.equal(d.outside, 0.25);
  assertClose(d.totalVariation, 0.5 * (0 + 0 + 0 + 0.25 + 0.25), { rtol: 1e-14 });
});

Deno.test("histogramDistance rejects bins that do not divide the grid", () => {
  const grid = domainGrid(torus(2), { points: 12 });
  const u = new Float64Array(144).fill(1 / (4 * Math.PI * Math.PI));
  assert.throws(() => histogramDistance(grid, Float64Array.of(1, 1), u, { bins: 5 }), {
    name: "RangeError",
    message:
      "Cannot compare the histogram: options.bins must divide the grid's 12 points per axis, current value is 5; use a divisor of 12",
  });
  assert.throws(
    () => histogramDistance(grid, Float64Array.of(1, 1), u, { bins: [3] }),
    /one number or 2/,
  );
  assert.throws(() => histogramDistance(grid, Float64Array.of(1, 1), new Float64Array(3)), {
    name: "TypeError",
    message:
      "Cannot compare the histogram: density must be a Float64Array with one value per grid point (144), current value is a Float64Array of length 3",
  });
});
