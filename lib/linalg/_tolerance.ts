/**
 * The products' own error as the eigensolvers account for it: the operator's stated relative
 * error, the tolerance floor it implies, and the warning when a tolerance is raised to it.
 * Private to `lib/linalg/`.
 *
 * @module
 */
import type { LinearOperator } from "./linear_operator.ts";
import { short } from "./_checks.ts";

/** A tolerance below this multiple of the product error cannot be met. */
export const TOLERANCE_FLOOR_FACTOR = 4;

/** The operator's stated relative product error, checked. */
export function productRelativeError(op: LinearOperator, action: string): number {
  const eps = op.relativeError ?? 0;
  if (typeof eps !== "number" || !(eps >= 0) || !Number.isFinite(eps)) {
    throw new RangeError(
      `${action}: op.relativeError must be a finite number ≥ 0, current value is ${eps}`,
    );
  }
  return eps;
}

/** The warning for a tolerance raised to what the products can deliver. */
export function toleranceWarning(requested: number, eps: number, floorTol: number): string {
  return `tol ${short(requested)} is below what these products can deliver: each carries a ` +
    `relative error of about ${short(eps)} (op.relativeError), so a residual cannot be trusted ` +
    `below that times ‖A‖; using tol ${short(floorTol)} instead`;
}
