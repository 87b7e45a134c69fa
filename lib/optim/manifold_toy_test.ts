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
