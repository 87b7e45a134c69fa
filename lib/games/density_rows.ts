import type { Row } from "../_types.ts";
import type { DomainGrid } from "./domain_grid.ts";
import { checkDomainGrid, show } from "./_checks.ts";
import { checkCall } from "../_checks.ts";

/**
 * A density on a grid as flat rows for a Vega-Lite chart: {x, density} on 1-D grids,
 * {x1, x2, density} on 2-D grids (grid-axis coordinates: angles on the torus and the sphere),
 * each with the fields of `extra` (e.g. {source: "equilibrium", player: "x"}), so equilibrium
 * densities, particle histograms and kernel estimates share one chart.
 *
 * @example
 * ```ts
 * import { densityRows, domainGrid, torus } from "minima";
 * import assert from "node:assert/strict";
 *
 * const grid = domainGrid(torus(1), { points: 4 });
 * const rows = densityRows(grid, new Float64Array(4).fill(1 / (2 * Math.PI)), { source: "uniform" });
 * assert.deepEqual(rows[1], { x: Math.PI / 2, density: 1 / (2 * Math.PI), source: "uniform" });
 * ```
 *
 * @param grid The grid.
 * @param density One value per grid point.
 * @param extra Fields added to every row.
 * @returns One row per grid point.
 */
export function densityRows(grid: DomainGrid, density: ArrayLike<number>, extra: Row = {}): Row[] {
  checkCall("densityRows", arguments);
  checkDomainGrid(grid, "grid", "Cannot make density rows");
  if (density === null || typeof density !== "object" || density.length !== grid.size) {
    throw new TypeError(
      `Cannot make density rows: density must have one value per grid point (${grid.size}), current value is ${
        show(density)
      }`,
    );
  }
  const rows: Row[] = [];
  for (let g = 0; g < grid.size; g++) {
    if (grid.axes.length === 1) {
      rows.push({ x: grid.axes[0].values[g], density: density[g], ...extra });
    } else {
      const g1 = grid.shape[1];
      rows.push({
        x1: grid.axes[0].values[Math.floor(g / g1)],
        x2: grid.axes[1].values[g % g1],
        density: density[g],
        ...extra,
      });
    }
  }
  return rows;
}
