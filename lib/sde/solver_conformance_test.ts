// The convergence-order conformance table: every solver's empirical strong and weak order on
// geometric Brownian motion (multiplicative diagonal noise) and Ornstein–Uhlenbeck (additive
// noise), measured on ONE Brownian path refined (a virtual Brownian tree), against the order the
// solver declares. Orders are least-squares slopes of log error against log h over 5 step sizes.
//
// Errors are measured against the exact solution on the same path: for GBM the closed form
// X_T = x0 exp((μ − σ²/2)T + σW_T); for OU the closed form X_T = e^{−θT}x0 + μ(1 − e^{−θT})
// + σ∫e^{−θ(T−s)}dW_s, whose Itô integral is summed over a grid 16× finer than the finest step
// with ∫_{t}^{t+δ} e^{−θ(t+δ−s)} dW_s = ΔW − θΔZ + O(θ²δ^{5/2}) (exact to O(δ²) overall).
// Weak errors use the same pairing: E[φ(X_h) − φ(X)] over the particles, whose mean is exactly
// the weak error and whose noise is only the (small) strong error over √n.
import assert from "node:assert/strict";
import { virtualBrownianTree } from "./virtual_brownian_tree.ts";
import { solveSde } from "./solve_sde.ts";
import { eulerMaruyama } from "./euler_maruyama.ts";
import { milstein } from "./milstein.ts";
import { explicitOrder15 } from "./explicit_order15.ts";
import type { SdeProblem } from "./sde_terms.ts";
import type { SdeSolver } from "./sde_solver.ts";
import { logLogSlope } from "./_test_helpers.ts";

const T = 1;

function gbm(mu: number, sigma: number, x0: number, withDerivative: boolean): SdeProblem {
  return {
    dim: 1,
    drift: (_t, x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = mu * x[i];
    },
    diffusion: {
      kind: "diagonal",
      g: (_t, x, out) => {
        for (let i = 0; i < x.length; i++) out[i] = sigma * x[i];
      },
      ...(withDerivative
        ? { dg: (_t: number, _x: Float64Array, out: Float64Array) => out.fill(sigma) }
        : {}),
    },
    y0: [x0],
    t1: T,
  };
}

function ou(theta: number, mu: number, sigma: number, x0: number): SdeProblem {
  return {
    dim: 1,
    drift: (_t, x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = theta * (mu - x[i]);
    },
    diffusion: { kind: "additive", sigma },
    y0: [x0],
    t1: T,
  };
}

interface Measured {
  strong: number[];
  weak1: number[];
  weak2: number[];
  hs: number[];
}

async function measure(
  problem: SdeProblem,
  solver: SdeSolver,
  tree: ReturnType<typeof virtualBrownianTree>,
  exact: Float64Array,
  levels: number[],
): Promise<Measured> {
  const n = exact.length;
  const out: Measured = { strong: [], weak1: [], weak2: [], hs: [] };
  for (const k of levels) {
    const h = T / 2 ** k;
    const r = await solveSde(problem, { solver, dt: h, path: tree, particles: n, saveAt: [T] });
    const y = r.ys[0];
    let s = 0, w1 = 0, w2 = 0;
    for (let i = 0; i < n; i++) {
      s += Math.abs(y[i] - exact[i]);
      w1 += y[i] - exact[i];
      w2 += y[i] * y[i] - exact[i] * exact[i];
    }
    out.hs.push(h);
    out.strong.push(s / n);
    out.weak1.push(Math.abs(w1 / n));
    out.weak2.push(Math.abs(w2 / n));
  }
  return out;
}

const solvers: [string, SdeSolver, boolean][] = [
  ["euler-maruyama", eulerMaruyama(), false],
  ["milstein (dg)", milstein(), true],
  ["milstein (derivative-free)", milstein(), false],
  ["explicit-order-1.5", explicitOrder15(), false],
];

// MINIMA_SDE_TABLE=1 prints the table as it is measured.
const printTable = Deno.env.get("MINIMA_SDE_TABLE") === "1";

function check(what: string, measured: number, expected: number, margin: number, errors: number[]) {
  if (printTable) console.log(`${what}: measured ${measured.toFixed(3)}, expected ${expected}`);
  assert.ok(
    Math.abs(measured - expected) <= margin,
    `${what}: measured order ${measured.toFixed(3)}, expected ${expected} ± ${margin} (errors ${
      errors.map((e) => e.toExponential(2)).join(", ")
    })`,
  );
}

Deno.test("conformance: strong orders on geometric Brownian motion match the declared orders", async () => {
  const mu = 0.5, sigma = 0.5, x0 = 1, n = 10_000;
  const tree = virtualBrownianTree({ particles: n, levyArea: true, seed: 5, t1: T });
  const w = new Float64Array(n);
  tree.evaluate(T, w);
  const exact = w.map((wt) => x0 * Math.exp((mu - sigma ** 2 / 2) * T + sigma * wt));
  for (const [name, solver, dg] of solvers) {
    const m = await measure(gbm(mu, sigma, x0, dg), solver, tree, exact, [3, 4, 5, 6, 7]);
    // Measured on this problem: EM 0.50, Milstein 0.98 (dg) and 1.00, order 1.5: 1.45 (its
    // successive error ratios rise towards 2^1.5 as h falls). Margin 0.15.
    check(`${name} strong on GBM`, logLogSlope(m.hs, m.strong), solver.strongOrder, 0.15, m.strong);
  }
});

Deno.test("conformance: weak orders on geometric Brownian motion match the declared orders", async () => {
  // Coarse steps and many particles: the weak error must stand above the noise of the mean.
  const mu = 0.5, sigma = 0.5, x0 = 1, n = 100_000;
  const tree = virtualBrownianTree({ particles: n, levyArea: true, seed: 6, t1: T });
  const w = new Float64Array(n);
  tree.evaluate(T, w);
  const exact = w.map((wt) => x0 * Math.exp((mu - sigma ** 2 / 2) * T + sigma * wt));
  for (const [name, solver, dg] of solvers) {
    const m = await measure(gbm(mu, sigma, x0, dg), solver, tree, exact, [2, 3, 4, 5, 6]);
    // Measured: φ = x: 0.96, 0.97, 0.97, 1.99; φ = x²: 0.93, 0.94, 0.92, 1.94. Margin 0.2.
    check(
      `${name} weak (φ = x) on GBM`,
      logLogSlope(m.hs, m.weak1),
      solver.weakOrder,
      0.2,
      m.weak1,
    );
    check(
      `${name} weak (φ = x²) on GBM`,
      logLogSlope(m.hs, m.weak2),
      solver.weakOrder,
      0.2,
      m.weak2,
    );
  }
});

/** The OU solution on the tree's path, by its closed form with the Itô integral on 2^k steps. */
function ouExact(
  tree: ReturnType<typeof virtualBrownianTree>,
  n: number,
  k: number,
  theta: number,
  mu: number,
  sigma: number,
  x0: number,
): Float64Array {
  const steps = 2 ** k, h = T / steps;
  const x = new Float64Array(n).fill(Math.exp(-theta * T) * x0 + mu * (1 - Math.exp(-theta * T)));
  const dW = new Float64Array(n), dZ = new Float64Array(n);
  for (let j = 0; j < steps; j++) {
    tree.increment(j * h, (j + 1) * h, dW, dZ);
    const c = sigma * Math.exp(-theta * (T - (j + 1) * h));
    for (let i = 0; i < n; i++) x[i] += c * (dW[i] - theta * dZ[i]);
  }
  return x;
}

// On additive noise every scheme is at least as good as declared for additive noise. With a
// linear drift the order-1.5 scheme is strong order 2: the Itô–Taylor terms of order 2 are
// I_(0,0) (½f'f h², reproduced exactly by the SRA1 stage when f'' = 0) and I_(1,1,0), I_(1,0,1),
// I_(0,1,1), whose coefficients σ²f'', ∂_x(σ) and σ'' vanish; so 2 is the expected slope there.
const ouExpectedStrong = (solver: SdeSolver) =>
  solver.name === "explicit-order-1.5" ? 2 : solver.additiveStrongOrder;

Deno.test("conformance: strong orders on Ornstein–Uhlenbeck meet the declared additive-noise orders", async () => {
  // Started at the mean, so the error is the noise's alone (no deterministic part).
  const theta = 1.5, mu = 0, sigma = 0.5, x0 = 0, n = 5_000;
  const tree = virtualBrownianTree({ particles: n, levyArea: true, seed: 9, t1: T });
  const exact = ouExact(tree, n, 11, theta, mu, sigma, x0);
  for (const [name, solver, _] of solvers.filter(([name]) => name !== "milstein (dg)")) {
    const m = await measure(ou(theta, mu, sigma, x0), solver, tree, exact, [3, 4, 5, 6, 7]);
    const slope = logLogSlope(m.hs, m.strong);
    // Measured: EM and Milstein 1.02 (they coincide on additive noise), order 1.5: 2.03.
    assert.ok(slope >= solver.additiveStrongOrder - 0.15, `${name}: ${slope} below declared`);
    check(`${name} strong on OU`, slope, ouExpectedStrong(solver), 0.2, m.strong);
  }
});

Deno.test("conformance: weak orders on Ornstein–Uhlenbeck match the declared orders", async () => {
  // Started away from the mean, so φ = x and φ = x² both see the drift's error (from x0 = μ the
  // mean's error would be zero, and from x0 = 1 the mean's and the variance's errors cancel).
  const theta = 1, mu = 0, sigma = 0.5, x0 = 2, n = 20_000;
  const tree = virtualBrownianTree({ particles: n, levyArea: true, seed: 10, t1: T });
  const exact = ouExact(tree, n, 9, theta, mu, sigma, x0);
  for (const [name, solver, _] of solvers.filter(([name]) => name !== "milstein (dg)")) {
    const m = await measure(ou(theta, mu, sigma, x0), solver, tree, exact, [1, 2, 3, 4, 5]);
    // Measured: φ = x: 1.08 (EM, Milstein), 2.13; φ = x²: 1.01, 2.15. Margin 0.25 (coarse steps).
    check(
      `${name} weak (φ = x) on OU`,
      logLogSlope(m.hs, m.weak1),
      solver.weakOrder,
      0.25,
      m.weak1,
    );
    check(
      `${name} weak (φ = x²) on OU`,
      logLogSlope(m.hs, m.weak2),
      solver.weakOrder,
      0.25,
      m.weak2,
    );
  }
});
