/**
 * Argument checks shared by the games area: its domains and particle positions, on top of
 * minima's generic checks (`lib/_checks.ts`, re-exported here). Messages follow the house form:
 * what failed, the argument, its value and the fix.
 *
 * @module
 */
import type { Domain } from "./domain.ts";
import type { DomainGrid } from "./domain_grid.ts";
import type { GameGrid } from "./game_grid.ts";
import { show } from "../_checks.ts";

// The generic checks are minima's own (one signature: value, name, context, ...).
export {
  checkInRange,
  checkNonNegativeInteger,
  checkPositive,
  checkPositiveInteger,
  show,
} from "../_checks.ts";

/** Throws unless domain is one made by torus(), euclidean() or sphere(). */
export function checkDomain(domain: unknown, name: string, context: string): Domain {
  const d = domain as Partial<Domain> | undefined;
  const ok = d !== null && typeof d === "object" && Number.isInteger(d.dim) && d.dim! >= 1 &&
    (d.kind === "torus" ||
      (d.kind === "sphere" && d.dim! >= 2) ||
      (d.kind === "euclidean" && (d as { confinement: number }).confinement > 0 &&
        Number.isFinite((d as { confinement: number }).confinement) &&
        (d as { extent: number }).extent > 0 && Number.isFinite((d as { extent: number }).extent)));
  if (!ok) {
    throw new TypeError(
      `${context}: ${name} must be a domain made by torus(dim), euclidean(dim) or sphere(dim), current value is ${
        show(domain)
      }`,
    );
  }
  return d as Domain;
}

/** Throws unless positions is a Float64Array holding whole points of `dim` finite coordinates. */
export function checkPositions(
  positions: unknown,
  dim: number,
  name: string,
  context: string,
): Float64Array {
  if (!(positions instanceof Float64Array)) {
    throw new TypeError(
      `${context}: ${name} must be a Float64Array of points (row-major, ${dim} per point), current value is ${
        show(positions)
      }`,
    );
  }
  if (positions.length === 0 || positions.length % dim !== 0) {
    throw new RangeError(
      `${context}: ${name} must hold a positive whole number of points of ${dim} coordinates, current length is ${positions.length}`,
    );
  }
  for (let i = 0; i < positions.length; i++) {
    if (!Number.isFinite(positions[i])) {
      throw new RangeError(
        `${context}: ${name} must be finite, entry ${i} is ${positions[i]}`,
      );
    }
  }
  return positions;
}

/**
 * Throws unless grid is a grid from domainGrid (its domain, points, weights and size agree), so a
 * function given something else names it instead of reading `.domain.dim` of undefined.
 */
export function checkDomainGrid(grid: unknown, name: string, context: string): void {
  const g = grid as Partial<DomainGrid> | null | undefined;
  const ok = g !== null && typeof g === "object" && Number.isInteger(g.size) && g.size! > 0 &&
    g.weights instanceof Float64Array && g.weights.length === g.size &&
    g.points instanceof Float64Array && Array.isArray(g.axes) && g.axes.length >= 1 &&
    g.axes.every((a) =>
      a !== null && typeof a === "object" && a.values instanceof Float64Array &&
      Number.isFinite(a.spacing)
    );
  if (!ok) {
    throw new TypeError(
      `${context}: ${name} must be a grid from domainGrid(domain, options), current value is ${
        show(grid)
      }`,
    );
  }
  checkDomain(g.domain, `${name}.domain`, context);
  if (g.points!.length !== g.size! * g.domain!.dim) {
    throw new TypeError(
      `${context}: ${name}.points must hold ${name}.size = ${g.size} points of dimension ${
        g.domain!.dim
      }, current length is ${g.points!.length}`,
    );
  }
}

/** Throws unless grid is a grid from gameGrid (x and y grids, their payoff and temperature). */
export function checkGameGrid(grid: unknown, name: string, context: string): void {
  const g = grid as Partial<GameGrid> | null | undefined;
  if (g === null || typeof g !== "object" || !(g.payoff instanceof Float64Array)) {
    throw new TypeError(
      `${context}: ${name} must be a grid from gameGrid(game, options), current value is ${
        show(grid)
      }`,
    );
  }
  checkDomainGrid(g.x, `${name}.x`, context);
  checkDomainGrid(g.y, `${name}.y`, context);
  if (g.payoff.length !== g.x!.size * g.y!.size) {
    throw new TypeError(
      `${context}: ${name}.payoff must hold ${g.x!.size} × ${
        g.y!.size
      } values, current length is ${g.payoff.length}`,
    );
  }
}
