import assert from "node:assert/strict";
import { sgdQuadraticMoments } from "./sgd_quadratic_moments.ts";
import { quadraticOracle } from "./quadratic_oracle.ts";
import { sgdSde } from "./sgd_sde.ts";
import { solveSde } from "./solve_sde.ts";
import { discreteMoments, stateMoments } from "./_optimizer_references.ts";
import { assertClose, TOL } from "../_test_util.ts";
import type { Row } from "../_types.ts";

const pick = (rows: Row[], source: string, component: string) =>
  rows.filter((r) => r.source === source && r.component === component);

Deno.test("sgdQuadraticMoments: the discrete moments are the step-by-step recursion", () => {
  const quadratic = { curvature: [1, 4], center: [0.5, 0], noiseStd: [1, 2] };
  for (const { lr, l } of [{ lr: 0.1, l: 1 }, { lr: 0.9, l: 1 }, { lr: 0.9, l: 4 }]) {
    const r = sgdQuadraticMoments(quadratic, {
      lr,
      l,
      batchSize: 2,
      theta0: [2, -1],
      steps: 30,
      saveEvery: 7,
    });
    for (let i = 0; i < 2; i++) {
      const h = quadratic.curvature[i], s = quadratic.noiseStd[i], c = quadratic.center[i];
      let mean = [2, -1][i], v = 0;
      const rows = pick(r.records, "discrete", `θ${i}`);
      assert.deepEqual(rows.map((row) => row.step), [0, 7, 14, 21, 28, 30]);
      for (let k = 0, j = 0; k <= 30; k++) {
        if (rows[j]?.step === k) {
          assertClose(rows[j].mean as number, mean, { atol: TOL.float64 }, `mean ${k}`);
          assertClose(
            rows[j].variance as number,
            v,
            { rtol: TOL.float64, atol: 1e-300 },
            `var ${k}`,
          );
          assertClose(rows[j].t as number, k * lr / l);
          j++;
        }
        // One step of SVAG: step η/ℓ, noise ℓ·s²/B.
        mean = mean - lr / l * h * (mean - c);
        v = (1 - lr * h / l) ** 2 * v + (lr / l) ** 2 * l * s * s / 2;
      }
    }
  }
});

Deno.test("sgdQuadraticMoments agrees with a float64 Monte Carlo of SGD", () => {
  const h = [1, 4], s = [1, 2], theta0 = [1, -0.5], lr = 0.2, runs = 20_000;
  const r = sgdQuadraticMoments({ curvature: h, noiseStd: s }, { lr, theta0, saveAt: [5, 20] });
  const mc = discreteMoments({ kind: "sgd", h, s, theta0, lr, steps: [5, 20], runs, seed: 4 });
  for (let k = 0; k < 2; k++) {
    for (let i = 0; i < 2; i++) {
      const row = pick(r.records, "discrete", `θ${i}`)[k];
      const v = row.variance as number;
      assertClose(mc[k][2 * i], row.mean as number, { atol: 5 * Math.sqrt(v / runs) }, "mean");
      assertClose(mc[k][2 * i + 1], v, { rtol: 5 * Math.sqrt(2 / runs) }, "variance");
    }
  }
});

Deno.test("sgdQuadraticMoments: the SDE rows match Euler–Maruyama on sgdSde", async () => {
  const quadratic = { curvature: [1, 4], noiseStd: [1, 2] };
  const lr = 0.05, n = 20_000, theta0 = [1, -0.5];
  const r = sgdQuadraticMoments(quadratic, { lr, theta0, saveAt: [20, 40] });
  const sde = sgdSde(quadraticOracle(quadratic), { lr });
  const sol = await solveSde({ ...sde, y0: sde.initialState(theta0), t1: 2 }, {
    particles: n,
    dt: 0.005,
    saveAt: [1, 2],
    seed: 6,
  });
  for (let k = 0; k < 2; k++) {
    const got = stateMoments(sol.ys[k], 2, 2);
    for (let i = 0; i < 2; i++) {
      const row = pick(r.records, "sde", `θ${i}`)[k];
      assert.equal(row.t, [1, 2][k]);
      const v = row.variance as number;
      // Monte Carlo (5 standard errors) plus Euler–Maruyama's O(h·dt) = 2% bias for h = 4.
      assertClose(got[2 * i], row.mean as number, { atol: 5 * Math.sqrt(v / n) + 1e-3 }, "mean");
      assertClose(got[2 * i + 1], v, { rtol: 5 * Math.sqrt(2 / n) + 0.02 }, "variance");
    }
  }
});

Deno.test("sgdQuadraticMoments: stationary variances, their limit, and divergence", () => {
  const r = sgdQuadraticMoments({ curvature: [2, 1], noiseStd: [1, 3] }, {
    lr: 0.5,
    batchSize: 4,
    steps: 400,
  });
  const { discrete, sde } = r.stationaryVariance;
  // ηs²/(Bh(2 − ηh)) and ηs²/(2Bh).
  assertClose(discrete[0], 0.5 / (4 * 2 * 1), { rtol: TOL.float64 });
  assertClose(discrete[1], 0.5 * 9 / (4 * 1 * 1.5), { rtol: TOL.float64 });
  assertClose(sde[1], 0.5 * 9 / 8, { rtol: TOL.float64 });
  const last = pick(r.records, "discrete", "θ1").at(-1)!;
  assertClose(last.variance as number, discrete[1], { rtol: 1e-12 });
  // ηh = 2.5 > 2: SGD diverges, SVAG with ℓ = 2 does not.
  const big = sgdQuadraticMoments({ curvature: [1] }, { lr: 2.5 }).stationaryVariance;
  assert.equal(big.discrete[0], Infinity);
  const svag = sgdQuadraticMoments({ curvature: [1] }, { lr: 2.5, l: 2 }).stationaryVariance;
  assertClose(svag.discrete[0], 2.5 / (2 - 1.25), { rtol: TOL.float64 });
});

Deno.test("sgdQuadraticMoments rejects bad input with exact messages", () => {
  const what = "Cannot compute the SGD moments on the quadratic";
  const q = { curvature: [1] };
  const cases: [() => unknown, string][] = [
    [
      () => sgdQuadraticMoments({ curvature: [1, 0] }, { lr: 0.1 }),
      `${what}: curvature must hold one positive finite number per parameter, current value is [1,0]`,
    ],
    [
      () => sgdQuadraticMoments({ curvature: [1], noiseStd: [1, 2] }, { lr: 0.1 }),
      `${what}: center and noiseStd must hold d = 1 values, current lengths are 1 and 2`,
    ],
    [
      () => sgdQuadraticMoments(q, { lr: 0 }),
      `${what}: lr must be a positive finite number, current value is 0`,
    ],
    [
      () => sgdQuadraticMoments(q, { lr: 0.1, l: 0.5 }),
      `${what}: l must be a finite number of at least 1 (l = 1 is SGD), current value is 0.5`,
    ],
    [
      () => sgdQuadraticMoments(q, { lr: 0.1, theta0: [1, 2] }),
      `${what}: theta0 must hold d = 1 finite values, current value is [1,2]`,
    ],
    [
      () => sgdQuadraticMoments(q, { lr: 0.1, steps: 1.5 }),
      `${what}: steps must be a non-negative integer, current value is 1.5`,
    ],
    [
      () => sgdQuadraticMoments(q, { lr: 0.1, saveAt: [3, 1] }),
      `${what}: saveAt must be strictly increasing integers in [0, steps = 1], current value is [3,1]`,
    ],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, message);
      return true;
    });
  }
});
