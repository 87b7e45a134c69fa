import assert from "node:assert/strict";
import { rmspropSde } from "./rmsprop_sde.ts";
import { quadraticOracle } from "./quadratic_oracle.ts";
import { solveSde } from "./solve_sde.ts";
import {
  discreteMoments,
  momentError,
  rmspropSdeMoments,
  stateMoments,
} from "./_optimizer_references.ts";
import { assertClose } from "../_test_util.ts";

// As for Adam: c₂ = (1 − β)/η², σ₀ = ση, ε₀ = εη fixed while η → 0.
const h = [1, 2.5], theta0 = [1, -1], sigma0 = [1, 0.6];
const c2 = 1, eps0 = 0.1, times = [0.5, 1, 2];
const hyper = (lr: number) => ({ lr, beta: 1 - c2 * lr * lr, eps: eps0 / lr });
const s = (lr: number) => sigma0.map((v) => v / lr);

Deno.test("the RMSprop moment ODE reduces to Ornstein–Uhlenbeck when v settles at once", () => {
  // With c₂ huge, v = s² from the start: dθ = −hθ/(η(s + ε)) dt − dW·s/(s + ε), an OU process.
  const lr = 0.1, si = 3, eps = 1, hi = 2;
  const [row] = rmspropSdeMoments([hi], [1], [si], { lr, beta: 1 - 1e6 * lr * lr, eps }, [0.4]);
  const rate = hi / (lr * (si + eps)), noise = (si / (si + eps)) ** 2;
  assertClose(row[0], Math.exp(-rate * 0.4), { rtol: 1e-3 }, "mean");
  assertClose(row[1], noise * (1 - Math.exp(-2 * rate * 0.4)) / (2 * rate), { rtol: 1e-3 }, "var");
});

Deno.test("rmspropSde solved by Euler–Maruyama matches its moment ODE", async () => {
  const lr = 0.1, n = 4000;
  const sde = rmspropSde(quadraticOracle({ curvature: h, noiseStd: s(lr) }), hyper(lr));
  const r = await solveSde({ ...sde, y0: sde.initialState(theta0), t1: 2 }, {
    dt: 1e-3,
    particles: n,
    saveAt: times,
    seed: 5,
  });
  const ode = rmspropSdeMoments(h, theta0, s(lr), hyper(lr), times);
  for (let k = 0; k < times.length; k++) {
    const got = stateMoments(r.ys[k], sde.dim, 2);
    for (let i = 0; i < 2; i++) {
      const v = ode[k][2 * i + 1];
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
  // The v component follows dv = c₂(s² − v)dt exactly (no noise): v(t) = s²(1 − e^{−c₂t}).
  const v1 = r.ys[2][2];
  assertClose(v1, s(lr)[0] ** 2 * -Math.expm1(-c2 * 2), { rtol: 2e-3 }, "v at t = 2");
});

Deno.test("discrete RMSprop's mean and variance approach the RMSprop SDE's as η → 0", () => {
  const ode = rmspropSdeMoments(h, theta0, s(0.1), hyper(0.1), times);
  const errors = [0.2, 0.1, 0.05].map((lr) =>
    momentError(
      discreteMoments({
        kind: "rmsprop",
        h,
        theta0,
        s: s(lr),
        lr,
        beta2: hyper(lr).beta,
        eps: hyper(lr).eps,
        steps: times.map((t) => Math.round(t / (lr * lr))),
        runs: 20_000,
        seed: 7,
      }),
      ode,
    )
  );
  // Measured (seeds 7 and 8): 0.12–0.13, 0.06, 0.01–0.02: about linear in η down to the noise.
  assert.ok(errors[0] > errors[1] && errors[1] > errors[2], `errors ${errors}`);
  assert.ok(errors[0] > 3 * errors[2], `errors ${errors}`);
  assert.ok(errors[2] < 0.04, `error at η = 0.05: ${errors[2]}`);
});

Deno.test("rmspropSde rejects β outside [0, 1) and bad rates", () => {
  const oracle = quadraticOracle({ curvature: [1] });
  assert.throws(() => rmspropSde(oracle, { beta: 1 }), {
    name: "RangeError",
    message: "Cannot build the RMSprop SDE: beta must be in [0, 1), current value is 1",
  });
  assert.throws(() => rmspropSde(oracle, { batchSize: -2 }), {
    name: "RangeError",
    message:
      "Cannot build the RMSprop SDE: batchSize must be a positive integer (a number of samples), current value is -2",
  });
  assert.throws(() => rmspropSde(null as unknown as typeof oracle), {
    name: "TypeError",
    message:
      "Cannot build the RMSprop SDE: the oracle must be an object with dim, gradient and noise, current value is null",
  });
});
