import assert from "node:assert/strict";
import { erf } from "mathjs";
import { tf } from "../backend/mod.ts";
import { adam, gd, sgd } from "../optim/mod.ts";
import { simulateOptimizer } from "./simulate_optimizer.ts";
import { quadraticOracle } from "./quadratic_oracle.ts";
import { svag } from "./svag.ts";
import type { GradientOracle } from "./gradient_oracle.ts";
import { discreteMoments } from "./_optimizer_references.ts";
import { assertClose } from "../_test_util.ts";
import { requestInterrupt } from "../_interrupt.ts";
import { captureWarnings } from "../_test_util.ts";

// Float32 parameters against float64 references driven by the same normals: the rounding of a
// few hundred float32 steps (measured: 2e-8 for SGD, 6e-6 for Adam, relative), far below any
// Monte Carlo error.
const SAME_STREAM = 1e-4;

/** |mean − exact| ≤ z·sd/√n and |var − exact| ≤ z·var·√(2/n) (Gaussian θ). */
function assertMoments(
  mean: number,
  variance: number,
  exactMean: number,
  exactVariance: number,
  n: number,
  what: string,
  z = 5,
) {
  assertClose(mean, exactMean, { atol: z * Math.sqrt(exactVariance / n) }, `${what} mean`);
  assertClose(variance, exactVariance, { rtol: z * Math.sqrt(2 / n) }, `${what} variance`);
}

Deno.test("SGD on the noisy quadratic follows the exact discrete mean and variance recursion", async () => {
  // θ_{k+1} = (1 − ηh)θ_k − η s z/√B: E θ_k = (1 − ηh)^k θ0 and
  // Var θ_k = η²s²/B · (1 − (1 − ηh)^{2k})/(1 − (1 − ηh)²), in float64.
  const h = [1, 4], s = [1, 2], theta0 = [1, -0.5], lr = 0.1, B = 2, runs = 20_000;
  const r = await simulateOptimizer(sgd({ lr }), quadraticOracle({ curvature: h, noiseStd: s }), {
    runs,
    steps: 30,
    saveEvery: 10,
    theta0,
    batchSize: B,
    seed: 3,
  });
  assert.deepEqual(r.steps, [0, 10, 20, 30]);
  for (const [j, k] of r.steps.entries()) {
    for (let i = 0; i < 2; i++) {
      const a = 1 - lr * h[i];
      const mean = a ** k * theta0[i];
      const v = lr * lr * s[i] ** 2 / B * (1 - a ** (2 * k)) / (1 - a * a);
      if (k === 0) {
        assert.equal(r.mean[j][i], Math.fround(theta0[i]));
        assert.equal(r.variance[j][i], 0);
      } else assertMoments(r.mean[j][i], r.variance[j][i], mean, v, runs, `θ${i} at step ${k}`);
    }
  }
});

Deno.test("SGD and Adam match float64 scalar re-implementations driven by the same normals", async () => {
  const h = [1, 2.5], theta0 = [1, -1], s = [3, 1.5], runs = 500, seed = 11;
  const oracle = quadraticOracle({ curvature: h, noiseStd: s });
  const saveAt = [50, 100, 200];
  const cases = [
    { opt: sgd({ lr: 0.05 }), ref: { kind: "sgd" as const, lr: 0.05 } },
    {
      opt: adam({ lr: 0.02, beta1: 0.9, beta2: 0.99, eps: 1e-3 }),
      ref: { kind: "adam" as const, lr: 0.02, beta1: 0.9, beta2: 0.99, eps: 1e-3 },
    },
  ];
  for (const { opt, ref } of cases) {
    const r = await simulateOptimizer(opt, oracle, { runs, saveAt, theta0, batchSize: 4, seed });
    const want = discreteMoments({
      ...ref,
      h,
      theta0,
      s,
      batchSize: 4,
      steps: saveAt,
      runs,
      seed,
      forkFirst: true,
    });
    for (let k = 0; k < saveAt.length; k++) {
      for (let i = 0; i < 2; i++) {
        const sd = Math.sqrt(want[k][2 * i + 1]);
        assertClose(r.mean[k][i], want[k][2 * i], { atol: SAME_STREAM * sd }, `${ref.kind} mean`);
        assertClose(r.variance[k][i], want[k][2 * i + 1], { rtol: SAME_STREAM }, `${ref.kind} var`);
      }
    }
  }
});

Deno.test("Adam with β₁ = β₂ = 0 is sign descent: one noisy step has a closed-form law", async () => {
  // g = hθ0 + s z/√B, update −η g/(|g| + ε) ≈ −η sign(g) with P(g > 0) = p = Φ(hθ0√B/s):
  // E θ1 = θ0 − η(2p − 1), Var θ1 = 4η²p(1 − p).
  const h = 2, s = 3, theta0 = 0.4, lr = 0.1, B = 4, runs = 40_000;
  const r = await simulateOptimizer(
    adam({ lr, beta1: 0, beta2: 0, eps: 1e-12 }),
    quadraticOracle({ curvature: [h], noiseStd: s }),
    { runs, steps: 1, theta0: [theta0], batchSize: B, seed: 5 },
  );
  const p = 0.5 * (1 + (erf((h * theta0 * Math.sqrt(B) / s) / Math.SQRT2) as number));
  assertMoments(
    r.mean[1][0],
    r.variance[1][0],
    theta0 - lr * (2 * p - 1),
    4 * lr * lr * p * (1 - p),
    runs,
    "θ1",
  );
  // Noiseless, it is exactly sign descent: steps of η from 0.4 towards the minimum at 0.
  const quiet = await simulateOptimizer(
    adam({ lr, beta1: 0, beta2: 0, eps: 1e-12 }),
    quadraticOracle({ curvature: [h], noiseStd: 0 }),
    { runs: 3, saveAt: [1, 2, 3], theta0: [theta0], seed: 5 },
  );
  const want = [0.3, 0.2, 0.1];
  quiet.mean.forEach((m, k) => assertClose(m[0], want[k], { atol: 1e-6 }, `step ${k + 1}`));
  assert.ok(quiet.variance.every((v) => v[0] === 0));
});

Deno.test("SVAG (two gradients a step) follows its exact recursion", async () => {
  // Step η/ℓ, noise ℓ times one batch's: V ← (1 − ηh/ℓ)²V + η²s²/(ℓB).
  const h = 1, s = 1, lr = 0.8, l = 4, runs = 20_000, steps = 40;
  const r = await simulateOptimizer(
    svag(sgd({ lr }), { l }),
    quadraticOracle({ curvature: [h], noiseStd: s }),
    { runs, steps, theta0: [2], seed: 8 },
  );
  const a = 1 - lr * h / l;
  const v = lr * lr * s * s / l * (1 - a ** (2 * steps)) / (1 - a * a);
  assertMoments(r.mean[1][0], r.variance[1][0], 2 * a ** steps, v, runs, "θ");
});

Deno.test("simulateOptimizer takes per-sample noise: gradients θ ∓ 1 have Σ = 1", async () => {
  // Two samples with gradients θ + 1 and θ − 1: ∇L = θ, Σ = 1, the quadratic with h = s = 1.
  const oracle: GradientOracle = {
    dim: 1,
    gradient: (theta, out) => {
      out[0] = theta[0];
    },
    noise: {
      kind: "perSample",
      samples: 2,
      perSampleGradients: (theta, out) => {
        out[0] = theta[0] + 1;
        out[1] = theta[0] - 1;
      },
    },
  };
  const lr = 0.2, runs = 20_000, steps = 25;
  const r = await simulateOptimizer(sgd({ lr }), oracle, { runs, steps, seed: 2 });
  const a = 1 - lr;
  const v = lr * lr * (1 - a ** (2 * steps)) / (1 - a * a);
  assertMoments(r.mean[1][0], r.variance[1][0], 0, v, runs, "θ");
});

Deno.test("simulateOptimizer: records, time per step, saveAt, seeds and progress", async () => {
  const oracle = quadraticOracle({ curvature: [1, 2], noiseStd: 1 });
  const progress: number[] = [];
  const pushed: number[] = [];
  const run = (seed: number) =>
    simulateOptimizer(sgd({ lr: 0.1 }), oracle, {
      runs: 50,
      saveAt: [0, 3, 7],
      timePerStep: 0.1,
      seed,
      onProgress: (p) => progress.push(p.done),
      onRecord: (rows) => {
        pushed.push((rows as unknown[]).length);
      },
    });
  const a = await run(1), b = await run(1), c = await run(2);
  assert.deepEqual(a.steps, [0, 3, 7]);
  assert.deepEqual(a.records.map((row) => row.step), [0, 0, 3, 3, 7, 7]);
  assert.deepEqual(a.records.map((row) => row.component), ["θ0", "θ1", "θ0", "θ1", "θ0", "θ1"]);
  assertClose(a.records[4].t as number, 0.7);
  assertClose(a.records[4].std as number, Math.sqrt(a.records[4].variance as number));
  assert.deepEqual(a.records, b.records);
  assert.deepEqual(a.final, b.final);
  assert.notDeepEqual(a.final, c.final);
  assert.equal(a.final.length, 100);
  assert.equal(progress.at(-1), 7);
  assert.deepEqual(pushed.slice(0, 3), [2, 2, 2]);
});

Deno.test("simulateOptimizer: divergence is data (non-finite runs counted)", async () => {
  // ηh = 3: |1 − ηh| = 2, so θ doubles every step and overflows float32 after ~128 steps.
  const r = await simulateOptimizer(sgd({ lr: 3 }), quadraticOracle({ curvature: [1] }), {
    runs: 20,
    steps: 300,
    saveEvery: 100,
    theta0: [1],
  });
  assert.equal(r.records[0].nonFinite, 0);
  assert.equal(r.records.at(-1)!.nonFinite, 20);
  // No finite run left: the moments are NaN (never null), and nonFinite says why.
  assert.ok(Number.isNaN(r.records.at(-1)!.mean) && Number.isNaN(r.records.at(-1)!.std));
  assert.ok(Number.isNaN(r.mean.at(-1)![0]));
});

Deno.test("simulateOptimizer leaks no tensors", async () => {
  const oracle = quadraticOracle({ curvature: [1, 3], noiseStd: 0.5 });
  await simulateOptimizer(adam({ lr: 0.01 }), oracle, { runs: 10, steps: 2 }); // warm-up
  const before = tf.memory().numTensors;
  await simulateOptimizer(adam({ lr: 0.01 }), oracle, { runs: 10, steps: 5, saveEvery: 2 });
  await simulateOptimizer(svag(sgd({ lr: 0.1 }), { l: 2 }), oracle, { runs: 10, steps: 5 });
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("simulateOptimizer rejects bad input with exact messages", async () => {
  const oracle = quadraticOracle({ curvature: [1] });
  const opt = sgd({ lr: 0.1 });
  const cases: [() => Promise<unknown>, ErrorConstructor, string][] = [
    [
      () => simulateOptimizer(undefined!, oracle),
      TypeError,
      "Cannot simulate the optimizer: optimizer must be an Optimizer (e.g. sgd({ lr: 0.1 })), current value is undefined",
    ],
    [
      () => simulateOptimizer(gd({ lr: 0.1 }), oracle),
      TypeError,
      "Cannot simulate the optimizer: gd takes full-batch gradients, but the oracle's gradients are stochastic; use its stochastic counterpart (e.g. sgd for gd)",
    ],
    [
      () => simulateOptimizer(opt, { ...oracle, dim: 0 }),
      RangeError,
      "Cannot simulate the optimizer: oracle.dim must be a positive integer, current value is 0",
    ],
    [
      () => simulateOptimizer(opt, oracle, { runs: 0 }),
      RangeError,
      "Cannot simulate the optimizer: runs must be a positive integer, current value is 0",
    ],
    [
      () => simulateOptimizer(opt, oracle, { steps: -1 }),
      RangeError,
      "Cannot simulate the optimizer: steps must be a non-negative integer, current value is -1",
    ],
    [
      () => simulateOptimizer(opt, oracle, { saveEvery: 0 }),
      RangeError,
      "Cannot simulate the optimizer: saveEvery must be a positive integer, current value is 0",
    ],
    [
      () => simulateOptimizer(opt, oracle, { saveAt: [0, 5, 5] }),
      RangeError,
      "Cannot simulate the optimizer: saveAt must be strictly increasing integers in [0, steps = 5], current value is [0,5,5]",
    ],
    [
      () => simulateOptimizer(opt, oracle, { steps: 4, saveAt: [2, 6] }),
      RangeError,
      "Cannot simulate the optimizer: saveAt must be strictly increasing integers in [0, steps = 4], current value is [2,6]",
    ],
    [
      () => simulateOptimizer(opt, oracle, { theta0: [1, 2] }),
      RangeError,
      "Cannot simulate the optimizer: theta0 must hold d = 1 finite values, current value is [1,2]",
    ],
    [
      () => simulateOptimizer(opt, oracle, { batchSize: 0 }),
      RangeError,
      "Cannot simulate the optimizer: batchSize must be a positive integer (a number of samples), current value is 0",
    ],
    [
      () => simulateOptimizer(opt, oracle, { timePerStep: -1 }),
      RangeError,
      "Cannot simulate the optimizer: timePerStep must be a positive finite number, current value is -1",
    ],
  ];
  for (const [call, type, message] of cases) {
    await assert.rejects(call, (e: Error) => {
      assert.ok(e instanceof type, `${e.constructor.name} for "${message}"`);
      assert.equal(e.message, message);
      return true;
    });
  }
});

Deno.test("simulateOptimizer stops on an interrupt with the moments so far, and the next run is whole", async () => {
  const oracle = quadraticOracle({ curvature: [1, 2], noiseStd: 0.5 });
  const options = { runs: 50, steps: 40, saveEvery: 10, theta0: [1, 1], seed: 4 };
  await simulateOptimizer(adam({ lr: 0.01 }), oracle, { ...options, steps: 1 }); // warm-up
  const before = tf.memory().numTensors;
  const { value: r, warnings } = await captureWarnings(() =>
    simulateOptimizer(adam({ lr: 0.01 }), oracle, {
      ...options,
      onRecord: (rows) => {
        if ((rows as { step: number }[])[0].step === 20) requestInterrupt();
      },
    })
  );
  assert.equal(tf.memory().numTensors, before, "no tensor left");
  assert.deepEqual([r.interrupted, r.stepsTaken, r.steps], [true, 20, [0, 10, 20]]);
  assert.deepEqual(warnings, [
    "simulateOptimizer interrupted after step 20 of 40; returning the moments of the 3 save steps so far and θ after step 20",
  ]);
  const whole = await simulateOptimizer(adam({ lr: 0.01 }), oracle, options);
  assert.deepEqual([whole.interrupted, whole.stepsTaken, whole.steps], [false, 40, [
    0,
    10,
    20,
    30,
    40,
  ]]);
  // The same seed: the interrupted run's moments are the whole run's first ones.
  assert.deepEqual(r.records, whole.records.slice(0, 6));
  assert.equal(r.final.length, 100);
});
