import type { GameGrid } from "./game_grid.ts";
import { checkGameGrid } from "./_checks.ts";
import type { ParticleMeasure } from "./particle_measure.ts";
import { kernelDensity, type KernelDensityOptions } from "./kernel_density.ts";
import { nikaidoIsoda, type NikaidoIsodaResult } from "./nikaido_isoda.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode particleNikaidoIsoda}. */
export interface ParticleNikaidoIsodaOptions {
  /**
   * The kernel width for both players, or "cv" (see {@linkcode kernelDensity}).
   * @default {"cv"}
   */
  bandwidth?: KernelDensityOptions["bandwidth"];
}

/** The Nikaidô–Isoda error of the smoothed particle measures, with the densities used. */
export interface ParticleNikaidoIsodaResult extends NikaidoIsodaResult {
  /** The kernel density estimate of the x particles on grid.x. */
  densityX: Float64Array;
  /** The kernel density estimate of the y particles on grid.y. */
  densityY: Float64Array;
  /** The kernel width used for x. */
  bandwidthX: number;
  /** The kernel width used for y. */
  bandwidthY: number;
}

/**
 * The Nikaidô–Isoda error of particle measures in a 1-D or 2-D game: both empirical measures are
 * replaced by kernel density estimates on the game's grid (an empirical measure has infinite
 * entropy, so its own NI is +∞) and the exact quadrature of {@linkcode nikaidoIsoda} is applied.
 * The value is the NI of the smoothed measures: ≥ 0, and above 0 even for exact samples of the
 * equilibrium, by the smoothing bias and sampling noise of the estimate (of order
 * T·(h⁴ + 1/(n h^d)) for smooth densities); compare against that floor, e.g. the same estimate
 * applied to samples of the grid equilibrium.
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying, quasistatic dynamics for mean-field
 * zero-sum games (ICLR 2022).
 *
 * @example Uniform particles are near the equilibrium of K = cos(x − y)
 * ```ts
 * import { gameGrid, mathjsGame, particleMeasure, particleNikaidoIsoda, torus } from "minima";
 * import assert from "node:assert/strict";
 *
 * const grid = await gameGrid(mathjsGame("cos(x - y)", { temperature: 0.5 }), { pointsX: 64 });
 * const x = particleMeasure(torus(1), 2000, { seed: 1 });
 * const y = particleMeasure(torus(1), 2000, { seed: 2 });
 * const ni = particleNikaidoIsoda(grid, x, y);
 * assert.ok(ni.value >= 0 && ni.value < 5e-3);
 * ```
 *
 * @param grid The discretised game.
 * @param x The x particles (a measure, or positions row-major).
 * @param y The y particles.
 * @param options The kernel width.
 * @returns NI of the smoothed measures, its parts and the densities.
 */
export function particleNikaidoIsoda(
  grid: GameGrid,
  x: ParticleMeasure | Float64Array,
  y: ParticleMeasure | Float64Array,
  options: ParticleNikaidoIsodaOptions = {},
): ParticleNikaidoIsodaResult {
  checkCall("particleNikaidoIsoda", arguments);
  checkGameGrid(grid, "grid", "Cannot compute the particles' Nikaidô–Isoda error");
  const kx = kernelDensity(grid.x, x, { bandwidth: options.bandwidth });
  const ky = kernelDensity(grid.y, y, { bandwidth: options.bandwidth });
  return {
    ...nikaidoIsoda(grid, kx.density, ky.density),
    densityX: kx.density,
    densityY: ky.density,
    bandwidthX: kx.bandwidth,
    bandwidthY: ky.bandwidth,
  };
}
