/**
 * A mean-field two-player zero-sum game with entropy, the object every solver and metric in this
 * area takes. Build one with {@linkcode mathjsGame} (a formula, compiled once to typed-array
 * loops) or {@linkcode tensorGame} (tensor functions), or implement the interface directly.
 *
 * The energy, minimised over the x player's measure p and maximised over the y player's q, is
 *
 *   E(p, q) = ∫∫K(x, y) p(dx) q(dy) + ∫U_X dp − ∫U_Y dq + T∫p log p − T∫q log q,
 *
 * with T = 1/β the temperature, U the domains' confining potentials (zero on the torus and the
 * sphere) and the entropies relative to each domain's reference measure.
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying, Provably convergent quasistatic
 * dynamics for mean-field two-player zero-sum games (ICLR 2022).
 *
 * @module
 */
import type { Domain } from "./domain.ts";

/**
 * A mean-field zero-sum game on typed arrays. Points are stored row-major in Float64Arrays, `dim`
 * coordinates per point (ambient coordinates on the sphere). Methods may be asynchronous (tensor
 * games download their results); callers always await them and never pass arrays they later
 * modify.
 *
 * @example The interface, implemented by hand for K(x, y) = x·y on R
 * ```ts
 * import { euclidean, type Game } from "minima";
 * import assert from "node:assert/strict";
 *
 * const game: Game = {
 *   x: euclidean(1), y: euclidean(1), temperature: 0.5, description: "K = x·y",
 *   payoff: (x, y) => Float64Array.from(Array.from(x).flatMap((a) => Array.from(y, (b) => a * b))),
 *   fieldX: (x, y) => x.map(() => y.reduce((s, b) => s + b, 0) / y.length),
 *   fieldY: (x, y) => y.map(() => x.reduce((s, a) => s + a, 0) / x.length),
 * };
 * assert.deepEqual(Array.from(await game.fieldX(Float64Array.of(1), Float64Array.of(2, 4))), [3]);
 * ```
 */
export interface Game {
  /** The minimizing player's domain. */
  readonly x: Domain;
  /** The maximizing player's domain. */
  readonly y: Domain;
  /** T = 1/β, the weight of both entropies; positive. */
  readonly temperature: number;
  /** A one-line description for labels, e.g. the formula. */
  readonly description: string;
  /**
   * The payoff matrix K(x_i, y_j), row-major [n, m] (without the domains' potentials).
   * @param x n points of x.dim coordinates.
   * @param y m points of y.dim coordinates.
   */
  payoff(x: Float64Array, y: Float64Array): Float64Array | Promise<Float64Array>;
  /**
   * The mean-field force on the x particles, F_i = (1/m) Σ_j ∇_x K(x_i, y_j), as [n, x.dim].
   * @param x n points.
   * @param y m points.
   */
  fieldX(x: Float64Array, y: Float64Array): Float64Array | Promise<Float64Array>;
  /**
   * The mean-field force on the y particles, G_j = (1/n) Σ_i ∇_y K(x_i, y_j), as [m, y.dim].
   * @param x n points.
   * @param y m points.
   */
  fieldY(x: Float64Array, y: Float64Array): Float64Array | Promise<Float64Array>;
}
