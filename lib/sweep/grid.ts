import { checkCall } from "../_checks.ts";
/** One axis of a sweep: a parameter and the values it takes. */
export interface SweepAxis {
  /** The parameter's name. */
  name: string;
  /** Its values, in order (text from a command line, or typed values). */
  values: unknown[];
}

/**
 * Reads a grid axis written as on a command line: `lr=0.01,0.02,0.05`, `seed=0..4` (an integer
 * range, both ends included), or `widths=[[8,16],[32]]` (a JSON array of the values, for values
 * that contain commas). Values stay text, to be typed by the notebook's declarations.
 *
 * @example
 * ```ts
 * import { parseGridAxis } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseGridAxis("lr=0.01,0.02"), { name: "lr", values: ["0.01", "0.02"] });
 * assert.deepEqual(parseGridAxis("seed=0..3").values, ["0", "1", "2", "3"]);
 * assert.throws(() => parseGridAxis("lr="), /the axis lr has no values/);
 * ```
 *
 * @param text The axis.
 * @returns The axis.
 */
export function parseGridAxis(text: string): SweepAxis {
  checkCall("parseGridAxis", arguments);
  const m = /^\s*([A-Za-z_$][\w$]*)\s*=(.*)$/s.exec(String(text));
  if (!m) {
    throw new TypeError(
      `Cannot read the grid axis ${
        JSON.stringify(text)
      }: write it as name=v1,v2,... (e.g. lr=0.01,0.02) or name=a..b for integers`,
    );
  }
  const [, name, rest] = m;
  const body = rest.trim();
  if (body === "") {
    throw new TypeError(
      `Cannot read the grid axis ${JSON.stringify(text)}: the axis ${name} has no values`,
    );
  }
  if (body.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new TypeError(
        `Cannot read the grid axis ${name}: ${JSON.stringify(body)} is not a JSON array`,
      );
    }
    if (!Array.isArray(parsed) || parsed.length === 0) {
      throw new TypeError(`Cannot read the grid axis ${name}: the axis ${name} has no values`);
    }
    return { name, values: parsed };
  }
  const range = parseRange(body);
  if (range) return { name, values: range.map(String) };
  const values = body.split(",").map((v) => v.trim());
  if (values.some((v) => v === "")) {
    throw new TypeError(
      `Cannot read the grid axis ${name}: ${JSON.stringify(body)} has an empty value`,
    );
  }
  return { name, values };
}

/**
 * Reads a seed list: `0..4` (both ends included), `3`, or `0,2,7`.
 *
 * @example
 * ```ts
 * import { parseSeeds } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseSeeds("0..4"), [0, 1, 2, 3, 4]);
 * assert.deepEqual(parseSeeds("1,5"), [1, 5]);
 * ```
 *
 * @param text The seeds.
 * @returns The seeds, integers.
 */
export function parseSeeds(text: string): number[] {
  checkCall("parseSeeds", arguments);
  const body = String(text).trim();
  const seeds = parseRange(body) ??
    body.split(",").map((s) => s.trim()).map((s) => s === "" ? NaN : Number(s));
  if (
    body === "" || seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s) || s < 0)
  ) {
    throw new TypeError(
      `Cannot read the seeds ${
        JSON.stringify(text)
      }: give a range a..b, or integers ≥ 0 separated by commas`,
    );
  }
  return seeds;
}

function parseRange(body: string): number[] | undefined {
  const m = /^(-?\d+)\s*\.\.\s*(-?\d+)$/.exec(body);
  if (!m) return undefined;
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (b < a) {
    throw new TypeError(`Cannot read the range ${body}: it is empty (the end is below the start)`);
  }
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/**
 * Every combination of the axes, the first axis varying slowest (as nested loops in the axes'
 * order), each merged over `fixed`. An axis with no values, or a parameter given twice, is an
 * error.
 *
 * @example
 * ```ts
 * import { expandGrid } from "minima";
 * import assert from "node:assert/strict";
 *
 * const points = expandGrid([{ name: "lr", values: [0.1, 0.2] }, { name: "seed", values: [0, 1] }]);
 * assert.deepEqual(points[1], { lr: 0.1, seed: 1 });
 * assert.equal(points.length, 4);
 * ```
 *
 * @param axes The axes.
 * @param fixed Parameters every point shares.
 * @returns The parameter sets.
 */
export function expandGrid(
  axes: readonly SweepAxis[],
  fixed: Record<string, unknown> = {},
): Record<string, unknown>[] {
  checkCall("expandGrid", arguments);
  if (!Array.isArray(axes as unknown)) {
    throw new TypeError(
      `Cannot expand the grid: axes must be an array of { name, values }, current value is ${
        typeof axes === "string" ? JSON.stringify(axes) : String(axes)
      }`,
    );
  }
  if (fixed === null || typeof fixed !== "object" || Array.isArray(fixed)) {
    throw new TypeError(
      `Cannot expand the grid: fixed must be an object of parameters, current value is ${
        Array.isArray(fixed) ? "an array" : String(fixed)
      }`,
    );
  }
  const names = new Set(Object.keys(fixed));
  for (const axis of axes) {
    if (!Array.isArray(axis?.values) || axis.values.length === 0) {
      throw new RangeError(`Cannot expand the grid: the axis ${axis?.name} has no values`);
    }
    if (names.has(axis.name)) {
      throw new TypeError(`Cannot expand the grid: the parameter ${axis.name} is given twice`);
    }
    names.add(axis.name);
  }
  let points: Record<string, unknown>[] = [{ ...fixed }];
  for (const axis of axes) {
    points = points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.name]: v })));
  }
  return points;
}
