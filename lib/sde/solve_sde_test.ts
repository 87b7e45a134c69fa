import assert from "node:assert/strict";
import { memoryLimit } from "../backend/mod.ts";
import { formatBytes } from "../backend/_internal.ts";
import { lyap } from "mathjs";
import { solveSde } from "./solve_sde.ts";
import { eulerMaruyama } from "./euler_maruyama.ts";
import { milstein } from "./milstein.ts";
import { explicitOrder15 } from "./explicit_order15.ts";
import { levyPath } from "./levy_path.ts";
import { brownianPath } from "./brownian_path.ts";
import type { SdeProblem, VectorField } from "./sde_terms.ts";
import { covariance, mean, variance } from "./_test_helpers.ts";
import { assertClose } from "../_test_util.ts";
import { requestInterrupt } from "../_interrupt.ts";
import { captureWarnings } from "../_test_util.ts";

const ou = (theta: number, mu: number, sigma: number, x0: number, t1: number): SdeProblem => ({
  dim: 1,
  drift: (_t, x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = theta * (mu - x[i]);
  },
  diffusion: { kind: "additive", sigma },
  y0: [x0],
  t1,
});

Deno.test("solveSde: Ornstein–Uhlenbeck mean and variance relax to μ and σ²/(2θ)", async () => {
  const theta = 2, mu = 1, sigma = 0.5, x0 = 0, h = 0.01, n = 20_000;
  const saveAt = [0.25, 0.5, 1, 4];
  const r = await solveSde(ou(theta, mu, sigma, x0, 4), { dt: h, particles: n, saveAt, seed: 7 });
  assert.deepEqual(r.ts, saveAt);
  for (const [k, t] of saveAt.entries()) {
    const y = r.ys[k];
    // The scheme's own moments in closed form: with q = 1 − θh over m steps,
    // mean = μ + (x0 − μ)q^m, variance = σ²h(1 − q^{2m})/(1 − q²).
    const m = Math.round(t / h), q = 1 - theta * h;
    const emMean = mu + (x0 - mu) * q ** m;
    const emVar = sigma ** 2 * h * (1 - q ** (2 * m)) / (1 - q * q);
    // The SDE's: mean = μ + (x0 − μ)e^{−θt}, variance = σ²(1 − e^{−2θt})/(2θ).
    const sdeMean = mu + (x0 - mu) * Math.exp(-theta * t);
    const sdeVar = sigma ** 2 * (1 - Math.exp(-2 * theta * t)) / (2 * theta);
    const seMean = Math.sqrt(emVar / n), seVar = emVar * Math.sqrt(2 / n);
    assertClose(mean(y), emMean, { atol: 5 * seMean }, `EM mean at t=${t}`);
    assertClose(variance(y), emVar, { atol: 5 * seVar }, `EM variance at t=${t}`);
    // Against the SDE, allow the scheme's O(θh) relative bias as well.
    assertClose(
      mean(y),
      sdeMean,
      { atol: 5 * seMean + theta * h * Math.abs(x0 - mu) },
      `mean t=${t}`,
    );
    assertClose(variance(y), sdeVar, { atol: 5 * seVar + theta * h * sdeVar }, `var t=${t}`);
    const row = r.records[k];
    assert.equal(row.t, t);
    assertClose(row.mean as number, mean(y), { rtol: 1e-12 }, "record mean");
    assertClose(row.std as number, Math.sqrt(variance(y)), { rtol: 1e-12 }, "record std");
  }
  // Stationarity: the variance at t = 4 is within 5 SE of σ²/(2θ − θ²h), the scheme's limit.
  assertClose(variance(r.ys[3]), sigma ** 2 / (2 * theta - theta ** 2 * h), {
    atol: 5 * sigma ** 2 / (2 * theta) * Math.sqrt(2 / n),
  }, "stationary variance");
});

Deno.test("solveSde: a 3-D OU with a full drift matrix reaches the Lyapunov covariance", async () => {
  // dX = −A X dt + σ dW; the stationary covariance C solves (−A)C + C(−A)ᵀ + σ²I = 0.
  const A = [[2, 1, 0], [-0.5, 1.5, 0.3], [0.2, 0, 1]];
  const sigma = 0.6, n = 10_000, h = 0.005;
  const drift: VectorField = (_t, x, out) => {
    for (let p = 0; p < x.length; p += 3) {
      for (let i = 0; i < 3; i++) {
        out[p + i] = -(A[i][0] * x[p] + A[i][1] * x[p + 1] + A[i][2] * x[p + 2]);
      }
    }
  };
  const r = await solveSde(
    { dim: 3, drift, diffusion: { kind: "additive", sigma }, y0: [0, 0, 0], t1: 6 },
    { dt: h, particles: n, saveAt: [6], seed: 3 },
  );
  const C = lyap(A.map((row) => row.map((a) => -a)), [
    [sigma ** 2, 0, 0],
    [0, sigma ** 2, 0],
    [0, 0, sigma ** 2],
  ]) as number[][];
  const y = r.ys[0];
  const comp = (i: number) => Array.from({ length: n }, (_, p) => y[p * 3 + i]);
  for (let i = 0; i < 3; i++) {
    assertClose(mean(comp(i)), 0, { atol: 5 * Math.sqrt(C[i][i] / n) }, `mean ${i}`);
    for (let j = 0; j <= i; j++) {
      const se = Math.sqrt((C[i][i] * C[j][j] + C[i][j] ** 2) / n);
      // 5 SE plus the scheme's O(h‖A‖) bias.
      assertClose(
        covariance(comp(i), comp(j)),
        C[i][j],
        { atol: 5 * se + 3 * h * C[i][i] },
        `C[${i}][${j}]`,
      );
    }
  }
});

Deno.test("solveSde: general noise G dW has covariance t·G Gᵀ", async () => {
  const G = [[1, 0.5, 0], [0, -0.3, 0.8]]; // 2 state components, 3 noise components
  const n = 20_000, t1 = 0.5;
  const r = await solveSde({
    dim: 2,
    drift: (_t, _x, out) => out.fill(0),
    diffusion: {
      kind: "general",
      noiseDim: 3,
      apply: (_t, _x, dW, out) => {
        for (let p = 0; p < n; p++) {
          for (let i = 0; i < 2; i++) {
            out[p * 2 + i] = G[i][0] * dW[p * 3] + G[i][1] * dW[p * 3 + 1] +
              G[i][2] * dW[p * 3 + 2];
          }
        }
      },
    },
    y0: [0, 0],
    t1,
  }, { particles: n, dt: 0.1, saveAt: [t1], seed: 2 });
  const y = r.ys[0];
  const c = (i: number) => Array.from({ length: n }, (_, p) => y[p * 2 + i]);
  const ggt = (i: number, j: number) => G[i].reduce((s, g, k) => s + g * G[j][k], 0) * t1;
  for (const [i, j] of [[0, 0], [1, 1], [0, 1]]) {
    const se = Math.sqrt((ggt(i, i) * ggt(j, j) + ggt(i, j) ** 2) / n);
    assertClose(covariance(c(i), c(j)), ggt(i, j), { atol: 5 * se }, `Cov[${i}][${j}]`);
  }
});

Deno.test("solveSde: an OU process driven by α-stable noise has the scheme's stable scale", async () => {
  // X_{n+1} = (1 − θh)X_n + ΔL_n with ΔL ~ S_α(σh^{1/α}) gives X_N ~ S_α(s), a sum of independent
  // stable terms: s^α = σ^α h Σ_{k<N} |1 − θh|^{αk}; E cos(ξX) = exp(−s^α|ξ|^α).
  const alpha = 1.5, theta = 1, sigma = 0.5, h = 0.05, steps = 60, n = 40_000;
  const t1 = h * steps;
  const path = levyPath(alpha, { particles: n, scale: sigma, seed: 9 });
  const r = await solveSde(ou(theta, 0, 1, 0, t1), {
    dt: h,
    path,
    particles: n,
    saveAt: [t1],
    // The path carries the scale; the diffusion is 1.
  });
  const q = Math.abs(1 - theta * h) ** alpha;
  const sAlpha = sigma ** alpha * h * (1 - q ** steps) / (1 - q);
  for (const xi of [0.5, 1, 3]) {
    let re = 0;
    for (const v of r.ys[0]) re += Math.cos(xi * v);
    assertClose(re / n, Math.exp(-sAlpha * xi ** alpha), { atol: 5 / Math.sqrt(n) }, `φ(${xi})`);
  }
});

Deno.test("solveSde: seeds reproduce, saves land on their times, callbacks report", async () => {
  const problem = ou(1, 0, 0.3, 1, 1);
  const run = (seed: number) =>
    solveSde(problem, { particles: 5, dt: 0.1, seed, saveAt: [0.25, 1] });
  const a = await run(3), b = await run(3), c = await run(4);
  assert.deepEqual(a.ys, b.ys);
  assert.notDeepEqual(a.ys, c.ys);
  // The save at 0.25 splits the step [0.2, 0.3]: 11 steps in all.
  assert.equal(a.steps, 11);
  assert.deepEqual(a.ts, [0.25, 1]);
  const progress: number[] = [];
  const pushed: unknown[] = [];
  const d = await solveSde(problem, {
    particles: 3,
    dt: 0.01,
    recordParticles: 2,
    onProgress: (p) => progress.push(p.done / p.total),
    onRecord: async (rows) => {
      await Promise.resolve();
      pushed.push(rows);
    },
  });
  assert.equal(progress.length, 100);
  assert.equal(progress.at(-1), 1);
  assert.deepEqual(pushed, [[d.records[0]], [d.records[1]]]);
  assert.equal(d.trajectories.length, 2 * 2);
  assert.deepEqual(d.trajectories[3], { t: 1, particle: 1, component: "x0", value: d.ys[1][1] });
});

Deno.test("solveSde: async and array-returning fields, and divergence as data", async () => {
  const r = await solveSde({
    dim: 1,
    drift: async (_t, x) => {
      await Promise.resolve();
      return x.map((v) => v * v); // blows up in finite time from x0 = 2, not from x0 = 0
    },
    diffusion: { kind: "diagonal", g: (_t, x) => new Float64Array(x.length) },
    y0: [2, 0, 2, 0],
    t1: 1.5,
  }, { dt: 0.05, solver: milstein() });
  assert.equal(r.records.at(-1)!.nonFinite, 2);
  assert.deepEqual([r.ys[1][1], r.ys[1][3]], [0, 0]);
});

Deno.test("solveSde rejects bad steps, grids, shapes, solvers and paths", async () => {
  const p = ou(1, 0, 1, 0, 1);
  const rejects = (options: Parameters<typeof solveSde>[1], problem: SdeProblem, error: object) =>
    assert.rejects(() => solveSde(problem, options), error);
  for (const dt of [0, -0.1]) {
    await rejects({ dt }, p, {
      name: "RangeError",
      message: `Cannot solve the SDE: dt must be a positive finite number, current value is ${dt}`,
    });
  }
  // 1e10 steps: refused before allocating a grid (it failed inside the engine with "Invalid
  // array length").
  await rejects({ dt: 1e-10 }, p, {
    name: "RangeError",
    message:
      `Cannot solve the SDE: 10,000,000,000 steps of dt = 1e-10 on [0, 1] need 90 GB, above the memory limit of ${
        formatBytes(memoryLimit())
      }; use a larger dt, or raise the limit with setMemoryLimit(bytes) (or MINIMA_MEMORY_LIMIT=64GB in the environment)`,
  });
  await rejects({ ts: [0, 0.5, 0.4, 1] }, p, {
    name: "RangeError",
    message:
      "Cannot solve the SDE: the time grid ts must be strictly increasing, but ts[2] = 0.4 follows ts[1] = 0.5",
  });
  await rejects({ ts: [0, 0.5] }, p, {
    name: "RangeError",
    message:
      "Cannot solve the SDE: ts must start at t0 = 0 and end at t1 = 1, current ends are 0 and 0.5",
  });
  await rejects({}, { ...p, t1: 0 }, {
    name: "RangeError",
    message:
      "Cannot solve the SDE: problem.t1 must be a finite number greater than t0 = 0, current value is 0",
  });
  await rejects({ saveAt: [0.5, 2] }, p, {
    name: "RangeError",
    message: "Cannot solve the SDE: saveAt times must lie in [t0, t1] = [0, 1], but saveAt[1] = 2",
  });
  await rejects({ saveAt: [0.5, 0.5] }, p, {
    name: "RangeError",
    message:
      "Cannot solve the SDE: saveAt must be strictly increasing, but saveAt[1] = 0.5 follows saveAt[0] = 0.5",
  });
  await rejects({ particles: 2 }, { ...p, drift: () => new Float64Array(3) }, {
    name: "RangeError",
    message:
      "Cannot solve the SDE: the drift returned 3 values for a state of 2 values (2 particles × dim 1); return a Float64Array with one value per state component, or write into out",
  });
  await rejects({}, { ...p, drift: () => [1] as unknown as Float64Array }, {
    name: "RangeError",
    message:
      "Cannot solve the SDE: the drift returned a Array for a state of 1 values (1 particles × dim 1); return a Float64Array with one value per state component, or write into out",
  });
  await rejects({ particles: 3 }, { ...p, dim: 2, y0: [0, 0, 0, 0] }, {
    name: "RangeError",
    message:
      "Cannot solve the SDE: problem.y0 holds 2 particles but particles is 3; give dim = 2 values or 6",
  });
  await rejects({ particles: 0 }, p, {
    name: "RangeError",
    message: "Cannot solve the SDE: particles must be a positive integer, current value is 0",
  });
  const general: SdeProblem = {
    ...p,
    diffusion: { kind: "general", noiseDim: 1, apply: (_t, _x, dW) => dW },
  };
  await rejects({ solver: milstein() }, general, {
    name: "TypeError",
    message:
      'Cannot solve the SDE: the milstein solver needs additive or diagonal noise, current kind is "general"; use eulerMaruyama() for general noise',
  });
  await rejects({ solver: explicitOrder15(), path: brownianPath() }, p, {
    name: "TypeError",
    message:
      "Cannot solve the SDE: the explicit-order-1.5 solver needs ΔZ from the path; create the path with levyArea: true",
  });
  await rejects({ solver: milstein(), path: levyPath(1.5) }, p, {
    name: "TypeError",
    message:
      'Cannot solve the SDE: the milstein solver needs a Brownian path, current kind is "levy"; use eulerMaruyama() with a Lévy path',
  });
  await rejects({ particles: 2, path: brownianPath({ particles: 3 }) }, p, {
    name: "RangeError",
    message:
      "Cannot solve the SDE: the path must have 2 particles × 1 noise components, current shape is 3 × 1",
  });
  await rejects({ recordParticles: -1 }, p, {
    name: "RangeError",
    message:
      "Cannot solve the SDE: recordParticles must be a non-negative integer, current value is -1",
  });
  await rejects({}, { ...p, diffusion: { kind: "additive", sigma: [1, 2] } }, {
    name: "RangeError",
    message:
      "Cannot solve the SDE: problem.diffusion.sigma must be a finite number or 1 finite numbers (one per component), current value is 1,2",
  });
  // The default solver is Euler–Maruyama.
  assert.equal((await solveSde(p, { dt: 0.5 })).solver, eulerMaruyama().name);
});

Deno.test("solveSde stops on an interrupt with the save times reached, and the next solve is whole", async () => {
  const problem: SdeProblem = {
    dim: 1,
    drift: (_t, x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = -x[i];
    },
    diffusion: { kind: "additive", sigma: 0.3 },
    y0: [1],
    t1: 1,
  };
  const options = { particles: 20, dt: 0.01, saveAt: [0, 0.25, 0.5, 0.75, 1], seed: 3 };
  const { value: r, warnings } = await captureWarnings(() =>
    solveSde(problem, {
      ...options,
      onRecord: (rows) => {
        if ((rows as { t: number }[])[0].t === 0.5) requestInterrupt();
      },
    })
  );
  assert.deepEqual([r.interrupted, r.steps, r.ts], [true, 50, [0, 0.25, 0.5]]);
  assert.deepEqual(warnings, [
    "solveSde interrupted after step 50 of 100; returning the 3 save times reached",
  ]);
  const whole = await solveSde(problem, options);
  assert.deepEqual([whole.interrupted, whole.steps, whole.ts.length], [false, 100, 5]);
  assert.deepEqual(r.records, whole.records.slice(0, 3));
});

Deno.test("solveSde's records are NaN, not null, where no particle is finite", async () => {
  const r = await solveSde({
    dim: 1,
    drift: (_t, x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = x[i] * 1e300;
    },
    diffusion: { kind: "additive", sigma: 0 },
    y0: [1],
    t1: 1,
  }, { particles: 3, dt: 0.5 });
  const last = r.records.at(-1)!;
  assert.ok(Number.isNaN(last.mean) && Number.isNaN(last.std));
  assert.equal(last.nonFinite, 3);
});
