import assert from "node:assert/strict";
import { adamSde } from "./adam_sde.ts";
import { quadraticOracle } from "./quadratic_oracle.ts";
import { solveSde } from "./solve_sde.ts";
import type { GradientOracle } from "./gradient_oracle.ts";
import {
  adamSdeMoments,
  discreteMoments,
  momentError,
  stateMoments,
} from "./_optimizer_references.ts";
import { assertClose } from "../_test_util.ts";

// Malladi et al.'s scaling: c₁ = (1 − β₁)/η², c₂ = (1 − β₂)/η², σ₀ = ση and ε₀ = εη fixed while
// η → 0, i.e. the per-sample noise s = σ₀s̃/η grows. The θ-law of the SDE is then the same for
// every η, and the discrete iterates should approach it at rate O(η).
const h = [1, 2.5], theta0 = [1, -1], sigma0 = [1, 0.6];
const c1 = 4, c2 = 1, eps0 = 0.1, times = [0.5, 1, 2];
const hyper = (lr: number) => ({
  lr,
  beta1: 1 - c1 * lr * lr,
  beta2: 1 - c2 * lr * lr,
  eps: eps0 / lr,
});
const s = (lr: number) => sigma0.map((v) => v / lr);

Deno.test("adamSde solved by Euler–Maruyama matches its moment ODE", async () => {
  const lr = 0.1, n = 4000;
  const sde = adamSde(quadraticOracle({ curvature: h, noiseStd: s(lr) }), hyper(lr));
  const r = await solveSde({ ...sde, y0: sde.initialState(theta0), t1: 2 }, {
    dt: 1e-3,
    particles: n,
    saveAt: times,
    seed: 4,
  });
  const ode = adamSdeMoments(h, theta0, s(lr), hyper(lr), times);
  for (let k = 0; k < times.length; k++) {
    const got = stateMoments(r.ys[k], sde.dim, 2);
    for (let i = 0; i < 2; i++) {
      const v = ode[k][2 * i + 1];
      // 5 standard errors, plus 0.01 for Euler–Maruyama near the singular start (measured
      // difference between dt = 1e-3 and 2.5e-4: 0.006).
      assertClose(
        got[2 * i],
        ode[k][2 * i],
        { atol: 5 * Math.sqrt(v / n) + 0.01 },
        `E θ${i}(${times[k]})`,
      );
      assertClose(
        got[2 * i + 1],
        v,
        { atol: 5 * v * Math.sqrt(2 / n) + 0.01 },
        `Var θ${i}(${times[k]})`,
      );
    }
  }
});

Deno.test("discrete Adam's mean and variance approach the Adam SDE's as η → 0", () => {
  const ode = adamSdeMoments(h, theta0, s(0.1), hyper(0.1), times);
  const errors = [0.2, 0.1, 0.05].map((lr) => {
    const disc = discreteMoments({
      kind: "adam",
      h,
      theta0,
      s: s(lr),
      ...hyper(lr),
      steps: times.map((t) => Math.round(t / (lr * lr))),
      runs: 20_000,
      seed: 7,
    });
    return momentError(disc, ode);
  });
  // Measured (seeds 7 and 8): 0.26–0.27, 0.08, 0.02–0.03 (in units of the SDE's sd and
  // variance): about linear in η down to the Monte Carlo noise of 20,000 runs (0.01–0.02).
  assert.ok(errors[0] > errors[1] && errors[1] > errors[2], `errors ${errors}`);
  assert.ok(errors[0] > 3 * errors[2], `errors ${errors}`);
  assert.ok(errors[2] < 0.06, `error at η = 0.05: ${errors[2]}`);
});

Deno.test("adamSde drift and diffusion are the formulas, with and without bias correction", async () => {
  // A non-diagonal Σ^{1/2} = S without a diagonal(): diag Σ = row norms of S squared.
  const S = [[1, 0.5], [0.5, 2]];
  const oracle: GradientOracle = {
    dim: 2,
    gradient: (theta, out) => {
      out[0] = 3 * theta[0], out[1] = -theta[1];
    },
    noise: {
      kind: "sqrtCovariance",
      apply: (_theta, z, out) => {
        out[0] = S[0][0] * z[0] + S[0][1] * z[1];
        out[1] = S[1][0] * z[0] + S[1][1] * z[1];
      },
    },
  };
  const lr = 0.05, beta1 = 0.8, beta2 = 0.95, eps = 0.3, batchSize = 4, t = 0.7;
  const x = Float64Array.of(0.5, -1, 0.2, 0.4, 1.5, 2.5); // θ, m, v
  const diag = [1 + 0.25, 0.25 + 4];
  const k1 = (1 - beta1) / lr ** 2, k2 = (1 - beta2) / lr ** 2;
  for (const biasCorrection of [true, false]) {
    const sde = adamSde(oracle, { lr, beta1, beta2, eps, batchSize, biasCorrection });
    const out = new Float64Array(6);
    await sde.drift(t, x, out);
    const g1 = biasCorrection ? 1 - Math.exp(-k1 * t) : 1;
    const g2 = biasCorrection ? 1 - Math.exp(-k2 * t) : 1;
    const grad = [3 * 0.5, 1];
    for (let i = 0; i < 2; i++) {
      const m = x[2 + i], v = x[4 + i];
      const want = -(Math.sqrt(g2) / g1) * m / (lr * (Math.sqrt(v) + eps * Math.sqrt(g2)));
      assertClose(out[i], want, { rtol: 1e-12 }, `θ drift ${i}`);
      assertClose(out[2 + i], k1 * (grad[i] - m), { rtol: 1e-12 }, `m drift ${i}`);
      assertClose(out[4 + i], k2 * (diag[i] / batchSize - v), { rtol: 1e-12 }, `v drift ${i}`);
    }
    const dW = Float64Array.of(0.3, -0.7);
    const diffusion = sde.diffusion;
    assert.equal(diffusion.kind, "general");
    if (diffusion.kind === "general") await diffusion.apply(t, x, dW, out);
    const scale = k1 * lr / Math.sqrt(batchSize);
    assert.deepEqual([out[0], out[1], out[4], out[5]], [0, 0, 0, 0]);
    assertClose(out[2], scale * (S[0][0] * 0.3 + S[0][1] * -0.7), { rtol: 1e-12 }, "m noise 0");
    assertClose(out[3], scale * (S[1][0] * 0.3 + S[1][1] * -0.7), { rtol: 1e-12 }, "m noise 1");
  }
  // At t = 0 the bias-corrected θ drift is 0 (m = 0 there).
  const out = new Float64Array(6);
  await adamSde(oracle, { lr }).drift(0, Float64Array.of(1, 1, 0, 0, 0, 0), out);
  assert.deepEqual([out[0], out[1]], [0, 0]);
});

Deno.test("adamSde rejects β outside [0, 1) and bad rates, oracles and initial states", () => {
  const oracle = quadraticOracle({ curvature: [1] });
  for (const beta1 of [1, -0.1]) {
    assert.throws(() => adamSde(oracle, { beta1 }), {
      name: "RangeError",
      message: `Cannot build the Adam SDE: beta1 must be in [0, 1), current value is ${beta1}`,
    });
  }
  assert.throws(() => adamSde(oracle, { beta2: 1.5 }), {
    name: "RangeError",
    message: "Cannot build the Adam SDE: beta2 must be in [0, 1), current value is 1.5",
  });
  assert.throws(() => adamSde(oracle, { lr: 0 }), {
    name: "RangeError",
    message: "Cannot build the Adam SDE: lr must be a positive finite number, current value is 0",
  });
  assert.throws(() => adamSde(oracle, { eps: -1 }), {
    name: "RangeError",
    message: "Cannot build the Adam SDE: eps must be a positive finite number, current value is -1",
  });
  assert.throws(() => adamSde({ ...oracle, dim: 0 }), {
    name: "RangeError",
    message: "Cannot build the Adam SDE: oracle.dim must be a positive integer, current value is 0",
  });
  assert.throws(
    () => adamSde({ ...oracle, noise: { kind: "dense" } as unknown as GradientOracle["noise"] }),
    {
      name: "TypeError",
      message:
        'Cannot build the Adam SDE: oracle.noise.kind must be "sqrtCovariance" or "perSample", current value is dense',
    },
  );
  assert.throws(() => adamSde(oracle).initialState([1, 2]), {
    name: "RangeError",
    message:
      "Cannot build the initial state of the Adam SDE: theta0 must hold d = 1 values, current length is 2",
  });
});
