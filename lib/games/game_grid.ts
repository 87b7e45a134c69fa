import type { Game } from "./game.ts";
import type { DomainGrid, DomainGridOptions } from "./domain_grid.ts";
import { gridOf } from "./_grid_of.ts";
import { show } from "./_checks.ts";
import { checkCall } from "../_checks.ts";

/** A game discretised on grids of both domains: the payoff matrix between grid points. */
export interface GameGrid {
  /** The game. */
  readonly game: Game;
  /** The x player's grid. */
  readonly x: DomainGrid;
  /** The y player's grid. */
  readonly y: DomainGrid;
  /** K(x_g, y_h) between grid points, row-major [x.size, y.size]. */
  readonly payoff: Float64Array;
  /** T = 1/β (the game's). */
  readonly temperature: number;
}

/** Options for {@linkcode gameGrid}. */
export interface GameGridOptions {
  /**
   * Points per axis of the x grid (see {@linkcode domainGrid}).
   * @default {256 in 1-D, 48 per axis in 2-D, [24, 48] on S²}
   */
  pointsX?: DomainGridOptions["points"];
  /**
   * Points per axis of the y grid.
   * @default {as pointsX}
   */
  pointsY?: DomainGridOptions["points"];
}

/**
 * Discretises a game whose domains have dimension 1 or 2: both grids and the payoff matrix
 * between their points (computed once; 2-D games with 48 × 48 points per player hold a
 * 2,304 × 2,304 float64 matrix, 42 MB). Every exact metric and the grid equilibrium work on it.
 *
 * @example
 * ```ts
 * import { gameGrid, mathjsGame } from "minima";
 * import assert from "node:assert/strict";
 *
 * const grid = await gameGrid(mathjsGame("cos(x - y)"), { pointsX: 16 });
 * assert.equal(grid.payoff.length, 16 * 16);
 * assert.equal(grid.payoff[0], 1); // cos(0 − 0)
 * ```
 *
 * @param game The game.
 * @param options Points per axis for each player.
 * @returns The grids and the payoff matrix.
 */
export async function gameGrid(game: Game, options: GameGridOptions = {}): Promise<GameGrid> {
  checkCall("gameGrid", arguments);
  if (game === null || typeof game !== "object" || typeof game.payoff !== "function") {
    throw new TypeError(
      `Cannot discretise the game: game must be a Game (mathjsGame, tensorGame or an object with x, y, temperature and payoff), current value is ${
        show(game)
      }`,
    );
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `Cannot discretise the game: options must be an object { pointsX, pointsY }, current value is ${
        show(options)
      }`,
    );
  }
  const context = "Cannot discretise the game";
  const x = gridOf(game.x, options.pointsX, {
    context,
    domain: "game.x",
    points: "options.pointsX",
  });
  const y = options.pointsY === undefined
    ? gridOf(game.y, options.pointsX, { context, domain: "game.y", points: "options.pointsX" })
    : gridOf(game.y, options.pointsY, { context, domain: "game.y", points: "options.pointsY" });
  const payoff = await game.payoff(x.points, y.points);
  if (!(payoff instanceof Float64Array) || payoff.length !== x.size * y.size) {
    throw new TypeError(
      `Cannot discretise the game: game.payoff must return a Float64Array of ${x.size} × ${y.size} = ${
        x.size * y.size
      } values (one per pair of grid points), it returned ${show(payoff)}`,
    );
  }
  for (let i = 0; i < payoff.length; i++) {
    if (!Number.isFinite(payoff[i])) {
      throw new RangeError(
        `Cannot discretise the game: the payoff is not finite at grid pair ${i} (value ${
          payoff[i]
        }); check the formula on the whole domain`,
      );
    }
  }
  return { game, x, y, payoff, temperature: game.temperature };
}
