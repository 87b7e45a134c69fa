import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import { exponentialLoss, leakyReluNet } from "../nn/mod.ts";
import { Rng } from "../random/mod.ts";
import { leakyReluMaxMargin2d } from "./leaky_relu_max_margin_2d.ts";
import { linearMaxMargin } from "./linear_max_margin.ts";
import { normalizedMargin } from "./normalized_margin.ts";
import { assertClose } from "../_test_util.ts";

const deg = (a: number) => [Math.cos(a * Math.PI / 180), Math.sin(a * Math.PI / 180)];

Deno.test("leakyReluMaxMargin2d: symmetric data, the bounds hold (1 + α)γ*/4 from the certified linear max margin", async () => {
  const rng = new Rng(5);
  const xs: number[][] = [], ys: number[] = [];
  while (xs.length < 12) {
    const x = [rng.normal(), rng.normal()];
    if (Math.abs(x[0] - 0.5 * x[1]) < 0.3) continue;
    const y = x[0] - 0.5 * x[1] > 0 ? 1 : 0;
    xs.push(x, [-x[0], -x[1]]);
    ys.push(y, 1 - y);
  }
  const data = createDataset(xs, ys, { targets: "signed" });
  const star = await linearMaxMargin(data);
  for (const alpha of [0.1, 0.3]) {
    const r = await leakyReluMaxMargin2d(data, { alpha, iterations: 5000 });
    const want = (1 + alpha) / 4 * star.margin;
    assert.ok(
      r.lower <= want + 1e-9 && want <= r.upper + 1e-9,
      `${r.lower} ≤ ${want} ≤ ${r.upper}`,
    );
    assert.ok(r.upper - r.lower < 0.02 * want, `gap ${r.upper - r.lower}`);
  }
  data.dispose();
});

Deno.test("leakyReluMaxMargin2d: the returned network's margin is the lower bound, and no random network beats the upper one", async () => {
  const angles = [75, -75, 0, 5, -5, 180];
  const data = createDataset(angles.map(deg), [1, 1, 1, 1, 1, 0], { targets: "signed" });
  const alpha = 0.2;
  const r = await leakyReluMaxMargin2d(data, { alpha, iterations: 5000 });
  const total = r.neurons.reduce((s, v) => s + v.share, 0);
  assertClose(total, 1, { rtol: 1e-9 });
  // Balanced neurons of mass c: ‖wₖ‖ = |aₖ| = √c.
  const m = r.neurons.length;
  const net = leakyReluNet(2, m, { alpha });
  const W = tf.tensor2d(
    [0, 1].map((i) =>
      r.neurons.map((v) => Math.sqrt(v.share) * (i ? Math.sin(v.angle) : Math.cos(v.angle)))
    ),
  );
  const a = tf.tensor2d(r.neurons.map((v) => [v.sign * Math.sqrt(v.share)]));
  const got = await normalizedMargin({ model: net, loss: exponentialLoss, data, params: [W, a] }, {
    degree: 2,
  });
  assertClose(got.value, r.lower, { rtol: 1e-5 });
  tf.dispose([W, a]);
  const rng = new Rng(2);
  const wide = leakyReluNet(2, 6, { alpha });
  for (let trial = 0; trial < 200; trial++) {
    const p = wide.init(rng.integer(1e9));
    const q = await normalizedMargin({ model: wide, loss: exponentialLoss, data, params: p }, {
      degree: 2,
    });
    assert.ok(q.value <= r.upper, `random net ${q.value} > upper ${r.upper}`);
    tf.dispose(p);
  }
  data.dispose();
});

Deno.test("leakyReluMaxMargin2d: invalid arguments throw with exact messages", async () => {
  const real = createDataset([[1, 0]], [[1]]);
  const three = createDataset([[1, 0, 0]], [1], { targets: "signed" });
  const data = createDataset([[1, 0]], [1], { targets: "signed" });
  await assert.rejects(() => leakyReluMaxMargin2d(real), {
    name: "TypeError",
    message:
      'Cannot bound the max-margin leaky ReLU network: data must be a Dataset with signed (±1) targets, current targets are "real"',
  });
  await assert.rejects(() => leakyReluMaxMargin2d(three), {
    name: "TypeError",
    message:
      "Cannot bound the max-margin leaky ReLU network: the inputs must be 2-D, current dimension is 3",
  });
  await assert.rejects(() => leakyReluMaxMargin2d(data, { alpha: -1 }), {
    name: "RangeError",
    message:
      "Cannot bound the max-margin leaky ReLU network: alpha must be in [0, 1), current value is -1",
  });
  await assert.rejects(() => leakyReluMaxMargin2d(data, { directions: 3 }), {
    name: "RangeError",
    message:
      "Cannot bound the max-margin leaky ReLU network: directions must be an integer of at least 4, current value is 3",
  });
  real.dispose();
  three.dispose();
  data.dispose();
});
