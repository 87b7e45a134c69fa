import assert from "node:assert/strict";
import { stochasticLanczosQuadrature } from "./stochastic_lanczos_quadrature.ts";
import { denseOperator } from "./linear_operator.ts";
import { counting, householderOperator, matrixWithSpectrum } from "./_test_matrices.ts";
import { assertClose } from "../_test_util.ts";
import { Rng } from "../random/mod.ts";

function diagonal(values: ArrayLike<number>) {
  const d = values.length, a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) a[i * d + i] = values[i];
  return denseOperator(a, d);
}

/** Σ_i w_i θ_i^k. */
function quadratureMoment(nodes: Float64Array, weights: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < nodes.length; i++) s += weights[i] * nodes[i] ** k;
  return s;
}

/** ∫ t^k φ(t) dt over the grid by the trapezoid rule. */
function gridMoment(rows: { lambda: number; density: number }[], k: number): number {
  let s = 0;
  for (let g = 1; g < rows.length; g++) {
    const h = rows[g].lambda - rows[g - 1].lambda;
    s += 0.5 * h *
      (rows[g].density * rows[g].lambda ** k + rows[g - 1].density * rows[g - 1].lambda ** k);
  }
  return s;
}

Deno.test("stochasticLanczosQuadrature is Gauss quadrature: exact moments up to degree 2m − 1", async () => {
  // For diagonal A and a unit Rademacher probe, vᵀA^k v = tr(A^k)/d exactly, so every probe's
  // quadrature must reproduce the normalized power traces for k ≤ 2m − 1.
  const d = 200, m = 12;
  const rng = new Rng(3);
  const values = Float64Array.from({ length: d }, () => 2 * rng.uniform() - 1);
  const res = await stochasticLanczosQuadrature(diagonal(values), { probes: 3, steps: m });
  assert.deepEqual(res.steps, [m, m, m]);
  for (let l = 0; l < 3; l++) {
    assertClose(quadratureMoment(res.nodes[l], res.weights[l], 0), 1, { rtol: 1e-13 }, "mass");
    for (let k = 1; k <= 2 * m - 1; k++) {
      const exact = values.reduce((s, x) => s + x ** k, 0) / d;
      assertClose(
        quadratureMoment(res.nodes[l], res.weights[l], k),
        exact,
        { atol: 1e-13 },
        `probe ${l}, moment ${k}`,
      );
    }
    // Degree 2m is not integrated exactly: the rule is genuinely m-point Gauss.
    const exact2m = values.reduce((s, x) => s + x ** (2 * m), 0) / d;
    assert.ok(Math.abs(quadratureMoment(res.nodes[l], res.weights[l], 2 * m) - exact2m) > 1e-12);
  }
});

Deno.test("stochasticLanczosQuadrature's density has the moments tr(A^k)/d of a 2000-dimensional operator", async () => {
  const d = 2000;
  const rng = new Rng(4);
  // Bulk in [0, 1], a negative cluster near −1 and ten outliers near 8: a Hessian-like spectrum.
  const spectrum = Float64Array.from({ length: d }, (_, i) => {
    if (i < 10) return 8 + 0.1 * i;
    if (i < 210) return -1 + 0.05 * rng.uniform();
    return rng.uniform() ** 3;
  });
  const { op } = householderOperator(spectrum, 5);
  const counted = counting(op);
  const res = await stochasticLanczosQuadrature(counted, { probes: 6, steps: 40, gridSize: 2000 });
  assert.equal(counted.count, 6 * 40);
  assert.equal(res.matvecs, 240);
  const mean = (k: number) => spectrum.reduce((s, x) => s + x ** k, 0) / d;
  const quad = (k: number) =>
    res.nodes.reduce((s, t, l) => s + quadratureMoment(t, res.weights[l], k), 0) / res.nodes.length;
  for (let k = 1; k <= 4; k++) {
    // A unit Rademacher probe has Var(vᵀA^kv) = 2Σ_{i≠j}(A^k)_ij²/d² ≤ 2 tr(A^{2k})/d², so with 6
    // probes the standard error is at most √(2 tr(A^{2k})/6)/d; allow 4 of them.
    const bound = 4 * Math.sqrt(2 * mean(2 * k) * d / 6) / d;
    assertClose(quad(k), mean(k), { atol: bound }, `quadrature moment ${k}`);
  }
  // The broadened density integrates to one, has the quadrature's mean, and adds σ² to the
  // second moment (a Gaussian kernel of width σ around each node).
  assertClose(gridMoment(res.density, 0), 1, { atol: 1e-6 }, "mass");
  assertClose(gridMoment(res.density, 1), quad(1), { atol: 1e-6 }, "first moment");
  assertClose(
    gridMoment(res.density, 2),
    quad(2) + res.sigma ** 2,
    { atol: 1e-5 },
    "second moment",
  );
  // The mass of the density near −1 is the fraction of the negative cluster, 200/2000.
  let near = 0;
  for (let g = 1; g < res.density.length; g++) {
    const r = res.density[g];
    if (r.lambda > -1.5 && r.lambda < -0.5) {
      near += r.density * (r.lambda - res.density[g - 1].lambda);
    }
  }
  assertClose(near, 0.1, { atol: 0.03 }, "mass of the negative cluster");
});

Deno.test("stochasticLanczosQuadrature stops at an invariant Krylov space with exact nodes", async () => {
  // Three distinct eigenvalues: every probe's Krylov space is invariant after three steps, the
  // nodes are the eigenvalues and the weights their fractions (for this diagonal matrix, exactly).
  const values = Array.from({ length: 30 }, (_, i) => (i < 5 ? -2 : i < 15 ? 1 : 4));
  const known = matrixWithSpectrum(values, 8);
  const res = await stochasticLanczosQuadrature(known.op, { probes: 2, steps: 20 });
  assert.deepEqual(res.steps, [3, 3]);
  for (const nodes of res.nodes) {
    assert.deepEqual(Array.from(nodes, (x) => Math.round(x * 1e9) / 1e9), [-2, 1, 4]);
  }
  const diag = await stochasticLanczosQuadrature(diagonal(values), { probes: 1, steps: 20 });
  assertClose(diag.weights[0][0], 5 / 30, { rtol: 1e-12 }, "weight of −2");
  assertClose(diag.weights[0][1], 10 / 30, { rtol: 1e-12 }, "weight of 1");
  assertClose(diag.weights[0][2], 15 / 30, { rtol: 1e-12 }, "weight of 4");
});

Deno.test("stochasticLanczosQuadrature honours sigma, range and gridSize, and is seeded", async () => {
  const known = matrixWithSpectrum(Array.from({ length: 40 }, (_, i) => i / 10), 9);
  const res = await stochasticLanczosQuadrature(known.op, {
    probes: 2,
    steps: 10,
    sigma: 0.25,
    range: [-1, 5],
    gridSize: 7,
  });
  assert.equal(res.sigma, 0.25);
  assert.deepEqual(res.density.map((r) => r.lambda), [-1, 0, 1, 2, 3, 4, 5]);
  // The density at a grid point is the weighted sum of Gaussians, recomputed here directly.
  const t = 2;
  let expected = 0;
  res.nodes.forEach((nodes, l) =>
    nodes.forEach((x, i) => {
      expected += res.weights[l][i] * Math.exp(-0.5 * ((t - x) / 0.25) ** 2) /
        (0.25 * Math.sqrt(2 * Math.PI));
    })
  );
  assertClose(res.density[3].density, expected / 2, { rtol: 1e-13 }, "density at λ = 2");
  const again = await stochasticLanczosQuadrature(known.op, {
    probes: 2,
    steps: 10,
    sigma: 0.25,
    range: [-1, 5],
    gridSize: 7,
  });
  assert.deepEqual(again, res);
  const other = await stochasticLanczosQuadrature(known.op, { probes: 2, steps: 10, seed: 1 });
  assert.notDeepEqual(other.nodes[0], res.nodes[0]);
});

Deno.test("stochasticLanczosQuadrature rejects bad input with messages that name the argument", async () => {
  const op = denseOperator([1, 0, 0, 2], 2);
  const cases: [unknown, string, string][] = [
    [{ probes: 0 }, "RangeError", "probes must be a positive integer, current value is 0"],
    [{ steps: 3 }, "RangeError", "steps must be an integer in [1, 2], current value is 3"],
    [{ sigma: -1 }, "RangeError", "sigma must be a positive finite number, current value is -1"],
    [{ gridSize: 1 }, "RangeError", "gridSize must be an integer ≥ 2, current value is 1"],
    [
      { range: [1, 0] },
      "RangeError",
      "range must be two finite numbers [lower, upper] with lower < upper, current value is [1,0]",
    ],
    [{ onProgress: {} }, "TypeError", "onProgress must be a function, current value is an object"],
  ];
  for (const [options, name, message] of cases) {
    // deno-lint-ignore no-explicit-any
    await assert.rejects(() => stochasticLanczosQuadrature(op, options as any), {
      name,
      message: `Cannot estimate the spectral density: ${message}`,
    });
  }
});
