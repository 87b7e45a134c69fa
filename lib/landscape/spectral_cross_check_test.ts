/**
 * The spectral cross-check suite: every spectral estimator against exact float64 Hessians of
 * small networks (see `_spectral_cases.ts`), over many seeds. It prints a summary of miss counts
 * and error distributions and fails on any miss:
 *
 * - an eigenvalue estimate that is converged but farther from the exact one it claims to be (the
 *   i-th largest, or smallest) than its reported residual: a skipped eigenvalue, or a residual
 *   that understates the error;
 * - a reported residual below the true residual ‖Hy − θy‖ with the exact H;
 * - trace estimates whose z-scores (estimate − exact)/standardError do not look standard normal
 *   (rule below), SLQ moments outside 4 standard errors or nodes outside the spectrum, and Σ or s
 *   off their exact values.
 *
 * @module
 */
import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { hutchPlusPlusTrace, lanczos } from "../linalg/mod.ts";
import { matvec64 } from "../nn/_float64_reference.ts";
import { Rng } from "../random/mod.ts";
import { type BuiltCase, CROSS_CHECK_CASES } from "./_spectral_cases.ts";
import { sharpness } from "./sharpness.ts";
import { topHessianEigenvalues } from "./top_hessian_eigenvalues.ts";
import { hessianTrace } from "./hessian_trace.ts";
import { hessianSpectralDensity } from "./hessian_spectral_density.ts";
import { gradientNoiseCovariance } from "./gradient_noise_covariance.ts";
import { gradientNoiseNonUniformity } from "./gradient_noise_non_uniformity.ts";

/** Seeds per case for the eigensolvers and for the trace estimators. */
const EIGEN_SEEDS = 25, TRACE_SEEDS = 50;

const cases: BuiltCase[] = [];
for (const c of CROSS_CHECK_CASES) cases.push(await c.build());
const norm = (c: BuiltCase) =>
  Math.max(Math.abs(c.eigenvalues[0]), Math.abs(c.eigenvalues.at(-1)!));

/** One row of the printed summary. */
interface Row {
  estimator: string;
  runs: number;
  misses: number;
  products: number;
  errors: number[];
  notes: string;
}
const summary: Row[] = [];

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function trueResidual(H: Float64Array, value: number, v: Float64Array): number {
  const hv = matvec64(H, v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (hv[i] - value * v[i]) ** 2;
  return Math.sqrt(s);
}

/**
 * Runs an eigensolver over the cases and seeds; a miss is a converged pair whose exact
 * counterpart (the i-th from the wanted end) is farther than its residual, or whose residual is
 * below the true one. Errors are |θ − λ|/‖H‖.
 */
async function eigenCheck(
  estimator: string,
  want: (c: BuiltCase, i: number) => number,
  run: (c: BuiltCase, seed: number) => Promise<{
    values: ArrayLike<number>;
    vectors: Float64Array[];
    residuals: ArrayLike<number>;
    converged: boolean;
    iterations: number;
  }>,
): Promise<Row> {
  const row: Row = { estimator, runs: 0, misses: 0, products: 0, errors: [], notes: "" };
  let worstHonesty = 0;
  for (const c of cases) {
    for (let seed = 0; seed < EIGEN_SEEDS; seed++) {
      const r = await run(c, seed);
      row.runs++;
      row.products += r.iterations;
      assert.ok(r.converged, `${estimator} on ${c.name} seed ${seed} did not converge`);
      let missed = false;
      for (let i = 0; i < r.values.length; i++) {
        const err = Math.abs(r.values[i] - want(c, i));
        row.errors.push(err / norm(c));
        const truth = trueResidual(c.hessian, r.values[i], r.vectors[i]);
        worstHonesty = Math.max(worstHonesty, truth / r.residuals[i]);
        if (err > r.residuals[i] || truth > r.residuals[i]) missed = true;
      }
      if (missed) row.misses++;
    }
  }
  row.notes = `true/reported residual ≤ ${worstHonesty.toFixed(3)}`;
  summary.push(row);
  return row;
}

const top = (c: BuiltCase, i: number) => c.eigenvalues[c.d - 1 - i];
const sharpnessPairs = (r: Awaited<ReturnType<typeof sharpness>>) => ({
  values: [r.value],
  vectors: [r.vector],
  residuals: [r.residual],
  converged: r.converged,
  iterations: r.iterations,
});
const EIGEN_CHECKS: [
  string,
  (c: BuiltCase, i: number) => number,
  Parameters<typeof eigenCheck>[2],
][] = [
  [
    "sharpness (Lanczos, tol 1e-3)",
    top,
    (c, seed) => sharpness(c.point, { seed }).then(sharpnessPairs),
  ],
  [
    "sharpness (Lanczos, tol 1e-5)",
    top,
    (c, seed) => sharpness(c.point, { seed, tol: 1e-5 }).then(sharpnessPairs),
  ],
  [
    "sharpness (power, tol 1e-3)",
    top,
    (c, seed) =>
      sharpness(c.point, { seed, method: "power", maxIterations: 2000 }).then(sharpnessPairs),
  ],
  [
    "sharpness (Lanczos, device vectors, tol 1e-5)",
    top,
    (c, seed) => sharpness(c.point, { seed, tol: 1e-5, vectors: "device" }).then(sharpnessPairs),
  ],
  ["top-3 (tol 1e-3)", top, (c, seed) => topHessianEigenvalues(c.point, { k: 3, seed })],
  ["top-5 (tol 1e-3)", top, (c, seed) => topHessianEigenvalues(c.point, { k: 5, seed })],
  [
    "smallest-2 (tol 1e-3)",
    (c, i) => c.eigenvalues[i],
    (c, seed) => topHessianEigenvalues(c.point, { k: 2, which: "smallest", seed }),
  ],
];
for (const [name, want, run] of EIGEN_CHECKS) {
  Deno.test(`${name}: no skipped eigenvalue, residuals bound the exact Hessian's`, async () => {
    const row = await eigenCheck(name, want, run);
    assert.equal(row.misses, 0, `${name}: ${row.misses} misses in ${row.runs} runs`);
  });
}

Deno.test("a warm start near the second eigenvector: one vector per step reports λ2 as the sharpness, converged; blocks of two find λ1", async () => {
  // What tracking the sharpness meets when the top two eigenvalues cross: the previous top
  // eigenvector is close to the new second one and has almost nothing along the new first.
  for (const c of cases) {
    const u1 = c.eigenvectors[c.d - 1], u2 = c.eigenvectors[c.d - 2];
    const noise = new Rng(1).fillNormal(new Float64Array(c.d));
    const start = u2.map((x, i) => x + 0.1 * noise[i] / Math.sqrt(c.d));
    const along = u1.reduce((s, x, i) => s + x * start[i], 0);
    u1.forEach((x, i) => (start[i] -= along * x));
    const [l1, l2] = [c.eigenvalues[c.d - 1], c.eigenvalues[c.d - 2]];
    const single = await sharpness(c.point, { startVector: start, blockSize: 1 });
    assert.ok(single.converged && Math.abs(single.value - l2) <= single.residual, c.name);
    const block = await sharpness(c.point, { startVector: start });
    assert.ok(block.trusted && Math.abs(block.value - l1) <= block.residual, c.name);
  }
});

/**
 * The rule for z-scores z = (estimate − exact)/standardError over N runs, each a studentized mean
 * of p probes (so t-distributed with ν = p − 1 when the probes are normal, variance ν/(ν − 2)):
 * the mean within 4·sd/√N and the variance within 4 sampling standard deviations
 * var·√((2 + κ)/N) of ν/(ν − 2), κ = 6/(ν − 4) the t's excess kurtosis.
 */
function checkZ(name: string, zs: number[], probes: number) {
  const n = zs.length, nu = probes - 1;
  const target = nu / (nu - 2);
  const mean = zs.reduce((a, z) => a + z, 0) / n;
  const variance = zs.reduce((a, z) => a + (z - mean) ** 2, 0) / (n - 1);
  const meanBound = 4 * Math.sqrt(target / n);
  const varBound = 4 * target * Math.sqrt((2 + 6 / (nu - 4)) / n);
  summary.push({
    estimator: name,
    runs: n,
    misses: Math.abs(mean) > meanBound || Math.abs(variance - target) > varBound ? 1 : 0,
    products: 0,
    errors: zs.map(Math.abs),
    notes: `z mean ${mean.toFixed(3)} (±${meanBound.toFixed(3)}), variance ${
      variance.toFixed(3)
    } (${target.toFixed(3)} ± ${varBound.toFixed(3)})`,
  });
  assert.ok(Math.abs(mean) <= meanBound, `${name}: z mean ${mean}`);
  assert.ok(Math.abs(variance - target) <= varBound, `${name}: z variance ${variance}`);
}

for (const method of ["hutchinson", "hutch++"] as const) {
  Deno.test(`${method}: standard errors make standard z-scores against the exact trace`, async () => {
    const zs: number[] = [];
    const rel: number[] = [];
    let products = 0;
    for (const c of cases) {
      let trace = 0;
      for (let i = 0; i < c.d; i++) trace += c.hessian[i * c.d + i];
      for (let seed = 0; seed < TRACE_SEEDS; seed++) {
        const r = await hessianTrace(c.point, { method, matvecs: 60, seed });
        products += r.matvecs;
        zs.push((r.value - trace) / r.standardError);
        rel.push(Math.abs(r.value - trace) / Math.abs(trace));
      }
    }
    // Hutch++ with 60 products: 20 sketch, 20 Rayleigh quotients, 20 probes.
    checkZ(`${method} z-scores (60 products)`, zs, method === "hutchinson" ? 60 : 20);
    const row = summary[summary.length - 1];
    row.products = products;
    row.notes += `; |error|/tr: median ${quantile(rel, 0.5).toExponential(1)}, max ${
      Math.max(...rel).toExponential(1)
    }`;
  });
}

Deno.test("SLQ moments are unbiased within their standard errors and its nodes lie in the spectrum", async () => {
  const probes = 4, steps = 12, seeds = 10;
  let worstNode = 0, products = 0;
  const zs: number[] = [];
  for (const c of cases) {
    const floor = 1e-6 * norm(c);
    // tr(H^j)/d for j = 1, 2, 3: degree ≤ 2·steps − 1, so each probe's Gauss rule is exact.
    const exact = [1, 2, 3].map((j) => {
      let s = 0;
      for (const l of c.eigenvalues) s += l ** j;
      return s / c.d;
    });
    const samples: number[][] = [[], [], []];
    for (let seed = 0; seed < seeds; seed++) {
      const r = await hessianSpectralDensity(c.point, { probes, steps, seed, gridSize: 16 });
      products += r.matvecs;
      for (const [l, nodes] of r.nodes.entries()) {
        assert.ok(nodes[0] >= c.eigenvalues[0] - floor, `${c.name}: node below λ_min`);
        assert.ok(nodes.at(-1)! <= c.eigenvalues.at(-1)! + floor, `${c.name}: node above λ_max`);
        worstNode = Math.max(worstNode, (nodes.at(-1)! - c.eigenvalues.at(-1)!) / norm(c));
        for (let j = 0; j < 3; j++) {
          samples[j].push(nodes.reduce((s, t, i) => s + r.weights[l][i] * t ** (j + 1), 0));
        }
      }
    }
    for (let j = 0; j < 3; j++) {
      const xs = samples[j], n = xs.length;
      const mean = xs.reduce((a, x) => a + x, 0) / n;
      const se = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) / n);
      zs.push((mean - exact[j]) / se);
      assert.ok(Math.abs(mean - exact[j]) <= 4 * se, `${c.name}: moment ${j + 1}`);
    }
  }
  summary.push({
    estimator: `SLQ moments 1-3 (${probes}×${seeds} probes, ${steps} steps)`,
    runs: zs.length,
    misses: 0,
    products,
    errors: zs.map(Math.abs),
    notes: `nodes inside [λ_min, λ_max] to 1e-6·‖H‖ (top node at most ${
      worstNode.toExponential(1)
    }·‖H‖ above λ_max)`,
  });
});

Deno.test("Σ products, its trace and top eigenvalue, and the non-uniformity s equal their exact values", async () => {
  const errors: number[] = [];
  for (const c of cases) {
    const g = c.perSampleGradients();
    const mean = new Float64Array(c.d);
    for (const gi of g) gi.forEach((x, j) => (mean[j] += x / c.n));
    // Σ = (1/n) Σ gᵢgᵢᵀ − ḡḡᵀ.
    const sigma = new Float64Array(c.d * c.d);
    for (const gi of g) {
      for (let a = 0; a < c.d; a++) {
        for (let b = 0; b < c.d; b++) sigma[a * c.d + b] += gi[a] * gi[b] / c.n;
      }
    }
    for (let a = 0; a < c.d; a++) {
      for (let b = 0; b < c.d; b++) sigma[a * c.d + b] -= mean[a] * mean[b];
    }
    let trSigma = 0;
    for (let a = 0; a < c.d; a++) trSigma += sigma[a * c.d + a];
    const op = gradientNoiseCovariance(c.point);
    const exact = await lanczos({ dim: c.d, matvec: (v) => matvec64(sigma, v) }, {
      k: 1,
      tol: 1e-12,
      maxIterations: c.d,
    });
    const top = await lanczos(op, { k: 1, tol: 1e-5 });
    errors.push(Math.abs(top.values[0] - exact.values[0]) / exact.values[0]);
    assert.ok(Math.abs(top.values[0] - exact.values[0]) <= 1e-5 * exact.values[0]);
    const tr = await hutchPlusPlusTrace(op, { matvecs: c.d });
    errors.push(Math.abs(tr.trace - trSigma) / trSigma);
    assert.ok(Math.abs(tr.trace - trSigma) <= 1e-5 * trSigma, `${c.name}: tr Σ`);
    op.dispose();
    // s² = λ_max((1/n) Σ Hᵢ² − H²).
    const hs = c.perSampleHessians();
    const m = new Float64Array(c.d * c.d);
    const square = (a: Float64Array, w: number) => {
      for (let i = 0; i < c.d; i++) {
        for (let k = 0; k < c.d; k++) {
          const aik = a[i * c.d + k] * w;
          if (aik === 0) continue;
          for (let j = 0; j < c.d; j++) m[i * c.d + j] += aik * a[k * c.d + j];
        }
      }
    };
    for (const h of hs) square(h, 1 / c.n);
    square(c.hessian, -1);
    const sExact = await lanczos({ dim: c.d, matvec: (v) => matvec64(m, v) }, {
      k: 1,
      tol: 1e-12,
      maxIterations: c.d,
    });
    const s = await gradientNoiseNonUniformity(c.point, { tol: 1e-4, maxIterations: 60 });
    errors.push(Math.abs(s.lambda - sExact.values[0]) / sExact.values[0]);
    assert.ok(
      Math.abs(s.lambda - sExact.values[0]) <= s.residual + 1e-5 * sExact.values[0],
      `${c.name}: s² ${s.lambda} vs ${sExact.values[0]}`,
    );
  }
  summary.push({
    estimator: "Σ top eigenvalue and trace, s²",
    runs: errors.length,
    misses: 0,
    products: 0,
    errors,
    notes: "relative errors",
  });
});

Deno.test("summary of the cross-check (printed), and no tensors left", () => {
  const lines = [
    "estimator | runs | misses | products/run | median error | max error | notes",
    "--- | --- | --- | --- | --- | --- | ---",
    ...summary.map((r) =>
      `${r.estimator} | ${r.runs} | ${r.misses} | ${
        r.products ? (r.products / r.runs).toFixed(1) : "–"
      } | ${quantile(r.errors, 0.5).toExponential(1)} | ${
        Math.max(...r.errors).toExponential(1)
      } | ${r.notes}`
    ),
  ];
  console.log(
    `\nspectral cross-check (eigenvalue errors relative to ‖H‖; z-scores for traces)\n${
      lines.join("\n")
    }`,
  );
  const before = tf.memory().numTensors;
  for (const c of cases) c.dispose();
  assert.ok(tf.memory().numTensors < before);
});
