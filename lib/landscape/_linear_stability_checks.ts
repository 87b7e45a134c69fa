/**
 * Input checks shared by the linear-stability functions, on top of minima's generic checks
 * (`lib/_checks.ts`). Private to `lib/landscape/`.
 *
 * @module
 */
import type { MinimumCurvature, SgdSetting } from "./linear_stability.ts";
import { checkInteger, checkPositive, mustBe } from "../_checks.ts";

const TEXT = { shown: "text" } as const;

/** Validates an SGD setting and returns γ = (n − B)/(B(n − 1)). */
export function checkSgd(sgd: SgdSetting, action: string): number {
  if (sgd === null || typeof sgd !== "object") {
    mustBe(sgd, "sgd", action, "an object { lr, batchSize, n }", { error: "TypeError", ...TEXT });
  }
  const { lr, batchSize, n } = sgd;
  checkPositive(lr, "lr", action, undefined, TEXT);
  if (!Number.isInteger(n) || n < 2) {
    mustBe(n, "n", action, "an integer ≥ 2 (the batch variance needs two samples)", TEXT);
  }
  checkInteger(batchSize, "batchSize", action, 1, Infinity, TEXT);
  if (batchSize > n) {
    mustBe(
      batchSize,
      "batchSize",
      action,
      `at most n = ${n} (batches are drawn without replacement)`,
      TEXT,
    );
  }
  return (n - batchSize) / (batchSize * (n - 1));
}

export function checkMinimum(minimum: MinimumCurvature, action: string): void {
  if (minimum === null || typeof minimum !== "object") {
    mustBe(minimum, "minimum", action, "an object { a, s }", { error: "TypeError", ...TEXT });
  }
  if (typeof minimum.a !== "number" || !Number.isFinite(minimum.a)) {
    mustBe(minimum.a, "a", action, "a finite number", TEXT);
  }
  if (typeof minimum.s !== "number" || !Number.isFinite(minimum.s) || minimum.s < 0) {
    mustBe(minimum.s, "s", action, "a finite number ≥ 0 (a standard deviation)", TEXT);
  }
}

export function checkRange(range: [number, number], name: string, action: string): void {
  if (
    !Array.isArray(range) || range.length !== 2 || !Number.isFinite(range[0]) ||
    !Number.isFinite(range[1]) || !(range[0] < range[1])
  ) {
    mustBe(range, name, action, "two finite numbers [lower, upper] with lower < upper", {
      shown: (v) => JSON.stringify(v),
    });
  }
}

export function checkPoints(points: number, name: string, action: string): void {
  checkInteger(points, name, action, 2, Infinity, TEXT);
}
