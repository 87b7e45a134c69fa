/**
 * Grid checks shared by the slices. Private to landscape/.
 *
 * @module
 */

/** Checks a grid size and range. */
export function checkGrid(points: number, range: [number, number] | undefined, what: string) {
  if (!Number.isInteger(points) || points < 1) {
    throw new RangeError(
      `Cannot ${what}: points must be a positive integer, current value is ${points}`,
    );
  }
  if (
    range !== undefined &&
    (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) ||
      !(range[0] < range[1]))
  ) {
    throw new RangeError(
      `Cannot ${what}: range must be [lower, upper] with lower < upper, current value is ${
        JSON.stringify(range)
      }`,
    );
  }
}
