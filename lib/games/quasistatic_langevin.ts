import type { Game } from "./game.ts";
import { type ParticleSolver, particleSolver } from "./particle_solver.ts";
import { checkSolverOptions, force, langevinMove } from "./_solver_ops.ts";
import { checkPositiveInteger } from "./_checks.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode quasistaticLangevin}. */
export interface QuasistaticLangevinOptions {
  /**
   * η_x, the step of the outer noisy descent on x.
   * @default {0.05}
   */
  stepX?: number;
  /**
   * η_y, the step of the inner noisy ascent on y.
   * @default {0.1}
   */
  stepY?: number;
  /**
   * k, the warm-started inner ascent steps on y per outer step on x.
   * @default {5}
   */
  innerSteps?: number;
  /**
   * The temperature T = 1/β of the Langevin noise √(2ηT)ξ.
   * @default {game.temperature}
   */
  temperature?: number;
}

/**
 * Quasistatic Langevin gradient descent (QSLGD) for a mean-field zero-sum game. Each outer
 * iteration moves the x particles by one noisy descent step
 * x_i ← x_i − η_x·(1/m)Σ_j ∇_x K(x_i, y_j) + √(2η_x T)·ξ_i, then runs k warm-started noisy ascent
 * steps y_j ← y_j + η_y·(1/n)Σ_i ∇_y K(x_i, y_j) + √(2η_y T)·ξ_j on the y particles, so that q
 * stays near its Gibbs best response q*(p) ∝ exp(β∫K(x, ·)p(dx)) while p follows its Wasserstein
 * gradient flow (confining potentials add −∇U to the drifts in R^d; on the sphere steps are
 * projected and renormalised). Cost: 1 + k force evaluations per outer iteration.
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying, Provably convergent quasistatic
 * dynamics for mean-field two-player zero-sum games (ICLR 2022).
 *
 * @example Particles of K = cos(x − y) spread towards the uniform equilibrium
 * ```ts
 * import { mathjsGame, particleMeasure, quasistaticLangevin, torus } from "minima";
 * import assert from "node:assert/strict";
 *
 * const game = mathjsGame("cos(x - y)", { temperature: 0.3 });
 * const solver = quasistaticLangevin(game, { innerSteps: 3 });
 * const run = await solver.solve({
 *   x: particleMeasure(torus(1), 200, { center: [1], spread: 0.2, seed: 1 }),
 *   y: 200, iterations: 100, seed: 2,
 * });
 * assert.ok(run.history.at(-1)!.momentX < run.history[0].momentX / 3);
 * ```
 *
 * @param game The game.
 * @param options Step sizes, inner steps and temperature.
 * @returns The solver: `init`, `update`, `solve`.
 */
export function quasistaticLangevin(
  game: Game,
  options: QuasistaticLangevinOptions = {},
): ParticleSolver {
  checkCall("quasistaticLangevin", arguments);
  const context = "Cannot build the quasistatic Langevin solver";
  const temperature = checkSolverOptions(game, options, context);
  const stepX = options.stepX ?? 0.05, stepY = options.stepY ?? 0.1;
  const k = options.innerSteps ?? 5;
  checkPositiveInteger(k, "options.innerSteps", context);
  return particleSolver("quasistatic", game, async (state, rng) => {
    const fx = await force(game, "fieldX", state.x, state.y);
    const x = langevinMove(game.x, state.x, fx, -1, stepX, temperature, rng);
    let y = state.y;
    for (let s = 0; s < k; s++) {
      const fy = await force(game, "fieldY", x, y);
      y = langevinMove(game.y, y, fy, 1, stepY, temperature, rng);
    }
    return { x, y, evaluations: 1 + k };
  });
}
