import assert from "node:assert/strict";
import { sgdSde } from "./sgd_sde.ts";
import { quadraticOracle } from "./quadratic_oracle.ts";
import { solveSde } from "./solve_sde.ts";
import type { GradientOracle } from "./gradient_oracle.ts";
import { discreteMoments, stateMoments } from "./_optimizer_references.ts";
import { Rng } from "../random/mod.ts";
import { covariance } from "./_test_helpers.ts";
import { assertClose } from "../_test_util.ts";

// On L = ½Σ h_i θ_i² with per-sample noise s, the SGD SDE dX = −hX dt + √(η/B) s dW is an OU
// process: E X_t = θ0 e^{−ht}, Var X_t = (η/B)s²(1 − e^{−2ht})/(2h).
const h = [1, 4], theta0 = [1, -0.5], s = [1, 2];
const ouMean = (i: number, t: number) => theta0[i] * Math.exp(-h[i] * t);
const ouVar = (i: number, t: number, lr: number, B: number) =>
  lr / B * s[i] ** 2 * -Math.expm1(-2 * h[i] * t) / (2 * h[i]);

Deno.test("sgdSde on a quadratic has the Ornstein–Uhlenbeck moments", async () => {
  const lr = 0.05, B = 2, n = 20_000, times = [0.25, 1];
  const sde = sgdSde(quadraticOracle({ curvature: h, noiseStd: s }), { lr, batchSize: B });
  assert.equal(sde.timePerStep, lr);
  const r = await solveSde({ ...sde, y0: sde.initialState(theta0), t1: 1 }, {
    dt: 0.002,
    particles: n,
    saveAt: times,
    seed: 1,
  });
  for (const [k, t] of times.entries()) {
    const got = stateMoments(r.ys[k], 2, 2);
    for (let i = 0; i < 2; i++) {
      const v = ouVar(i, t, lr, B);
      // 5 SE plus Euler–Maruyama's O(h dt) relative bias.
      assertClose(
        got[2 * i],
        ouMean(i, t),
        { atol: 5 * Math.sqrt(v / n) + h[i] * 0.002 * 0.5 },
        `mean ${i}`,
      );
      assertClose(
        got[2 * i + 1],
        v,
        { atol: 5 * v * Math.sqrt(2 / n) + h[i] * 0.002 * v },
        `var ${i}`,
      );
    }
  }
});

Deno.test("discrete SGD's mean and variance approach the SGD SDE's as η → 0", () => {
  // At t = 1 (k = 1/η steps): exact discrete moments are (1 − ηh)^k θ0 and the recursion
  // V ← (1 − ηh)²V + η²s²/B; their relative distance to the SDE's is O(ηh). Checked by Monte Carlo
  // runs of SGD itself against the SDE's closed form.
  const B = 1, t = 1;
  const gaps = [0.05, 0.0125].map((lr) => {
    const [row] = discreteMoments({
      kind: "sgd",
      h,
      theta0,
      s,
      lr,
      batchSize: B,
      steps: [Math.round(t / lr)],
      runs: 40_000,
      seed: 3,
    });
    let gap = 0;
    for (let i = 0; i < 2; i++) {
      const v = ouVar(i, t, lr, B);
      gap = Math.max(gap, Math.abs(row[2 * i] - ouMean(i, t)) / Math.sqrt(v));
      gap = Math.max(gap, Math.abs(row[2 * i + 1] - v) / v);
    }
    return gap;
  });
  // Measured (seeds 3, 4): 0.10–0.12 at η = 0.05 (ηh = 0.2 on the stiff coordinate: the
  // stationary variance ratio 1/(1 − ηh/2) alone is 0.11), 0.03 at η = 0.0125.
  assert.ok(gaps[0] > 2.5 * gaps[1], `gaps ${gaps}`);
  assert.ok(gaps[1] < 0.05, `gap at η = 0.0125: ${gaps[1]}`);
});

Deno.test("sgdSde with per-sample gradients has noise covariance (η/B)Σ, never forming Σ", async () => {
  // Linear regression residual gradients g_i = a_i(a_iᵀθ − y_i) for N = 5 samples in d = 3.
  const rng = new Rng(2);
  const N = 5, d = 3;
  const a = Array.from({ length: N }, () => Array.from({ length: d }, () => rng.normal()));
  const y = Array.from({ length: N }, () => rng.normal());
  const theta = [0.3, -0.2, 0.5];
  const per = (th: ArrayLike<number>) =>
    a.map((ai, i) => {
      const r = ai.reduce((acc, v, j) => acc + v * th[j], 0) - y[i];
      return ai.map((v) => v * r);
    });
  let calls = 0;
  const oracle: GradientOracle = {
    dim: d,
    gradient: (th, out) => {
      const g = per(th);
      for (let j = 0; j < d; j++) out[j] = g.reduce((acc, gi) => acc + gi[j], 0) / N;
    },
    noise: {
      kind: "perSample",
      samples: N,
      perSampleGradients: (th, out) => {
        calls++;
        per(th).forEach((gi, i) => gi.forEach((v, j) => (out[i * d + j] = v)));
      },
    },
  };
  const lr = 0.1, B = 4;
  const sde = sgdSde(oracle, { lr, batchSize: B });
  assert.equal(sde.diffusion.kind === "general" && sde.diffusion.noiseDim, N);
  // Σ in float64 from its definition.
  const g = per(theta), mean = [0, 1, 2].map((j) => g.reduce((acc, gi) => acc + gi[j], 0) / N);
  const sigma = (i: number, j: number) =>
    g.reduce((acc, gk) => acc + (gk[i] - mean[i]) * (gk[j] - mean[j]), 0) / N;
  // Apply the diffusion to many independent dW ~ N(0, I_N) at the same θ (one call per draw).
  const draws = 40_000;
  const x = new Float64Array(draws * d);
  for (let p = 0; p < draws; p++) x.set(theta, p * d);
  const dW = new Rng(3).fillNormal(new Float64Array(draws * N));
  const out = new Float64Array(draws * d);
  if (sde.diffusion.kind === "general") await sde.diffusion.apply(0, x, dW, out);
  // The per-sample gradients were computed once per particle, not per call site.
  assert.equal(calls, draws);
  const col = (j: number) => Array.from({ length: draws }, (_, p) => out[p * d + j]);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const want = lr / B * sigma(i, j);
      const se = lr / B * Math.sqrt((sigma(i, i) * sigma(j, j) + sigma(i, j) ** 2) / draws);
      assertClose(covariance(col(i), col(j)), want, { atol: 5 * se }, `Cov[${i}][${j}]`);
    }
  }
  // The drift is −∇L.
  const f = new Float64Array(d);
  await sde.drift(0, Float64Array.from(theta), f);
  for (let j = 0; j < d; j++) assertClose(f[j], -mean[j], { rtol: 1e-12 }, `drift ${j}`);
});

Deno.test("sgdSde rejects bad rates, batch sizes and oracles", () => {
  const oracle = quadraticOracle({ curvature: [1] });
  assert.throws(() => sgdSde(oracle, { lr: -1 }), {
    name: "RangeError",
    message: "Cannot build the SGD SDE: lr must be a positive finite number, current value is -1",
  });
  assert.throws(() => sgdSde(oracle, { batchSize: 2.5 }), {
    name: "RangeError",
    message:
      "Cannot build the SGD SDE: batchSize must be a positive integer (a number of samples), current value is 2.5",
  });
  assert.throws(() => sgdSde(oracle, { batchSize: 0 }), {
    name: "RangeError",
    message:
      "Cannot build the SGD SDE: batchSize must be a positive integer (a number of samples), current value is 0",
  });
  assert.throws(
    () =>
      sgdSde({
        ...oracle,
        noise: { kind: "perSample", samples: 1, perSampleGradients: () => {} },
      }),
    {
      name: "RangeError",
      message:
        "Cannot build the SGD SDE: oracle.noise.samples must be an integer of at least 2, current value is 1",
    },
  );
});
