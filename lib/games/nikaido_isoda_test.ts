import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { assertClose } from "../_test_util.ts";
import { mathjsGame } from "./mathjs_game.ts";
import { gameGrid } from "./game_grid.ts";
import { nikaidoIsoda } from "./nikaido_isoda.ts";
import { torus } from "./torus.ts";
import type { DomainGrid } from "./domain_grid.ts";

const TWO_PI = 2 * Math.PI;
const GAME_1D = "cos(x - y) + 0.5*cos(2*x) - 0.5*cos(2*y) + 0.5*cos(x) + 0.5*sin(y)";
const k1 = (x: number, y: number) =>
  Math.cos(x - y) + 0.5 * Math.cos(2 * x) - 0.5 * Math.cos(2 * y) + 0.5 * Math.cos(x) +
  0.5 * Math.sin(y);

/** A density on a grid from a positive function, normalised by the grid's own quadrature. */
function densityOn(grid: DomainGrid, f: (point: Float64Array) => number): Float64Array {
  const d = grid.domain.dim;
  const v = Float64Array.from(
    { length: grid.size },
    (_, g) => f(grid.points.subarray(g * d, g * d + d)),
  );
  const mass = v.reduce((s, a, g) => s + a * grid.weights[g], 0);
  return v.map((a) => a / mass);
}

/** NI = T(log Z_q + log Z_p + H(p) + H(q)) by an independent periodic quadrature with G points. */
function referenceNi1d(
  p: (x: number) => number,
  q: (y: number) => number,
  T: number,
  G: number,
): number {
  const h = TWO_PI / G;
  const pts = Array.from({ length: G }, (_, i) => i * h);
  const norm = (f: (v: number) => number) => {
    const m = pts.reduce((s, v) => s + f(v) * h, 0);
    return pts.map((v) => f(v) / m);
  };
  const pv = norm(p), qv = norm(q);
  let logZq = 0, logZp = 0, hp = 0, hq = 0;
  const fy = pts.map((y) => pts.reduce((s, x, i) => s + k1(x, y) * pv[i] * h, 0));
  const gx = pts.map((x) => pts.reduce((s, y, j) => s + k1(x, y) * qv[j] * h, 0));
  logZq = Math.log(fy.reduce((s, f) => s + Math.exp(f / T) * h, 0));
  logZp = Math.log(gx.reduce((s, g) => s + Math.exp(-g / T) * h, 0));
  hp = pv.reduce((s, v) => s + v * Math.log(v) * h, 0);
  hq = qv.reduce((s, v) => s + v * Math.log(v) * h, 0);
  return T * (logZq + logZp + hp + hq);
}

Deno.test("nikaidoIsoda matches an independent float64 quadrature of the log-partition formula (1-D)", async () => {
  const T = 0.3;
  const grid = await gameGrid(mathjsGame(GAME_1D, { temperature: T }), { pointsX: 256 });
  const p = (x: number) => Math.exp(1.2 * Math.cos(x - 0.4) + 0.3 * Math.sin(2 * x));
  const q = (y: number) => Math.exp(-0.7 * Math.cos(y + 1.1));
  const ni = nikaidoIsoda(
    grid,
    densityOn(grid.x, (v) => p(v[0])),
    densityOn(grid.y, (v) => q(v[0])),
  );
  const reference = referenceNi1d(p, q, T, 300);
  assertClose(ni.value, reference, { rtol: 1e-11 }, "NI");
  assert.ok(reference > 0.05, `a pair far from equilibrium has a sizeable NI, got ${reference}`);
  // The two definitions of NI agree: max E(p,·) − min E(·,q) = T·KL(p‖p*) + T·KL(q‖q*).
  assertClose(ni.maxEnergy - ni.minEnergy, ni.value, { rtol: 1e-12 }, "max − min");
  assertClose(ni.maxEnergy - ni.energy, ni.gapY, { rtol: 1e-10 }, "gapY");
  assertClose(ni.energy - ni.minEnergy, ni.gapX, { rtol: 1e-10 }, "gapX");
});

Deno.test("nikaidoIsoda matches an independent float64 quadrature in 2-D", async () => {
  const T = 0.5;
  const formula = "cos(x1 - y1) * cos(x2 - y2) + 0.5*cos(2*x1) - 0.5*cos(2*y2)";
  const k2 = (a: number, b: number, c: number, d: number) =>
    Math.cos(a - c) * Math.cos(b - d) + 0.5 * Math.cos(2 * a) - 0.5 * Math.cos(2 * d);
  const grid = await gameGrid(mathjsGame(formula, { temperature: T }), { pointsX: 32 });
  const p = (a: number, b: number) => Math.exp(Math.cos(a - 1) + 0.5 * Math.cos(b));
  const q = (a: number, b: number) => Math.exp(0.8 * Math.sin(a + b));
  const ni = nikaidoIsoda(
    grid,
    densityOn(grid.x, (v) => p(v[0], v[1])),
    densityOn(grid.y, (v) => q(v[0], v[1])),
  );
  // Reference: 40 × 40 periodic trapezoid, written out with plain loops.
  const G = 40, h = TWO_PI / G, w = h * h, pts = Array.from({ length: G }, (_, i) => i * h);
  const pv: number[] = [], qv: number[] = [];
  for (const a of pts) {
    for (const b of pts) {
      pv.push(p(a, b));
      qv.push(q(a, b));
    }
  }
  const mp = pv.reduce((s, v) => s + v * w, 0), mq = qv.reduce((s, v) => s + v * w, 0);
  let zq = 0, zp = 0, hp = 0, hq = 0;
  for (let u = 0; u < G * G; u++) {
    const a = pts[Math.floor(u / G)], b = pts[u % G];
    let f = 0, g = 0;
    for (let v = 0; v < G * G; v++) {
      const c = pts[Math.floor(v / G)], d = pts[v % G];
      f += k2(c, d, a, b) * pv[v] / mp * w; // f_p at y = (a, b)
      g += k2(a, b, c, d) * qv[v] / mq * w; // g_q at x = (a, b)
    }
    zq += Math.exp(f / T) * w;
    zp += Math.exp(-g / T) * w;
    hp += (pv[u] / mp) * Math.log(pv[u] / mp) * w;
    hq += (qv[u] / mq) * Math.log(qv[u] / mq) * w;
  }
  const reference = T * (Math.log(zq) + Math.log(zp) + hp + hq);
  assertClose(ni.value, reference, { rtol: 1e-9 }, "NI 2-D");
});

// Modified Bessel functions by their power series (|z| ≤ 30 here).
function besselI(nu: 0 | 1, z: number): number {
  let term = Math.pow(z / 2, nu) / (nu === 0 ? 1 : 1), s = term;
  for (let k = 1; k < 200; k++) {
    term *= (z / 2) ** 2 / (k * (k + nu));
    s += term;
  }
  return s;
}

Deno.test("nikaidoIsoda of K = cos(x − y) at (uniform, von Mises) has a closed form in Bessel functions", async () => {
  // p uniform ⇒ f_p = 0 ⇒ q* uniform, gapY = T·KL(vM_κ‖unif) = T(κA(κ) − log I0(κ)), A = I1/I0;
  // g_q(x) = A(κ)cos(x − μ) ⇒ gapX = T·KL(unif‖p*) = T log I0(A(κ)/T).
  const T = 0.2, kappa = 1.7, mu = 0.6;
  const grid = await gameGrid(mathjsGame("cos(x - y)", { temperature: T }), { pointsX: 128 });
  const uniform = new Float64Array(128).fill(1 / TWO_PI);
  const q = densityOn(grid.y, (v) => Math.exp(kappa * Math.cos(v[0] - mu)));
  const ni = nikaidoIsoda(grid, uniform, q);
  const A = besselI(1, kappa) / besselI(0, kappa);
  assertClose(ni.gapY, T * (kappa * A - Math.log(besselI(0, kappa))), { rtol: 1e-12 }, "gapY");
  assertClose(ni.gapX, T * Math.log(besselI(0, A / T)), { rtol: 1e-12 }, "gapX");
  assertClose(nikaidoIsoda(grid, uniform, uniform).value, 0, { atol: 1e-15 }, "NI at uniform");
});

Deno.test("nikaidoIsoda is non-negative on random densities, and zero only at the fixed point", async () => {
  const grid = await gameGrid(mathjsGame(GAME_1D, { temperature: 0.25 }), { pointsX: 64 });
  const rng = new Rng(12);
  const random = () => {
    const c = Array.from({ length: 6 }, () => 2 * rng.normal());
    return densityOn(
      grid.x,
      ([x]) =>
        Math.exp(
          c[0] * Math.cos(x) + c[1] * Math.sin(x) + c[2] * Math.cos(2 * x) +
            c[3] * Math.sin(2 * x) + c[4] * Math.cos(3 * x) + c[5] * Math.sin(3 * x),
        ),
    );
  };
  for (let t = 0; t < 200; t++) {
    const ni = nikaidoIsoda(grid, random(), random());
    assert.ok(ni.value > 1e-6, `NI must be positive away from equilibrium, got ${ni.value}`);
    assert.ok(ni.gapX >= 0 && ni.gapY >= 0);
    assertClose(ni.maxEnergy - ni.minEnergy, ni.value, { rtol: 1e-9, atol: 1e-14 }, "identity");
  }
});

Deno.test("nikaidoIsoda rejects densities of the wrong size or mass", async () => {
  const grid = await gameGrid(mathjsGame("cos(x - y)"), { pointsX: 16 });
  const u = new Float64Array(16).fill(1 / TWO_PI);
  assert.throws(() => nikaidoIsoda(grid, new Float64Array(8), u), {
    name: "TypeError",
    message:
      "Cannot compute the Nikaidô–Isoda error: p must be a Float64Array density with one value per point of grid.x (16), current value is a Float64Array of length 8",
  });
  assert.throws(
    () => nikaidoIsoda(grid, u, new Float64Array(16).fill(1)),
    /^RangeError: Cannot compute the Nikaidô–Isoda error: q must be a density on grid\.y \(Σ q_g w_g = 1\), current mass is 6\.2831853071795\d*; divide by the mass, or estimate it with kernelDensity$/,
  );
  const negative = Float64Array.from(u);
  negative[3] = -0.1;
  assert.throws(
    () => nikaidoIsoda(grid, negative, u),
    /p must be non-negative and finite, entry 3 is -0.1/,
  );
  assert.deepEqual(grid.x.domain, torus(1));
});
