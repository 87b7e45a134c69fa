import assert from "node:assert/strict";
import { escapeTimes } from "./escape_times.ts";
import { levyPath } from "./levy_path.ts";
import { brownianPath } from "./brownian_path.ts";
import type { SdeProblem } from "./sde_terms.ts";
import { assertClose } from "../_test_util.ts";
import { requestInterrupt } from "../_interrupt.ts";
import { captureWarnings } from "../_test_util.ts";

// The double well U(x) = x⁴/4 − x²/2: minima ±1, barrier ΔU = 1/4 at 0. Particles start at −1
// and escape when they pass the barrier top, x > 0.
const well = (eps: number, t1: number): SdeProblem => ({
  dim: 1,
  drift: (_t, x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = x[i] - x[i] ** 3;
  },
  diffusion: { kind: "additive", sigma: eps },
  y0: [-1],
  t1,
});
const passed = (x: Float64Array, p: number) => x[p] > 0;

/** The exact mean first-passage time from x0 to b of dX = −U'dt + σdW (1-D, by quadrature):
 * T = (2/σ²) ∫_{x0}^{b} e^{2U(y)/σ²} ∫_{−∞}^{y} e^{−2U(z)/σ²} dz dy. */
function meanFirstPassage(sigma: number, x0: number, b: number): number {
  const U = (x: number) => x ** 4 / 4 - x ** 2 / 2;
  const lo = -4, steps = 200_000, h = (b - lo) / steps, k = 2 / sigma ** 2;
  let inner = 0, outer = 0, prev = 0;
  for (let i = 0; i <= steps; i++) {
    const y = lo + i * h;
    if (i > 0) inner += 0.5 * h * (Math.exp(-k * U(y - h)) + Math.exp(-k * U(y)));
    const f = Math.exp(k * U(y)) * inner;
    if (i > 0 && y > x0) outer += 0.5 * h * (prev + f);
    prev = f;
  }
  return k * outer;
}

/** Γ by Lanczos (g = 7), for the Lévy measure's constant. */
function gamma(z: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  z -= 1;
  let x = c[0];
  for (let i = 1; i < 9; i++) x += c[i] / (z + i);
  const t = z + 7.5;
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * x;
}

Deno.test("escapeTimes under Gaussian noise matches the exact mean first-passage time", async () => {
  const sigma = 0.3 * Math.SQRT2, n = 1000;
  const exact = meanFirstPassage(sigma, -1, 0); // 40.73
  const r = await escapeTimes(well(sigma, 500), passed, {
    particles: n,
    dt: 0.01,
    path: brownianPath({ particles: n, seed: 2 }),
  });
  assert.equal(r.escapedFraction, 1);
  assert.equal(r.meanTime, r.meanTimeMle);
  // Escape times are about exponential: SE ≈ mean/√n; plus 5% for the step. Measured: 43.5.
  assertClose(r.meanTime!, exact, { rtol: 4 / Math.sqrt(n) + 0.05 }, "mean escape time");
  assert.equal(r.rows.length, n);
  assert.ok(r.rows.every((row) => row.escaped === true && (row.time as number) > 0));
});

Deno.test("heavier tails escape sooner: α = 1.2 before 1.5 before Gaussian (α = 2)", async () => {
  // ε = 0.2 for all, same Lévy solver. Gaussian exact mean: 1238 (so about 8% escape by t = 100);
  // the α-stable first-order law α/(c_α ε^α) gives 25 and 56. Measured: escaped 1.00, 0.93, 0.06;
  // mean-time MLEs 17, 39, 1524.
  const n = 300, eps = 0.2, t1 = 100;
  const results = [];
  for (const alpha of [1.2, 1.5, 2]) {
    results.push(
      await escapeTimes(well(eps, t1), passed, {
        particles: n,
        dt: 0.02,
        path: levyPath(alpha, { particles: n, seed: 3 }),
      }),
    );
  }
  const [a12, a15, gauss] = results;
  assert.ok(a12.escapedFraction > 0.95, `α = 1.2 escaped ${a12.escapedFraction}`);
  assert.ok(a15.escapedFraction > 0.8, `α = 1.5 escaped ${a15.escapedFraction}`);
  assert.ok(gauss.escapedFraction < 0.2, `Gaussian escaped ${gauss.escapedFraction}`);
  assert.ok(a12.meanTimeMle! < a15.meanTimeMle! && a15.meanTimeMle! < gauss.meanTimeMle!);
  // The Gaussian escapes that do happen agree with the exact mean (censored exponential MLE).
  const exact = meanFirstPassage(Math.SQRT2 * eps, -1, 0);
  assert.ok(
    gauss.meanTimeMle! > exact / 3 && gauss.meanTimeMle! < exact * 3,
    `${gauss.meanTimeMle}`,
  );
});

Deno.test("α-stable escape times grow polynomially, towards α/(c_α ε^α) as ε → 0", async () => {
  // Imkeller–Pavlyukevich: exit needs one jump of εL beyond the distance 1 to the barrier; jumps
  // of L beyond y come at rate (c_α/α)y^{−α}, c_α = Γ(1 + α)sin(πα/2)/π. So E τ ≈ α/(c_α ε^α).
  const alpha = 1.2, n = 400;
  const c = gamma(1 + alpha) * Math.sin(Math.PI * alpha / 2) / Math.PI;
  const ratios: number[] = [], times: number[] = [];
  for (const eps of [0.4, 0.2, 0.1]) {
    const law = alpha / (c * eps ** alpha);
    const r = await escapeTimes(well(eps, 4 * law), passed, {
      particles: n,
      dt: 0.02,
      path: levyPath(alpha, { particles: n, seed: 1 }),
    });
    times.push(r.meanTimeMle!);
    ratios.push(r.meanTimeMle! / law);
  }
  // Measured: ratios 0.63, 0.70, 0.78 (seeds 1–3 with 200 particles: 0.60–0.62, 0.69–0.71,
  // 0.66–0.79): below 1 (smaller jumps help too at finite ε) and rising towards it.
  assert.ok(ratios.every((q) => q > 0.5 && q < 1.05), `ratios ${ratios}`);
  assert.ok(ratios[2] > ratios[0] + 0.05, `ratios ${ratios}`);
  // Polynomial: quartering ε multiplies the time by 4^s with s near α (measured 1.36),
  // where the Gaussian's grows by e^{(2ΔU/σ²)(16 − 1)}.
  const slope = Math.log(times[2] / times[0]) / Math.log(4);
  assert.ok(slope > alpha - 0.1 && slope < alpha + 0.35, `slope ${slope}`);
});

Deno.test("escapeTimes counts particles that start outside and rejects a bad predicate", async () => {
  const r = await escapeTimes({ ...well(0.1, 1), y0: [-1, 0.5] }, passed, { dt: 0.1 });
  assert.deepEqual(r.rows[1], { particle: 1, time: 0, escaped: true });
  assert.equal(r.rows[0].escaped, false);
  assert.equal(r.escapedFraction, 0.5);
  // Censored MLE: exposure (1 + 0)/1 escape.
  assert.equal(r.meanTimeMle, 1);
  await assert.rejects(
    () => escapeTimes(well(0.1, 1), undefined as unknown as typeof passed),
    {
      name: "TypeError",
      message:
        "Cannot compute escape times: hasEscaped must be a function (x, particle) => boolean, current value is undefined",
    },
  );
  await assert.rejects(() => escapeTimes(well(0.1, 1), passed, { dt: 0 }), {
    name: "RangeError",
    message: "Cannot compute escape times: dt must be a positive finite number, current value is 0",
  });
});

Deno.test("escapeTimes stops on an interrupt: the particles inside are censored at the time reached", async () => {
  // dX = dt: every particle leaves x < 0.9 at t = 0.9; interrupted at t = 0.5, none has.
  const problem: SdeProblem = {
    dim: 1,
    drift: (_t, x, out) => out.fill(1, 0, x.length),
    diffusion: { kind: "additive", sigma: 0 },
    y0: [0],
    t1: 2,
  };
  const { value: r, warnings } = await captureWarnings(() =>
    escapeTimes(problem, (x, p) => x[p] >= 0.9, {
      particles: 4,
      dt: 0.01,
      onProgress: (info) => {
        if (info.done === 50) requestInterrupt();
      },
    })
  );
  assert.equal(r.interrupted, true);
  assertClose(r.horizon, 0.5, { rtol: 1e-12 });
  assert.deepEqual([r.escapedFraction, r.meanTime], [0, null]);
  assert.deepEqual(warnings, [
    "escapeTimes interrupted after step 50 of 200; 4 particles still inside are censored there",
  ]);
  const whole = await escapeTimes(problem, (x, p) => x[p] >= 0.9, { particles: 4, dt: 0.01 });
  assert.deepEqual([whole.interrupted, whole.escapedFraction, whole.horizon], [false, 1, 2]);
});
