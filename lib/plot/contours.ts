import type { Row } from "../_types.ts";
import { checkRows } from "./_build.ts";
import { checkCall } from "../_checks.ts";

/** A rectilinear grid of values z(x, y), as read from flat records. */
export interface Grid {
  /** The distinct x values, increasing. */
  xs: number[];
  /** The distinct y values, increasing. */
  ys: number[];
  /** z[j][i] at (xs[i], ys[j]); NaN where no record was given. */
  z: number[][];
}

/** One straight piece of a contour line. */
export interface ContourSegment {
  /** Start, x. */
  x: number;
  /** Start, y. */
  y: number;
  /** End, x. */
  x2: number;
  /** End, y. */
  y2: number;
  /** The contour level this piece belongs to. */
  level: number;
}

/**
 * Reads flat records `{x, y, z}` into a rectilinear grid.
 *
 * @example
 * ```ts
 * import { gridFromRows } from "minima";
 * import assert from "node:assert/strict";
 *
 * const g = gridFromRows([{ a: 0, b: 0, v: 1 }, { a: 1, b: 0, v: 2 }], "a", "b", "v");
 * assert.deepEqual(g.z, [[1, 2]]);
 * ```
 *
 * @param rows The records.
 * @param x The x field.
 * @param y The y field.
 * @param z The value field.
 * @returns The grid.
 */
export function gridFromRows(rows: Row[], x: string, y: string, z: string): Grid {
  checkCall("gridFromRows", arguments);
  checkRows(rows, {}, "contour grid");
  for (const [name, field] of [["x", x], ["y", y], ["z", z]] as const) {
    if (typeof field !== "string") {
      throw new TypeError(
        `Cannot build the contour grid: ${name} must be a field name, current value is ${
          JSON.stringify(field) ?? String(field)
        }`,
      );
    }
  }
  const xs = [...new Set(rows.map((r) => Number(r[x])))].filter(Number.isFinite).sort((a, b) =>
    a - b
  );
  const ys = [...new Set(rows.map((r) => Number(r[y])))].filter(Number.isFinite).sort((a, b) =>
    a - b
  );
  const ix = new Map(xs.map((v, i) => [v, i]));
  const iy = new Map(ys.map((v, i) => [v, i]));
  const grid = ys.map(() => xs.map(() => NaN));
  for (const r of rows) {
    const i = ix.get(Number(r[x])), j = iy.get(Number(r[y]));
    const v = r[z];
    if (i !== undefined && j !== undefined && typeof v === "number") grid[j][i] = v;
  }
  return { xs, ys, z: grid };
}

/**
 * Contour lines of a grid at the given levels, by marching squares (saddles split by the cell
 * mean). Each cell crossing gives a straight segment with linear interpolation along the edges.
 *
 * @example The level-1 contour of x² + y² is near the unit circle
 * ```ts
 * import { contourSegments } from "minima";
 * import assert from "node:assert/strict";
 *
 * const xs = Array.from({ length: 41 }, (_, i) => -2 + i * 0.1);
 * const z = xs.map((y) => xs.map((x) => x * x + y * y));
 * const segs = contourSegments({ xs, ys: xs, z }, [1]);
 * assert.ok(segs.every((s) => Math.abs(Math.hypot(s.x, s.y) - 1) < 0.01));
 * ```
 *
 * @param grid The grid.
 * @param levels The contour levels.
 * @returns The segments.
 */
export function contourSegments(grid: Grid, levels: number[]): ContourSegment[] {
  checkCall("contourSegments", arguments);
  const what = "Cannot draw the contours";
  const { xs, ys, z } = (grid ?? {}) as Partial<Grid>;
  if (
    !Array.isArray(xs) || !Array.isArray(ys) || !Array.isArray(z) || z.length !== ys.length ||
    z.some((row) => !Array.isArray(row) || row.length !== xs.length)
  ) {
    throw new TypeError(
      `${what}: grid must be { xs, ys, z } with z[j][i] the value at (xs[i], ys[j]) (e.g. from gridFromRows), current value is ${
        grid === null || typeof grid !== "object" ? String(grid) : "an object that is not one"
      }`,
    );
  }
  if (!Array.isArray(levels) || levels.some((l) => typeof l !== "number")) {
    throw new TypeError(
      `${what}: levels must be an array of numbers, current value is ${
        JSON.stringify(levels) ?? String(levels)
      }`,
    );
  }
  const out: ContourSegment[] = [];
  for (const level of levels) {
    for (let j = 0; j + 1 < ys.length; j++) {
      for (let i = 0; i + 1 < xs.length; i++) {
        // Corners counter-clockwise from bottom-left: (i,j) (i+1,j) (i+1,j+1) (i,j+1).
        const v = [z[j][i], z[j][i + 1], z[j + 1][i + 1], z[j + 1][i]];
        if (v.some((a) => !Number.isFinite(a))) continue;
        const px = [xs[i], xs[i + 1], xs[i + 1], xs[i]];
        const py = [ys[j], ys[j], ys[j + 1], ys[j + 1]];
        const crossings: [number, number][] = [];
        for (let e = 0; e < 4; e++) {
          const a = v[e], b = v[(e + 1) % 4];
          if ((a < level) !== (b < level)) {
            const t = (level - a) / (b - a);
            const n = (e + 1) % 4;
            crossings.push([px[e] + t * (px[n] - px[e]), py[e] + t * (py[n] - py[e])]);
          }
        }
        if (crossings.length === 2) {
          out.push(segment(crossings[0], crossings[1], level));
        } else if (crossings.length === 4) {
          // A saddle: the cell mean decides which pairs of crossings connect.
          const centerAbove = (v[0] + v[1] + v[2] + v[3]) / 4 >= level;
          const firstAbove = v[0] >= level;
          if (centerAbove === firstAbove) {
            out.push(
              segment(crossings[0], crossings[1], level),
              segment(crossings[2], crossings[3], level),
            );
          } else {
            out.push(
              segment(crossings[3], crossings[0], level),
              segment(crossings[1], crossings[2], level),
            );
          }
        }
      }
    }
  }
  return out;
}

function segment(a: [number, number], b: [number, number], level: number): ContourSegment {
  return { x: a[0], y: a[1], x2: b[0], y2: b[1], level };
}
