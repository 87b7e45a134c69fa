/**
 * Checks and force evaluation shared by the particle solvers. Private to the games area.
 *
 * @module
 */
import type { Game } from "./game.ts";
import { checkDomain, checkPositive, show } from "./_checks.ts";

export { langevinMove } from "./_domain_ops.ts";

/** Checks what every particle solver's options share; returns the temperature to use. */
export function checkSolverOptions(
  game: Game,
  options: { stepX?: number; stepY?: number; temperature?: number },
  context: string,
): number {
  if (game === null || typeof game !== "object" || typeof game.fieldX !== "function") {
    throw new TypeError(
      `${context}: game must be a Game (mathjsGame, tensorGame or an object with x, y, temperature, payoff, fieldX, fieldY), current value is ${
        show(game)
      }`,
    );
  }
  checkDomain(game.x, "game.x", context);
  checkDomain(game.y, "game.y", context);
  checkPositive(game.temperature, "game.temperature", context);
  if (options.stepX !== undefined) checkPositive(options.stepX, "options.stepX", context);
  if (options.stepY !== undefined) checkPositive(options.stepY, "options.stepY", context);
  const temperature = options.temperature ?? game.temperature;
  checkPositive(temperature, "options.temperature", context);
  return temperature;
}

/** Calls a force and checks that it returned one finite vector per particle. */
export async function force(
  game: Game,
  method: "fieldX" | "fieldY",
  x: Float64Array,
  y: Float64Array,
): Promise<Float64Array> {
  const out = await game[method](x, y);
  const dim = method === "fieldX" ? game.x.dim : game.y.dim;
  const n = (method === "fieldX" ? x.length : y.length) / dim;
  if (!(out instanceof Float64Array) || out.length !== n * dim) {
    throw new TypeError(
      `Cannot step the particles: game.${method} must return a Float64Array of [${n}, ${dim}] (one ${
        method === "fieldX" ? "∇_x" : "∇_y"
      } mean-field force per particle), it returned ${show(out)}`,
    );
  }
  return out;
}
