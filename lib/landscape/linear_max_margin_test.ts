import assert from "node:assert/strict";
import { createDataset, separable2d } from "../data/mod.ts";
import { linearMaxMargin } from "./linear_max_margin.ts";
import { assertClose } from "../_test_util.ts";

/** γ* in 2-D, exactly: the optimum of minᵢ zᵢ·w(φ) is where two constraints meet or at a single zᵢ's direction. */
function bruteForce2d(z: number[][]): number {
  const margin = (w: number[]) => Math.min(...z.map((v) => v[0] * w[0] + v[1] * w[1]));
  let best = -Infinity;
  const candidates: number[][] = z.map((v) => {
    const r = Math.hypot(v[0], v[1]);
    return [v[0] / r, v[1] / r];
  });
  for (let i = 0; i < z.length; i++) {
    for (let j = i + 1; j < z.length; j++) {
      // (zᵢ − zⱼ)·w = 0: w ⟂ zᵢ − zⱼ.
      const dx = z[i][0] - z[j][0], dy = z[i][1] - z[j][1], r = Math.hypot(dx, dy);
      if (r > 0) candidates.push([-dy / r, dx / r], [dy / r, -dx / r]);
    }
  }
  for (const w of candidates) best = Math.max(best, margin(w));
  return best;
}

Deno.test("linearMaxMargin matches the exact 2-D optimum and certifies it", async () => {
  for (const seed of [0, 1, 2]) {
    const data = separable2d({ samples: 60, margin: 0.1, angle: 0.3 + seed, seed });
    const x = await data.x.array(), y = await data.y.data();
    const z = x.map((r, i) => [y[i] * r[0], y[i] * r[1]]);
    const r = await linearMaxMargin(data);
    assert.ok(r.converged, `seed ${seed}`);
    assertClose(r.margin, bruteForce2d(z), { rtol: 1e-9 }, `γ* seed ${seed}`);
    assert.ok(r.upperBound >= r.margin && r.upperBound - r.margin <= 1e-10 * r.margin);
    assertClose(Math.hypot(r.direction[0], r.direction[1]), 1, { rtol: 1e-12 });
    // Support vectors attain the margin.
    for (const i of r.supportVectors) {
      const q = z[i][0] * r.direction[0] + z[i][1] * r.direction[1];
      assertClose(q, r.margin, { rtol: 1e-6 }, `support vector ${i}`);
    }
    data.dispose();
  }
});

Deno.test("linearMaxMargin rejects data that no line through the origin separates, and unsigned targets", async () => {
  const bad = createDataset([[1, 0], [2, 0]], [1, -1], { targets: "signed" });
  await assert.rejects(() => linearMaxMargin(bad, { maxSweeps: 500 }), {
    name: "RangeError",
    message:
      "Cannot find the max-margin linear classifier: no direction through the origin separates the data after 500 sweeps, so they are most likely not linearly separable through the origin; check the labels or add a bias feature",
  });
  const ints = createDataset([[1, 0], [2, 0]], [1, 0], { targets: "integer" });
  await assert.rejects(() => linearMaxMargin(ints), {
    name: "TypeError",
    message:
      'Cannot find the max-margin linear classifier: data must be a Dataset with signed (±1) targets, current targets are "integer"',
  });
  bad.dispose();
  ints.dispose();
});
