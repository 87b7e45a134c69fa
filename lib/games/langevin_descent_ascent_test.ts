import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { assertAllClose } from "../_test_util.ts";
import { mathjsGame } from "./mathjs_game.ts";
import { langevinDescentAscent } from "./langevin_descent_ascent.ts";
import { euclidean } from "./euclidean.ts";

Deno.test("langevinDescentAscent: one step moves both players from the same state", async () => {
  // Independent float64 replay on K = x·y + x² − y² in R with confinement λ = 0.5:
  // x' = (1 − ηλ)x − η(ȳ + 2x) + √(2ηT)ξ, y' = (1 − ηλ)y + η(x̄ − 2y) + √(2ηT)ξ.
  const T = 0.1, ex = 0.05, ey = 0.02, lambda = 0.5;
  const d = euclidean(1, { confinement: lambda });
  const game = mathjsGame("x*y + x^2 - y^2", { x: d, y: d, temperature: T });
  const solver = langevinDescentAscent(game, { stepX: ex, stepY: ey });
  const s0 = solver.init({ x: 6, y: 3, seed: 4 });
  const s1 = await solver.update(s0);
  const rng = new Rng(0);
  rng.setState(s0.rng);
  const xb = s0.x.reduce((a, b) => a + b, 0) / 6, yb = s0.y.reduce((a, b) => a + b, 0) / 3;
  const x1 = Array.from(
    s0.x,
    (x) => (1 - ex * lambda) * x - ex * (yb + 2 * x) + Math.sqrt(2 * ex * T) * rng.normal(),
  );
  const y1 = Array.from(
    s0.y,
    (y) => (1 - ey * lambda) * y + ey * (xb - 2 * y) + Math.sqrt(2 * ey * T) * rng.normal(),
  );
  assertAllClose(s1.x, x1, { atol: 1e-15 }, "x");
  assertAllClose(s1.y, y1, { atol: 1e-15 }, "y");
  assert.deepEqual([s1.iteration, s1.evaluations], [1, 2]);
});

Deno.test("langevinDescentAscent rejects bad options", () => {
  const game = mathjsGame("cos(x - y)");
  assert.throws(() => langevinDescentAscent(game, { stepX: NaN }), {
    name: "RangeError",
    message:
      "Cannot build the Langevin descent–ascent solver: options.stepX must be a positive finite number, current value is NaN",
  });
  assert.throws(
    () => langevinDescentAscent(game, { temperature: -2 }),
    /options.temperature must be a positive finite number, current value is -2/,
  );
  assert.throws(
    () => langevinDescentAscent({ ...game, temperature: 0 }),
    /game.temperature must be a positive finite number, current value is 0/,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => langevinDescentAscent({ ...game, y: { kind: "torus", dim: 0 } as any }), {
    name: "TypeError",
    message:
      'Cannot build the Langevin descent–ascent solver: game.y must be a domain made by torus(dim), euclidean(dim) or sphere(dim), current value is {"kind":"torus","dim":0}',
  });
});
