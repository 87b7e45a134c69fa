/**
 * The spaces a player's strategies live in. Domains are plain data (a kind and a dimension), made
 * by {@linkcode torus}, {@linkcode euclidean} or {@linkcode sphere}; the solvers and metrics know
 * how to move, sample and integrate on each kind.
 *
 * The game's entropy is taken relative to the domain's reference measure: Lebesgue measure on the
 * torus and on R^d (where the confining potential U enters the energy as ∫U dp for the minimizing
 * player and −∫U dq for the maximizing one), the surface measure on the sphere.
 *
 * @module
 */
/** The flat torus [0, 2π)^dim: positions are angles, wrapped after every move. */
export interface TorusDomain {
  /** "torus". */
  readonly kind: "torus";
  /** Angles per point. */
  readonly dim: number;
}

/**
 * R^dim with the confining potential U(x) = (confinement/2)·|x|², so that Gibbs measures
 * exp(−β(f + U)) are normalisable for any bounded payoff.
 */
export interface EuclideanDomain {
  /** "euclidean". */
  readonly kind: "euclidean";
  /** Coordinates per point. */
  readonly dim: number;
  /** λ in U(x) = λ|x|²/2; positive. */
  readonly confinement: number;
  /** Half-width of the box [−extent, extent]^dim that grids and histograms cover. */
  readonly extent: number;
}

/** The unit sphere S^(dim−1) in R^dim: positions are unit vectors in ambient coordinates. */
export interface SphereDomain {
  /** "sphere". */
  readonly kind: "sphere";
  /** Ambient coordinates per point (the sphere has dimension dim − 1). */
  readonly dim: number;
}

/**
 * A player's strategy space: torus, Euclidean space with a confining potential, or sphere.
 *
 * @example A domain is plain data
 * ```ts
 * import { type Domain, torus } from "minima";
 * import assert from "node:assert/strict";
 *
 * const d: Domain = torus(2);
 * assert.deepEqual(d, { kind: "torus", dim: 2 });
 * ```
 */
export type Domain = TorusDomain | EuclideanDomain | SphereDomain;
