import type { TorusDomain } from "./domain.ts";
import { checkPositiveInteger } from "./_checks.ts";
import { checkCall } from "../_checks.ts";

/**
 * The flat torus [0, 2π)^dim, the domain of periodic games such as K(x, y) = cos(x − y).
 * Particles are wrapped back into [0, 2π) after every move; the entropy is relative to Lebesgue
 * measure, so the uniform density is 1/(2π)^dim.
 *
 * @example
 * ```ts
 * import { torus } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(torus(1), { kind: "torus", dim: 1 });
 * ```
 *
 * @param dim Angles per point, a positive integer.
 * @returns The domain.
 */
export function torus(dim: number = 1): TorusDomain {
  checkCall("torus", arguments);
  checkPositiveInteger(dim, "dim", "Cannot make a torus");
  return { kind: "torus", dim };
}
