import type { EuclideanDomain } from "./domain.ts";
import { checkPositive, checkPositiveInteger } from "./_checks.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode euclidean}. */
export interface EuclideanOptions {
  /**
   * λ in the confining potential U(x) = λ|x|²/2 (positive).
   * @default {1}
   */
  confinement?: number;
  /**
   * Half-width of the box [−extent, extent]^dim covered by grids and histograms.
   * @default {4 / √confinement}
   */
  extent?: number;
}

/**
 * R^dim with the confining potential U(x) = λ|x|²/2. The potential enters the energy as ∫U dp for
 * the minimizing player and −∫U dq for the maximizing one (equivalently: the entropies are
 * relative to exp(−βU)), so both players' Langevin drifts include −λx and every Gibbs best
 * response is normalisable.
 *
 * @example
 * ```ts
 * import { euclidean } from "minima";
 * import assert from "node:assert/strict";
 *
 * const d = euclidean(2, { confinement: 4 });
 * assert.equal(d.extent, 2);
 * ```
 *
 * @param dim Coordinates per point, a positive integer.
 * @param options The confinement and the grid box.
 * @returns The domain.
 */
export function euclidean(dim: number = 1, options: EuclideanOptions = {}): EuclideanDomain {
  checkCall("euclidean", arguments);
  const context = "Cannot make a Euclidean domain";
  checkPositiveInteger(dim, "dim", context);
  const confinement = options.confinement ?? 1;
  checkPositive(confinement, "options.confinement", context);
  const extent = options.extent ?? 4 / Math.sqrt(confinement);
  checkPositive(extent, "options.extent", context);
  return { kind: "euclidean", dim, confinement, extent };
}
