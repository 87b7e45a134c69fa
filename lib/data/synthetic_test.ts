import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { teacherStudent } from "./teacher_student.ts";
import { gaussianMixture } from "./gaussian_mixture.ts";
import { separable2d } from "./separable_2d.ts";
import { assertClose } from "../_test_util.ts";

/** Least-squares residual variance of y on x (no intercept), by normal equations in float64. */
function residualVariance(x: number[][], y: number[]): number {
  const d = x[0].length;
  const A = Array.from(
    { length: d },
    (_, i) =>
      Array.from(
        { length: d + 1 },
        (_, j) =>
          j < d
            ? x.reduce((s, r) => s + r[i] * r[j], 0)
            : x.reduce((s, r, k) => s + r[i] * y[k], 0),
      ),
  );
  for (let i = 0; i < d; i++) {
    for (let k = i + 1; k < d; k++) {
      const f = A[k][i] / A[i][i];
      for (let j = i; j <= d; j++) A[k][j] -= f * A[i][j];
    }
  }
  const w = new Array(d).fill(0);
  for (let i = d - 1; i >= 0; i--) {
    let s = A[i][d];
    for (let j = i + 1; j < d; j++) s -= A[i][j] * w[j];
    w[i] = s / A[i][i];
  }
  return x.reduce((s, r, k) => s + (y[k] - r.reduce((t, v, j) => t + v * w[j], 0)) ** 2, 0) /
    x.length;
}

Deno.test("teacherStudent: a linear teacher is fit exactly; label noise σ leaves variance σ²", async () => {
  const exact = teacherStudent({ samples: 200, inputDim: 4, activation: "identity", seed: 2 });
  const xs = await exact.x.array(), ys = (await exact.y.array() as number[][]).map((r) => r[0]);
  assert.ok(residualVariance(xs, ys) < 1e-10);
  const noisy = teacherStudent({
    samples: 4000,
    inputDim: 4,
    activation: "identity",
    seed: 2,
    noise: 0.3,
    testSamples: 100,
  });
  const r = residualVariance(
    await noisy.x.array(),
    (await noisy.y.array() as number[][]).map((v) => v[0]),
  );
  // σ² (n − d)/n = 0.09·0.999 with relative standard error √(2/n) ≈ 2.2%: bound 4 of them.
  assertClose(r, 0.09, { rtol: 0.09 }, "residual variance");
  const test = noisy.test!;
  assert.ok(
    residualVariance(await test.x.array(), (await test.y.array() as number[][]).map((v) => v[0])) <
      1e-10,
  );
  const tanh = teacherStudent({ samples: 10, seed: 2 });
  assert.deepEqual(await tanh.x.data(), await teacherStudent({ samples: 10, seed: 2 }).x.data());
  for (const d of [exact, noisy, tanh]) d.dispose();
});

Deno.test("gaussianMixture: balanced classes around means on a circle, spread std", async () => {
  const data = gaussianMixture({ samples: 3000, numClasses: 3, dim: 3, separation: 4, std: 0.5 });
  const x = await data.x.array();
  const r = 4 / (2 * Math.sin(Math.PI / 3));
  for (let c = 0; c < 3; c++) {
    const pts = x.filter((_, i) => data.labels![i] === c);
    assert.equal(pts.length, 1000);
    const mean = [0, 1, 2].map((j) => pts.reduce((s, p) => s + p[j], 0) / pts.length);
    const mu = [r * Math.cos((2 * Math.PI * c) / 3), r * Math.sin((2 * Math.PI * c) / 3), 0];
    // Standard error 0.5/√1000 ≈ 0.016; 5 of them.
    mean.forEach((m, j) => assertClose(m, mu[j], { atol: 0.08 }, `mean ${c},${j}`));
    const v = pts.reduce((s, p) => s + (p[2] - mean[2]) ** 2, 0) / pts.length;
    assertClose(v, 0.25, { rtol: 0.12 }, `variance ${c}`);
  }
  data.dispose();
});

Deno.test("separable2d: balanced ±1 labels with |u·x| ≥ margin; synthetic option errors", async () => {
  const data = separable2d({ samples: 41, margin: 0.25, angle: 1, targets: "integer" });
  const x = await data.x.array(), y = await data.y.data();
  const u = [Math.cos(1), Math.sin(1)];
  x.forEach((p, i) => {
    const s = u[0] * p[0] + u[1] * p[1];
    assert.ok(Math.abs(s) >= 0.25 - 1e-6);
    assert.equal(y[i], s > 0 ? 1 : 0);
  });
  assert.equal(data.labels!.filter((l) => l === 1).length, 21);
  data.dispose();
  assert.throws(() => separable2d({ margin: 2 }), {
    name: "RangeError",
    message:
      "Cannot make the separable data: margin must be in [0, 1.221) for this angle, current value is 2",
  });
  assert.throws(() => gaussianMixture({ numClasses: 3, targets: "signed" }), {
    name: "TypeError",
    message:
      "Cannot make the Gaussian mixture: signed targets need numClasses 2, current value is 3",
  });
  assert.throws(() => teacherStudent({ noise: -1 }), {
    name: "RangeError",
    message:
      "Cannot make the teacher–student data: noise must be a non-negative number, current value is -1",
  });
  assert.throws(() => gaussianMixture({ numClasses: 1 }), {
    name: "RangeError",
    message:
      "Cannot make the Gaussian mixture: numClasses must be an integer ≥ 2, current value is 1",
  });
  const before = tf.memory().numTensors;
  teacherStudent({ samples: 5, testSamples: 5 }).dispose();
  assert.equal(tf.memory().numTensors, before);
});
