// The steps at which a discrete simulation records, shared by simulateOptimizer and
// sgdQuadraticMoments.

/** What the caller asked for. */
export interface SaveStepOptions {
  steps?: number;
  saveEvery?: number;
  saveAt?: ArrayLike<number>;
}

/**
 * The step count (default: the last of `saveAt`, else 100) and the recorded steps: `saveAt`
 * when given (strictly increasing integers in [0, steps]), else every `saveEvery` steps (default:
 * only the start and the end) plus the end.
 */
export function saveSteps(options: SaveStepOptions, what: string): {
  steps: number;
  saves: number[];
} {
  const saveAt = options.saveAt === undefined ? undefined : Array.from(options.saveAt);
  const steps = options.steps ?? saveAt?.at(-1) ?? 100;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(
      `Cannot ${what}: steps must be a non-negative integer, current value is ${steps}`,
    );
  }
  if (saveAt !== undefined) {
    const ok = saveAt.length > 0 &&
      saveAt.every((k, i) =>
        Number.isInteger(k) && k >= 0 && k <= steps && (i === 0 || k > saveAt[i - 1])
      );
    if (!ok) {
      throw new RangeError(
        `Cannot ${what}: saveAt must be strictly increasing integers in [0, steps = ${steps}], current value is [${saveAt}]`,
      );
    }
    return { steps, saves: saveAt };
  }
  const every = options.saveEvery ?? Math.max(steps, 1);
  if (!Number.isInteger(every) || every < 1) {
    throw new RangeError(
      `Cannot ${what}: saveEvery must be a positive integer, current value is ${every}`,
    );
  }
  const saves: number[] = [];
  for (let k = 0; k <= steps; k += every) saves.push(k);
  if (saves.at(-1) !== steps) saves.push(steps);
  return { steps, saves };
}
