/**
 * Input checks shared by the linear-stability functions. Private to `lib/landscape/`.
 *
 * @module
 */
import type { MinimumCurvature, SgdSetting } from "./linear_stability.ts";

/** Validates an SGD setting and returns γ = (n − B)/(B(n − 1)). */
export function checkSgd(sgd: SgdSetting, action: string): number {
  if (sgd === null || typeof sgd !== "object") {
    throw new TypeError(
      `${action}: sgd must be an object { lr, batchSize, n }, current value is ${sgd}`,
    );
  }
  const { lr, batchSize, n } = sgd;
  if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) {
    throw new RangeError(
      `${action}: lr must be a positive finite number, current value is ${lr}`,
    );
  }
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(
      `${action}: n must be an integer ≥ 2 (the batch variance needs two samples), current value is ${n}`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `${action}: batchSize must be a positive integer, current value is ${batchSize}`,
    );
  }
  if (batchSize > n) {
    throw new RangeError(
      `${action}: batchSize must be at most n = ${n} (batches are drawn without replacement), current value is ${batchSize}`,
    );
  }
  return (n - batchSize) / (batchSize * (n - 1));
}

export function checkMinimum(minimum: MinimumCurvature, action: string): void {
  if (minimum === null || typeof minimum !== "object") {
    throw new TypeError(
      `${action}: minimum must be an object { a, s }, current value is ${minimum}`,
    );
  }
  if (typeof minimum.a !== "number" || !Number.isFinite(minimum.a)) {
    throw new RangeError(`${action}: a must be a finite number, current value is ${minimum.a}`);
  }
  if (typeof minimum.s !== "number" || !Number.isFinite(minimum.s) || minimum.s < 0) {
    throw new RangeError(
      `${action}: s must be a finite number ≥ 0 (a standard deviation), current value is ${minimum.s}`,
    );
  }
}

export function checkRange(range: [number, number], name: string, action: string): void {
  if (
    !Array.isArray(range) || range.length !== 2 || !Number.isFinite(range[0]) ||
    !Number.isFinite(range[1]) || !(range[0] < range[1])
  ) {
    throw new RangeError(
      `${action}: ${name} must be two finite numbers [lower, upper] with lower < upper, current value is ${
        JSON.stringify(range)
      }`,
    );
  }
}

export function checkPoints(points: number, name: string, action: string): void {
  if (!Number.isInteger(points) || points < 2) {
    throw new RangeError(`${action}: ${name} must be an integer ≥ 2, current value is ${points}`);
  }
}
