import type { SphereDomain } from "./domain.ts";
import { checkPositiveInteger } from "./_checks.ts";
import { checkCall } from "../_checks.ts";

/**
 * The unit sphere S^(dim−1) ⊂ R^dim. Points are unit vectors in ambient coordinates; payoff
 * gradients are taken in R^dim and projected onto the tangent space, and every move is followed
 * by renormalisation. The entropy is relative to the surface measure (area 2π for the circle,
 * 4π for S²).
 *
 * @example
 * ```ts
 * import { sphere } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(sphere(3), { kind: "sphere", dim: 3 });
 * ```
 *
 * @param dim Ambient coordinates per point, an integer ≥ 2 (2: the circle, 3: S²).
 * @returns The domain.
 */
export function sphere(dim: number = 3): SphereDomain {
  checkCall("sphere", arguments);
  checkPositiveInteger(dim, "dim", "Cannot make a sphere");
  if (dim < 2) {
    throw new RangeError(
      `Cannot make a sphere: dim (the ambient dimension) must be at least 2, current value is ${dim}; use sphere(2) for the circle`,
    );
  }
  return { kind: "sphere", dim };
}
