import assert from "node:assert/strict";
import { createDataset } from "../data/mod.ts";
import { Rng } from "../random/mod.ts";
import { alignedNetworkMargin } from "./aligned_network_margin.ts";
import { assertClose } from "../_test_util.ts";

/** The best margin over a fine grid of shares p, in float64 from float32-rounded inputs. */
function gridMargin(xs: number[][], ys: number[], w: number[], alpha: number, points = 100_001) {
  const phi = (z: number) => (z > 0 ? z : alpha * z);
  const nw = Math.hypot(...w);
  const z = xs.map((x) => x.reduce((s, v, j) => s + Math.fround(v) * w[j], 0) / nw);
  let best = -Infinity;
  for (let k = 0; k < points; k++) {
    const p = k / (points - 1);
    best = Math.max(
      best,
      Math.min(...z.map((zi, i) => ys[i] * (p * phi(zi) - (1 - p) * phi(-zi)))) / 2,
    );
  }
  return best;
}

Deno.test("alignedNetworkMargin: symmetric data give (1 + α)/4 times the linear margin, at equal shares", async () => {
  const rng = new Rng(3);
  const xs: number[][] = [], ys: number[] = [];
  for (let i = 0; i < 6; i++) {
    const x = [rng.normal(), rng.normal(), rng.normal()];
    const y = x[0] + 0.3 * x[1] > 0 ? 1 : -1;
    xs.push(x, x.map((v) => -v));
    ys.push(y, -y);
  }
  const data = createDataset(xs, ys.map((y) => (y > 0 ? 1 : 0)), { targets: "signed" });
  const w = [1, 0.3, 0];
  for (const alpha of [0, 0.1, 0.5]) {
    const r = await alignedNetworkMargin(data, w, { alpha });
    const linear = Math.min(...xs.map((x, i) =>
      ys[i] * (Math.fround(x[0]) + 0.3 * Math.fround(x[1]))
    )) / Math.hypot(...w);
    assertClose(r.linearMargin, linear, { rtol: 1e-9 });
    assertClose(r.margin, (1 + alpha) / 4 * linear, { rtol: 1e-9 });
    assertClose(r.positiveShare, 0.5, { atol: 1e-9 });
  }
  data.dispose();
});

Deno.test("alignedNetworkMargin: non-symmetric data against a grid over the share of positive neurons", async () => {
  const rng = new Rng(8);
  for (let trial = 0; trial < 4; trial++) {
    const xs = Array.from({ length: 7 }, () => [rng.normal(), rng.normal()]);
    const w = [rng.normal(), rng.normal()];
    const ys = xs.map((x) => (x[0] * w[0] + x[1] * w[1] > 0 ? 1 : -1));
    const data = createDataset(xs, ys.map((y) => (y > 0 ? 1 : 0)), { targets: "signed" });
    const r = await alignedNetworkMargin(data, w, { alpha: 0.2 });
    assertClose(r.margin, gridMargin(xs, ys, w, 0.2), { atol: 1e-5 });
    data.dispose();
  }
});

Deno.test("alignedNetworkMargin: a direction that misclassifies gives a negative margin, and the best share is an end point", async () => {
  const data = createDataset([[1, 0], [0.5, 0]], [1, 0], { targets: "signed" });
  const r = await alignedNetworkMargin(data, [1, 0], { alpha: 0 });
  // Both points have z > 0: f = P z for both, so y f ≥ 0 only if P = 0: margin 0 at p = 0.
  assertClose(r.margin, 0, { atol: 1e-15 });
  assert.equal(r.positiveShare, 0);
  assertClose(r.linearMargin, -0.5, { rtol: 1e-7 });
  data.dispose();
});

Deno.test("alignedNetworkMargin: invalid arguments throw with exact messages", async () => {
  const real = createDataset([[1, 0]], [[1]]);
  const data = createDataset([[1, 0]], [1], { targets: "signed" });
  await assert.rejects(() => alignedNetworkMargin(real, [1, 0]), {
    name: "TypeError",
    message:
      'Cannot compute the aligned network margin: data must be a Dataset with signed (±1) targets, current targets are "real"',
  });
  await assert.rejects(() => alignedNetworkMargin(data, [0, 0]), {
    name: "RangeError",
    message:
      "Cannot compute the aligned network margin: direction must be a non-zero finite vector of length 2, current length is 2",
  });
  await assert.rejects(() => alignedNetworkMargin(data, [1, 0], { alpha: 1 }), {
    name: "RangeError",
    message:
      "Cannot compute the aligned network margin: alpha must be in [0, 1), current value is 1",
  });
  real.dispose();
  data.dispose();
});
