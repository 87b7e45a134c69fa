import type { Game } from "./game.ts";
import { type ParticleSolver, particleSolver } from "./particle_solver.ts";
import { checkSolverOptions, force, langevinMove } from "./_solver_ops.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode langevinDescentAscent}. */
export interface LangevinDescentAscentOptions {
  /**
   * η_x, the step of the noisy descent on x.
   * @default {0.05}
   */
  stepX?: number;
  /**
   * η_y, the step of the noisy ascent on y.
   * @default {0.1}
   */
  stepY?: number;
  /**
   * The temperature T = 1/β of the Langevin noise √(2ηT)ξ.
   * @default {game.temperature}
   */
  temperature?: number;
}

/**
 * Simultaneous Langevin descent–ascent for a mean-field zero-sum game, the baseline that can
 * cycle: both players step at once from the same state,
 * x_i ← x_i − η_x·(1/m)Σ_j ∇_x K(x_i, y_j) + √(2η_x T)·ξ_i and
 * y_j ← y_j + η_y·(1/n)Σ_i ∇_y K(x_i, y_j) + √(2η_y T)·ξ_j. Cost: 2 force evaluations per
 * iteration. On bilinear-like games at low temperature the measures rotate around the
 * equilibrium and approach it only at the rate the entropy damps the rotation.
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying (ICLR 2022), the comparison baseline.
 *
 * @example One step moves both players
 * ```ts
 * import { langevinDescentAscent, mathjsGame } from "minima";
 * import assert from "node:assert/strict";
 *
 * const solver = langevinDescentAscent(mathjsGame("cos(x - y)"));
 * const s0 = solver.init({ x: 10, y: 10, seed: 1 });
 * const s1 = await solver.update(s0);
 * assert.equal(s1.iteration, 1);
 * assert.equal(s1.evaluations, 2);
 * assert.notDeepEqual(s1.x, s0.x);
 * ```
 *
 * @param game The game.
 * @param options Step sizes and temperature.
 * @returns The solver: `init`, `update`, `solve`.
 */
export function langevinDescentAscent(
  game: Game,
  options: LangevinDescentAscentOptions = {},
): ParticleSolver {
  checkCall("langevinDescentAscent", arguments);
  const context = "Cannot build the Langevin descent–ascent solver";
  const temperature = checkSolverOptions(game, options, context);
  const stepX = options.stepX ?? 0.05, stepY = options.stepY ?? 0.1;
  return particleSolver("descent-ascent", game, async (state, rng) => {
    const fx = await force(game, "fieldX", state.x, state.y);
    const fy = await force(game, "fieldY", state.x, state.y);
    const x = langevinMove(game.x, state.x, fx, -1, stepX, temperature, rng);
    const y = langevinMove(game.y, state.y, fy, 1, stepY, temperature, rng);
    return { x, y, evaluations: 2 };
  });
}
