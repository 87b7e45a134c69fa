import type { Row } from "../_types.ts";
import { checkPositions, checkPositiveInteger } from "./_checks.ts";
import { checkCall } from "../_checks.ts";

/**
 * Points as flat rows for a Vega-Lite scatter plot: {x1, x2, ...} (coordinates numbered from 1),
 * each with the fields of `extra` (e.g. {iteration: 300, solver: "quasistatic"}); for particles,
 * generator samples or data.
 *
 * @example
 * ```ts
 * import { pointRows } from "minima";
 * import assert from "node:assert/strict";
 *
 * const rows = pointRows(Float64Array.of(1, 2, 3, 4), 2, { kind: "data" });
 * assert.deepEqual(rows, [{ x1: 1, x2: 2, kind: "data" }, { x1: 3, x2: 4, kind: "data" }]);
 * ```
 *
 * @param points Row-major [n, dim].
 * @param dim Coordinates per point.
 * @param extra Fields added to every row.
 * @returns One row per point.
 */
export function pointRows(points: Float64Array, dim: number, extra: Row = {}): Row[] {
  checkCall("pointRows", arguments);
  checkPositiveInteger(dim, "dim", "Cannot make point rows");
  checkPositions(points, dim, "points", "Cannot make point rows");
  const rows: Row[] = [];
  for (let i = 0; i < points.length / dim; i++) {
    const row: Row = {};
    for (let k = 0; k < dim; k++) row[`x${k + 1}`] = points[i * dim + k];
    rows.push(Object.assign(row, extra));
  }
  return rows;
}
