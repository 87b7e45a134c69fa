import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { manifoldToy } from "./manifold_toy.ts";
import { simulateManifoldToy } from "./simulate_manifold_toy.ts";
import { manifoldEffectiveDynamics } from "./manifold_effective_dynamics.ts";
import { sgd } from "./sgd.ts";
import { heavyBall } from "./heavy_ball.ts";
import { adam } from "./adam.ts";
import { rmsprop } from "./rmsprop.ts";
import { ire } from "./ire.ts";
import { assertClose } from "../_test_util.ts";
import { requestInterrupt } from "../_interrupt.ts";
import { captureWarnings } from "../_test_util.ts";

Deno.test("manifoldToy: h and h' of the polynomial, coordinates and parameters are inverse rotations", () => {
  const toy = manifoldToy({ curvature: [2, -1, 0.5, 0.25], rotation: 0.4 });
  const y = 1.3;
  assertClose(toy.h(y), 2 - y + 0.5 * y * y + 0.25 * y ** 3);
  assertClose(toy.dh(y), -1 + y + 0.75 * y * y);
  const [t0, t1] = toy.parameters(0.2, -0.7);
  const back = toy.coordinates(t0, t1);
  assertClose(back.x, 0.2, { atol: 1e-14 });
  assertClose(back.y, -0.7, { atol: 1e-14 });
  assertClose(Math.hypot(t0, t1), Math.hypot(0.2, 0.7), { rtol: 1e-14 });
  assert.throws(() => manifoldToy({ curvature: [] }), {
    name: "TypeError",
    message:
      "Cannot build the manifold toy: curvature must be a non-empty array of finite polynomial coefficients, current value is []",
  });
  assert.throws(() => manifoldToy({ rotation: Infinity }), {
    name: "RangeError",
    message:
      "Cannot build the manifold toy: rotation must be a finite angle in radians, current value is Infinity",
  });
});

Deno.test("manifoldEffectiveDynamics: the closed-form drifts of SGD, heavy ball and IRE, and E x² at rest", () => {
  const toy = manifoldToy();
  const h = 5, dh = 4, lr = 0.05, sigma = 0.8;
  const s = manifoldEffectiveDynamics(toy, sgd({ lr }), {
    labelNoise: sigma,
    steps: 4000,
    every: 4000,
  });
  assertClose(s.initialDrift, (-lr * dh / 2) * (lr * sigma * sigma) / (2 - lr * h), { rtol: 1e-6 });
  // E x² from the recursion at a (slowly moving) y, against ησ²/(2 − ηh) there.
  const last = s.rows.at(-1)!;
  assertClose(last.x2, (lr * sigma * sigma) / (2 - lr * toy.h(last.y)), { rtol: 0.01 });
  const mu = 0.8;
  const hb = manifoldEffectiveDynamics(toy, heavyBall({ lr, momentum: mu }), { labelNoise: sigma });
  const ex2 = (lr * sigma * sigma * (1 + mu)) / ((1 - mu) * (2 * (1 + mu) - lr * h));
  assertClose(hb.initialDrift, (-lr / (1 - mu)) * (dh / 2) * ex2, { rtol: 1e-6 });
  const boosted = manifoldEffectiveDynamics(toy, ire(sgd({ lr }), { kappa: 2 }), {
    labelNoise: sigma,
  });
  assertClose(boosted.initialDrift, 3 * s.initialDrift, { rtol: 1e-9 });
  assert.throws(() => manifoldEffectiveDynamics(toy, rmsprop({ lr: 0.1 })), {
    name: "TypeError",
    message:
      'Cannot derive the effective dynamics: the optimizer must be sgd, heavyBall or adam (or ire of one of them), current name is "rmsprop"',
  });
  assert.throws(
    () => manifoldEffectiveDynamics(manifoldToy({ rotation: 1 }), ire(sgd({ lr }), { kappa: 1 })),
    {
      name: "TypeError",
      message:
        "Cannot derive the effective dynamics: IRE's flat coordinate is y only when the toy is not rotated, current rotation is 1",
    },
  );
});

Deno.test("simulateManifoldToy: the measured drift follows the effective dynamics (SGD, heavy ball, Adam)", async () => {
  const toy = manifoldToy();
  const cases = [
    { opt: sgd({ lr: 0.05 }), steps: 400, rtol: 0.01 },
    { opt: heavyBall({ lr: 0.005, momentum: 0.9 }), steps: 400, rtol: 0.02 },
    { opt: adam({ lr: 0.01, beta2: 0.99 }), steps: 600, rtol: 0.02 },
  ];
  for (const { opt, steps, rtol } of cases) {
    const before = tf.memory().numTensors;
    const sim = await simulateManifoldToy(toy, opt, { runs: 256, steps, every: steps, seed: 1 });
    assert.equal(tf.memory().numTensors, before, `${opt.name}: no leaked tensors`);
    const eff = manifoldEffectiveDynamics(toy, opt, { steps, every: steps });
    const moved = sim.rows[1].y - 2, predicted = eff.rows[1].y - 2;
    assert.ok(predicted < -0.2, `${opt.name} moves`);
    // The model's error (rtol) plus three standard errors of the mean over the runs.
    const se = sim.rows[1].y_se;
    assert.ok(se < 0.02 * Math.abs(moved));
    assertClose(moved, predicted, { rtol, atol: 3 * se }, `${opt.name} displacement`);
    assert.ok(sim.rows[1].trace < sim.rows[0].trace, `${opt.name} lowers tr H`);
  }
});

Deno.test("simulateManifoldToy: seeds reproduce, and SGD does not see a rotation", async () => {
  const opt = sgd({ lr: 0.05 });
  const a = await simulateManifoldToy(manifoldToy(), opt, {
    runs: 64,
    steps: 100,
    every: 50,
    seed: 3,
  });
  const b = await simulateManifoldToy(manifoldToy(), opt, {
    runs: 64,
    steps: 100,
    every: 50,
    seed: 3,
  });
  assert.deepEqual(a.rows, b.rows);
  const c = await simulateManifoldToy(manifoldToy(), opt, {
    runs: 64,
    steps: 100,
    every: 50,
    seed: 4,
  });
  assert.notDeepEqual(a.rows, c.rows);
  const rotated = await simulateManifoldToy(manifoldToy({ rotation: 1.1 }), opt, {
    runs: 64,
    steps: 100,
    every: 50,
    seed: 3,
  });
  // The same noise on a rotated copy: the same trajectories up to float32 rounding.
  a.rows.forEach((r, i) => assertClose(rotated.rows[i].y, r.y, { atol: 1e-4 }, `step ${r.step}`));
  await assert.rejects(() => simulateManifoldToy(manifoldToy(), opt, { runs: 0 }), {
    name: "RangeError",
    message:
      "Cannot simulate the manifold toy: runs must be a positive integer, current value is 0",
  });
});

Deno.test("simulateManifoldToy stops on an interrupt with the records so far, leaving no tensor", async () => {
  const toy = manifoldToy();
  const options = { runs: 16, steps: 100, every: 10, seed: 2 };
  await simulateManifoldToy(toy, adam({ lr: 0.01 }), { ...options, steps: 1 }); // warm-up
  const before = tf.memory().numTensors;
  const { value: r, warnings } = await captureWarnings(() =>
    simulateManifoldToy(toy, adam({ lr: 0.01 }), {
      ...options,
      onProgress: (info) => {
        if (info.done === 45) requestInterrupt();
      },
    })
  );
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual([r.interrupted, r.steps], [true, 45]);
  assert.deepEqual(r.rows.map((row) => row.step), [0, 10, 20, 30, 40]);
  assert.deepEqual(warnings, [
    "simulateManifoldToy interrupted after step 45 of 100; returning the 5 records so far",
  ]);
  const whole = await simulateManifoldToy(toy, adam({ lr: 0.01 }), options);
  assert.deepEqual([whole.interrupted, whole.steps, whole.rows.length], [false, 100, 11]);
  assert.deepEqual(r.rows, whole.rows.slice(0, 5));
});

Deno.test("manifoldToy: sample scales are normalized, and batchVariance is the variance over every batch", () => {
  const raw = [0.3, 1.1, 2.0, 0.7, 1.4];
  const toy = manifoldToy({ sampleScales: raw });
  const mean = raw.reduce((s, a) => s + a, 0) / raw.length;
  toy.sampleScales.forEach((a, i) => assertClose(a, raw[i] / mean, { rtol: 1e-15 }));
  // Enumerate every batch of B distinct samples: the variance of its mean scale.
  const subsets = (n: number, k: number): number[][] =>
    k === 0 ? [[]] : n < k ? [] : [
      ...subsets(n - 1, k - 1).map((s) => [...s, n - 1]),
      ...subsets(n - 1, k),
    ];
  for (let B = 1; B <= raw.length; B++) {
    const means = subsets(raw.length, B).map((s) =>
      s.reduce((t, i) => t + toy.sampleScales[i], 0) / B
    );
    const mu = means.reduce((t, m) => t + m, 0) / means.length;
    const variance = means.reduce((t, m) => t + (m - mu) ** 2, 0) / means.length;
    assertClose(mu, 1, { rtol: 1e-14 }, `B = ${B}: mean`);
    assertClose(toy.batchVariance(B), variance, { rtol: 1e-12, atol: 1e-16 }, `B = ${B}`);
  }
  assert.equal(manifoldToy().batchVariance(1), 0);
  assert.throws(() => toy.batchVariance(6), {
    name: "RangeError",
    message:
      "Cannot compute the batch variance: batchSize must be an integer from 1 to the 5 samples, current value is 6",
  });
  assert.throws(() => manifoldToy({ sampleScales: [1, 0] }), {
    name: "RangeError",
    message:
      "Cannot build the manifold toy: sampleScales must be a non-empty array of positive finite numbers, current value is [1,0]",
  });
});

Deno.test("manifoldEffectiveDynamics with batches: SGD's closed-form drift −η²σ²h'/(2B(2 − ηh(1 + V)))", () => {
  const toy = manifoldToy({ sampleScales: [0.25, 0.75, 1.25, 1.75, 0.5, 1.5] });
  const h = 5, dh = 4, lr = 0.05, sigma = 0.8;
  for (const B of [1, 2, 3, 6]) {
    const V = toy.batchVariance(B);
    const r = manifoldEffectiveDynamics(toy, sgd({ lr }), {
      labelNoise: sigma,
      batchSize: B,
      steps: 10,
      every: 10,
    });
    const ex2 = (lr * sigma * sigma) / (B * (2 - lr * h * (1 + V)));
    assertClose(r.initialDrift, (-lr * dh / 2) * ex2, { rtol: 1e-6 }, `B = ${B}`);
  }
  assert.throws(() => manifoldEffectiveDynamics(manifoldToy(), sgd({ lr }), { batchSize: 2 }), {
    name: "RangeError",
    message:
      "Cannot derive the effective dynamics: batchSize must be an integer from 1 to the toy's 1 sample, current value is 2",
  });
});

Deno.test("simulateManifoldToy with batches: the drift follows the effective dynamics, and equal scales are label noise σ/√B", async () => {
  const toy = manifoldToy({ sampleScales: [0.2, 0.6, 1.0, 1.4, 1.8, 0.4, 1.2, 1.6] });
  const cases = [
    { opt: sgd({ lr: 0.1 }), batchSize: 1, steps: 300, rtol: 0.02 },
    { opt: sgd({ lr: 0.1 }), batchSize: 4, steps: 300, rtol: 0.02 },
    { opt: heavyBall({ lr: 0.01, momentum: 0.9 }), batchSize: 2, steps: 300, rtol: 0.03 },
    { opt: adam({ lr: 0.01, beta2: 0.99 }), batchSize: 2, steps: 400, rtol: 0.03 },
  ];
  for (const { opt, batchSize, steps, rtol } of cases) {
    const before = tf.memory().numTensors;
    const sim = await simulateManifoldToy(toy, opt, {
      runs: 512,
      steps,
      every: steps,
      batchSize,
      seed: 5,
    });
    assert.equal(tf.memory().numTensors, before, `${opt.name}: no leaked tensors`);
    const eff = manifoldEffectiveDynamics(toy, opt, { steps, every: steps, batchSize });
    const moved = sim.rows[1].y - 2, predicted = eff.rows[1].y - 2;
    assert.ok(predicted < -0.1, `${opt.name}, B = ${batchSize}: moves`);
    assertClose(
      moved,
      predicted,
      { rtol, atol: 3 * sim.rows[1].y_se },
      `${opt.name} B = ${batchSize}`,
    );
  }
  // The batch's scale variance is what separates B = 1 from label noise alone: with it dropped
  // (the one-sample toy at the same noise), the prediction misses the simulation.
  const sim1 = await simulateManifoldToy(toy, sgd({ lr: 0.1 }), {
    runs: 512,
    steps: 300,
    every: 300,
    seed: 5,
  });
  const plain = manifoldEffectiveDynamics(manifoldToy(), sgd({ lr: 0.1 }), {
    steps: 300,
    every: 300,
  });
  assert.ok(Math.abs(sim1.rows[1].y - plain.rows[1].y) > 10 * sim1.rows[1].y_se);
  // Four samples of equal scale in batches of four: ā = 1 and ζ ~ N(0, σ²/4), the one-sample toy
  // with label noise σ/2, so the two simulations agree in distribution.
  const equal = await simulateManifoldToy(
    manifoldToy({ sampleScales: [1, 1, 1, 1] }),
    sgd({ lr: 0.1 }),
    {
      runs: 512,
      steps: 300,
      every: 300,
      batchSize: 4,
      seed: 6,
    },
  );
  const half = await simulateManifoldToy(manifoldToy(), sgd({ lr: 0.1 }), {
    runs: 512,
    steps: 300,
    every: 300,
    labelNoise: 0.5,
    seed: 7,
  });
  assertClose(equal.rows[1].y, half.rows[1].y, {
    atol: 3 * Math.hypot(equal.rows[1].y_se, half.rows[1].y_se),
  });
  assertClose(equal.rows[1].x2, half.rows[1].x2, { rtol: 0.15 });
  await assert.rejects(
    () => simulateManifoldToy(manifoldToy(), sgd({ lr: 0.1 }), { batchSize: 2 }),
    {
      name: "RangeError",
      message:
        "Cannot simulate the manifold toy: batchSize must be an integer from 1 to the toy's 1 sample, current value is 2",
    },
  );
});
