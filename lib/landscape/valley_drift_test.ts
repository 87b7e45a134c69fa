import assert from "node:assert/strict";
import { symbolicLoss } from "./symbolic_loss.ts";
import { valleyDrift } from "./valley_drift.ts";
import { valleyEffectiveDynamics } from "./valley_effective_dynamics.ts";
import { assertClose } from "../_test_util.ts";

const logCosh = (x: number) => Math.abs(x) + Math.log1p(Math.exp(-2 * Math.abs(x))) - Math.LN2;

/**
 * Plain float64 GD on L = log cosh(x)·e^{κy} from (0.1, y₀): the measured drift per step, averaged
 * over a 2-cycle, against the prediction at the pair's mid-point, over the stretch where the
 * local step ηh(y) is between 2.6 and 3.
 */
function driftError(kappa: number, lr: number) {
  const g = symbolicLoss("log(cosh(x))");
  const h = symbolicLoss("exp(k * y)", { variables: ["y"], parameters: { k: kappa } });
  let x = 0.1, y = Math.log(3.5 / lr) / kappa;
  const ys: number[] = [];
  for (let t = 0; t < 1_000_000 && lr * Math.exp(kappa * y) > 2.5; t++) {
    const e = Math.exp(kappa * y);
    [x, y] = [x - lr * Math.tanh(x) * e, y - lr * logCosh(x) * kappa * e];
    ys.push(y);
  }
  let worst = 0;
  for (let t = 1; t + 2 < ys.length; t += 2) {
    const mid = (ys[t] + ys[t + 2]) / 2, edge = lr * Math.exp(kappa * mid);
    if (edge > 3 || edge < 2.6) continue;
    const measured = (ys[t + 2] - ys[t]) / 2;
    const predicted = valleyDrift(g, h, { lr, y: mid }).drift;
    worst = Math.max(worst, Math.abs(measured / predicted - 1));
  }
  return worst;
}

Deno.test("valleyDrift: closed-form cycle of g = √(1 + x²) − 1: x*² = (ηh/2)² − 1, drift −η(ηh/2 − 1)h'(y)", () => {
  const g = symbolicLoss("sqrt(1 + x^2) - 1");
  const h = symbolicLoss("1 + y^2");
  for (const [lr, y] of [[2.5, 0.3], [1, 1.2], [0.5, 2]]) {
    const hy = 1 + y * y, dh = 2 * y;
    const r = valleyDrift(g, h, { lr, y });
    assertClose(r.edge, lr * hy);
    assertClose(r.floorSharpness, hy);
    assertClose(r.amplitude, Math.sqrt((lr * hy / 2) ** 2 - 1), { rtol: 1e-12 });
    assertClose(r.drift, -lr * (lr * hy / 2 - 1) * dh, { rtol: 1e-12 });
    const q = valleyDrift(g, h, { lr, y, energy: "quadratic" });
    assertClose(q.drift, -lr * 0.5 * ((lr * hy / 2) ** 2 - 1) * dh, { rtol: 1e-12 });
  }
  // Below the edge GD converges to the floor: no cycle, no drift.
  const below = valleyDrift(g, h, { lr: 1, y: 0.5 });
  assert.equal(below.amplitude, 0);
  assert.equal(below.drift === 0, true);
});

Deno.test("valleyDrift: GD on log cosh(x)·e^{κy} drifts as predicted, with an error that vanishes like κ² (in float64)", () => {
  const errors = [0.04, 0.02, 0.01].map((k) => driftError(k, 1));
  assert.ok(errors[2] < 2e-3, `relative error ${errors[2]} at κ = 0.01`);
  // Second order: halving κ divides the error by about 4.
  for (let i = 1; i < errors.length; i++) {
    const ratio = errors[i - 1] / errors[i];
    assert.ok(ratio > 3.5 && ratio < 4.5, `error ratio ${ratio}`);
  }
});

Deno.test("valleyEffectiveDynamics: the averaged map tracks GD's y over a long run and ends at sharpness 2/η", () => {
  const kappa = 0.04, lr = 0.5;
  const g = symbolicLoss("log(cosh(x))");
  const h = symbolicLoss("exp(k * y)", { variables: ["y"], parameters: { k: kappa } });
  const y0 = Math.log(3 / lr) / kappa, steps = 3000;
  let x = 0.1, y = y0;
  const gd: number[] = [y];
  for (let t = 0; t < steps; t++) {
    const e = Math.exp(kappa * y);
    [x, y] = [x - lr * Math.tanh(x) * e, y - lr * logCosh(x) * kappa * e];
    gd.push(y);
  }
  const run = valleyEffectiveDynamics(g, h, { lr, y0, steps, every: 1000 });
  // GD needs a few steps to reach the cycle from x = 0.1; after that the two paths agree.
  for (const r of run.history.slice(1)) {
    assertClose(r.y as number, gd[r.step as number], { atol: 0.05 }, `y at step ${r.step}`);
  }
  assertClose(run.history.at(-1)!.floor_sharpness as number, 2 / lr, { rtol: 1e-3 });
  assert.ok(run.history.every((r) => (r.floor_sharpness as number) >= 2 / lr));
  // Runge–Kutta steps of the flow over 50 map steps land on the map's path.
  const coarse = valleyEffectiveDynamics(g, h, { lr, y0, steps, every: 1000, stride: 50 });
  coarse.history.forEach((r, i) =>
    assertClose(r.y as number, run.history[i].y as number, { atol: 2e-3 })
  );
});

Deno.test("valleyDrift and valleyEffectiveDynamics: invalid arguments throw with exact messages", () => {
  const g = symbolicLoss("log(cosh(x))"), h = symbolicLoss("exp(y)"), two = symbolicLoss("x*y");
  assert.throws(() => valleyDrift(two, h, { lr: 1, y: 0 }), {
    name: "TypeError",
    message:
      'Cannot compute the valley drift: across must be a one-variable SymbolicLoss (e.g. symbolicLoss("log(cosh(x))")), current value is a loss of 2 variables',
  });
  assert.throws(() => valleyDrift(g, h, { lr: -1, y: 0 }), {
    name: "RangeError",
    message: "Cannot compute the valley drift: lr must be a positive number, current value is -1",
  });
  assert.throws(() => valleyDrift(g, h, { lr: 1, y: NaN }), {
    name: "RangeError",
    message: "Cannot compute the valley drift: y must be a finite number, current value is NaN",
  });
  assert.throws(() => valleyDrift(g, symbolicLoss("y - 1"), { lr: 1, y: 0 }), {
    name: "RangeError",
    message: "Cannot compute the valley drift: h(y) must be positive, h(0) = -1",
  });
  assert.throws(() => valleyDrift(g, h, { lr: 1, y: 0, energy: "cubic" as "exact" }), {
    name: "TypeError",
    message:
      'Cannot compute the valley drift: energy must be "exact" or "quadratic", current value is "cubic"',
  });
  assert.throws(() => valleyEffectiveDynamics(g, h, { lr: 1, y0: 0, steps: -1 }), {
    name: "RangeError",
    message:
      "Cannot run the valley's effective dynamics: steps must be a non-negative integer, current value is -1",
  });
  assert.throws(() => valleyEffectiveDynamics(g, h, { lr: 1, y0: 0, every: 10, stride: 3 }), {
    name: "RangeError",
    message:
      "Cannot run the valley's effective dynamics: stride must be a positive integer dividing every (10), current value is 3",
  });
  assert.throws(() => valleyEffectiveDynamics(g, h, { lr: 1, y0: 0, every: 0 }), {
    name: "RangeError",
    message:
      "Cannot run the valley's effective dynamics: every must be a positive integer, current value is 0",
  });
});
