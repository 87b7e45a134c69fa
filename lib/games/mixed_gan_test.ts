import assert from "node:assert/strict";
import { assertAllClose, assertClose } from "../_test_util.ts";
import { mixedGan } from "./mixed_gan.ts";
import { quasistaticLangevin } from "./quasistatic_langevin.ts";
import { langevinDescentAscent } from "./langevin_descent_ascent.ts";
import { sphere } from "./sphere.ts";

const gan = mixedGan({ modes: 4, dataSamples: 64, noiseSamples: 8, seed: 1 });

Deno.test("mixedGan: the forces are the exact gradients of the Monte Carlo payoff (central differences)", () => {
  const theta = gan.generators(3, { seed: 2, spread: 1 }).positions;
  const w = gan.discriminators(4, { seed: 3 }).positions;
  const h = 1e-6;
  const rowMean = (t: Float64Array, ws: Float64Array) => {
    const k = gan.game.payoff(t, ws) as Float64Array;
    return k.reduce((s, v) => s + v, 0);
  };
  // F_i = (1/m)Σ_j ∇_θ K(θ_i, w_j) = ∂/∂θ_i of (1/m)Σ_j K(θ_i, w_j).
  const fx = gan.game.fieldX(theta, w) as Float64Array;
  const expectedX = new Float64Array(theta.length);
  for (let c = 0; c < theta.length; c++) {
    const i = Math.floor(c / 6), one = theta.slice(6 * i, 6 * i + 6);
    const plus = Float64Array.from(one), minus = Float64Array.from(one);
    plus[c % 6] += h;
    minus[c % 6] -= h;
    expectedX[c] = (rowMean(plus, w) - rowMean(minus, w)) / (2 * h) / 4;
  }
  assertAllClose(fx, expectedX, { atol: 1e-8 }, "fieldX");
  // G_j = (1/n)Σ_i ∇_w K(θ_i, w_j) in ambient coordinates of R³.
  const fy = gan.game.fieldY(theta, w) as Float64Array;
  const expectedY = new Float64Array(w.length);
  for (let c = 0; c < w.length; c++) {
    const j = Math.floor(c / 3), one = w.slice(3 * j, 3 * j + 3);
    const plus = Float64Array.from(one), minus = Float64Array.from(one);
    plus[c % 3] += h;
    minus[c % 3] -= h;
    expectedY[c] = (rowMean(theta, plus) - rowMean(theta, minus)) / (2 * h) / 3;
  }
  assertAllClose(fy, expectedY, { atol: 1e-8 }, "fieldY");
});

Deno.test("mixedGan: the payoff of a point-mass generator is E_data φ_w − φ_w(μ)", () => {
  const theta = Float64Array.of(0.5, -1, 0, 0, 0, 0); // A = 0: G(z) = μ
  const w = Float64Array.of(0.6, 0.48, 0.64); // a unit vector
  const phi = (u: number, v: number) => Math.tanh(4 * (0.6 * u + 0.48 * v + 2 * 0.64));
  let e = 0;
  for (let k = 0; k < 64; k++) e += phi(gan.data[2 * k], gan.data[2 * k + 1]) / 64;
  assertClose((gan.game.payoff(theta, w) as Float64Array)[0], e - phi(0.5, -1), { rtol: 1e-14 });
  assert.deepEqual(gan.game.y, sphere(3));
  assert.equal(gan.means.length, 8);
  assertClose(gan.means[2], 0, { atol: 1e-15 }); // mode 1 at (0, 2)
  assertClose(gan.means[3], 2, { rtol: 1e-15 });
});

Deno.test("mixedGan: samples of one generator have mean μ and covariance AAᵀ; generators on the modes cover them", () => {
  const theta = Float64Array.of(1, 2, 0.3, 0.1, -0.2, 0.5);
  const n = 40000;
  const s = gan.sample(theta, n, { seed: 4 });
  let m1 = 0, m2 = 0, c11 = 0, c12 = 0, c22 = 0;
  for (let i = 0; i < n; i++) {
    m1 += s[2 * i] / n;
    m2 += s[2 * i + 1] / n;
  }
  for (let i = 0; i < n; i++) {
    const a = s[2 * i] - m1, b = s[2 * i + 1] - m2;
    c11 += a * a / n;
    c12 += a * b / n;
    c22 += b * b / n;
  }
  assertClose(m1, 1, { atol: 0.01 });
  assertClose(m2, 2, { atol: 0.01 });
  assertClose(c11, 0.09 + 0.01, { rtol: 0.03 });
  assertClose(c12, -0.06 + 0.05, { atol: 0.005 });
  assertClose(c22, 0.04 + 0.25, { rtol: 0.03 });
  const onModes = new Float64Array(24);
  for (let k = 0; k < 4; k++) {
    onModes.set([gan.means[2 * k], gan.means[2 * k + 1], 0.1, 0, 0, 0.1], 6 * k);
  }
  const c = gan.coverage(onModes, { samples: 4000, seed: 5 });
  assert.equal(c.covered, 4);
  assert.ok(c.quality > 0.98, `quality ${c.quality}`);
});

Deno.test("mixedGan: QSLGD spreads collapsed generators over the modes (and descent–ascent, measured alongside)", async () => {
  // A small run: 4 modes, 24 + 24 particles, 300 outer steps. Stated: QSLGD ends covering at
  // least 3 of the 4 modes with a quarter of its samples near a mode; it starts covering none.
  const g = mixedGan({ modes: 4, seed: 0 });
  const start = { x: g.generators(24, { seed: 1 }), y: g.discriminators(24, { seed: 2 }), seed: 3 };
  const metrics = (s: { x: Float64Array }) => {
    const c = g.coverage(s.x, { samples: 1000 });
    return { covered: c.covered, quality: c.quality };
  };
  const qs = await quasistaticLangevin(g.game, { stepX: 0.1, stepY: 0.2 }).solve({
    ...start,
    iterations: 300,
    every: 100,
    metrics,
  });
  const da = await langevinDescentAscent(g.game, { stepX: 0.1, stepY: 0.2 }).solve({
    ...start,
    iterations: 300,
    every: 100,
    metrics,
  });
  assert.equal(qs.history[0].covered, 0);
  const last = qs.history.at(-1)!;
  assert.ok(last.covered >= 3 && last.quality > 0.25, JSON.stringify(last));
  // Descent–ascent gets the same iterations (a third of the force evaluations): its numbers are
  // measured, and it must at least leave the origin.
  assert.ok(da.history.at(-1)!.covered >= 1, JSON.stringify(da.history.at(-1)));
});

Deno.test("mixedGan rejects bad options", () => {
  assert.throws(() => mixedGan({ modes: 0 }), {
    name: "RangeError",
    message:
      "Cannot build the mixed GAN: options.modes must be a positive integer, current value is 0",
  });
  assert.throws(
    () => mixedGan({ std: 0 }),
    /options.std must be a positive finite number, current value is 0/,
  );
  assert.throws(
    () => mixedGan({ temperature: -1 }),
    /options.temperature must be a positive finite number/,
  );
  assert.throws(
    () => mixedGan({ gain: Infinity }),
    /options.gain must be a positive finite number/,
  );
  assert.throws(
    () => gan.sample(new Float64Array(5), 3),
    /generators must hold a positive whole number of points of 6 coordinates/,
  );
});
