/**
 * Mean-field two-player zero-sum games with entropy: domains, games from formulas or tensor
 * functions, particle measures, Langevin descent–ascent and quasistatic Langevin solvers, the
 * exact grid equilibrium, the Nikaidô–Isoda error (exact by quadrature in 1-D and 2-D, estimated
 * with an error bar beyond), and mixed GANs. Formula games compile to float64 loops; mathjs,
 * which parses them, loads with the first one.
 *
 * ```ts
 * import { mathjsGame } from "minima/games";
 * import assert from "node:assert/strict";
 *
 * const game = mathjsGame("cos(x - y)");
 * assert.deepEqual(game.gradX, ["-sin(x1 - y1)"]);
 * ```
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying (ICLR 2022).
 *
 * @module
 */
export * from "./domain.ts";
export * from "./torus.ts";
export * from "./euclidean.ts";
export * from "./sphere.ts";
export * from "./game.ts";
export * from "./mathjs_game.ts";
export * from "./tensor_game.ts";
export * from "./particle_measure.ts";
export * from "./domain_grid.ts";
export * from "./game_grid.ts";
export * from "./kernel_density.ts";
export * from "./nikaido_isoda.ts";
export * from "./grid_solver.ts";
export * from "./particle_solver.ts";
export * from "./quasistatic_langevin.ts";
export * from "./langevin_descent_ascent.ts";
export * from "./particle_nikaido_isoda.ts";
export * from "./histogram_distance.ts";
export * from "./sample_density.ts";
export * from "./nikaido_isoda_estimate.ts";
export * from "./mode_coverage.ts";
export * from "./mixed_gan.ts";
export * from "./density_rows.ts";
export * from "./point_rows.ts";
export * from "./phase_winding.ts";
export * from "./sampling_floor.ts";
