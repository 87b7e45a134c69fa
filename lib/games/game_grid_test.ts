import assert from "node:assert/strict";
import { assertClose } from "../_test_util.ts";
import { mathjsGame } from "./mathjs_game.ts";
import { gameGrid } from "./game_grid.ts";
import { euclidean } from "./euclidean.ts";

Deno.test("gameGrid: the payoff matrix between grid points, row-major over x", async () => {
  const game = mathjsGame("x*y^2", {
    x: euclidean(1, { extent: 1 }),
    y: euclidean(1, { extent: 2 }),
  });
  const grid = await gameGrid(game, { pointsX: 4, pointsY: 8 });
  assert.equal(grid.payoff.length, 32);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 8; j++) {
      assertClose(grid.payoff[i * 8 + j], grid.x.points[i] * grid.y.points[j] ** 2, {
        rtol: 1e-15,
      });
    }
  }
  assert.equal(grid.temperature, game.temperature);
  assert.equal(grid.game, game);
});

Deno.test("gameGrid rejects payoffs of the wrong size or not finite", async () => {
  const game = mathjsGame("cos(x - y)");
  await assert.rejects(
    () => gameGrid({ ...game, payoff: () => new Float64Array(3) }, { pointsX: 4 }),
    {
      name: "TypeError",
      message:
        "Cannot discretise the game: game.payoff must return a Float64Array of 4 × 4 = 16 values (one per pair of grid points), it returned a Float64Array of length 3",
    },
  );
  await assert.rejects(
    () => gameGrid(mathjsGame("log(x - y)", { x: euclidean(1), y: euclidean(1) }), { pointsX: 4 }),
    /Cannot discretise the game: the payoff is not finite at grid pair 0 \(value -Infinity\); check the formula on the whole domain/,
  );
});

Deno.test("gameGrid refuses what is not a game, by name", async () => {
  for (const game of [null, undefined, {}, "cos(x - y)"]) {
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      () => gameGrid(game as any),
      {
        name: "TypeError",
        message:
          `Cannot discretise the game: game must be a Game (mathjsGame, tensorGame or an object with x, y, temperature and payoff), current value is ${
            game === undefined ? "undefined" : JSON.stringify(game)
          }`,
      },
    );
  }
});

Deno.test("gameGrid names game.x and options.pointsX, not domainGrid's domain and options.points", async () => {
  const game = mathjsGame("cos(x - y)");
  const cases: [unknown, unknown, Error][] = [
    [
      { ...game, x: 5 },
      {},
      new TypeError(
        "Cannot discretise the game: game.x must be a domain made by torus(dim), euclidean(dim) or sphere(dim), current value is 5",
      ),
    ],
    [
      game,
      { pointsX: 2.5 },
      new RangeError(
        "Cannot discretise the game: options.pointsX must be a positive integer, current value is 2.5",
      ),
    ],
    [
      game,
      { pointsX: 8, pointsY: [3, 4] },
      new RangeError(
        "Cannot discretise the game: options.pointsY must be one number or 1 (one per axis), current value is [3,4]",
      ),
    ],
  ];
  for (const [g, options, error] of cases) {
    await assert.rejects(() => gameGrid(g as never, options as never), error);
  }
});
