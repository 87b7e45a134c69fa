import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import { assertClose } from "../_test_util.ts";
import { torus } from "./torus.ts";
import { euclidean } from "./euclidean.ts";
import { sphere } from "./sphere.ts";
import { domainGrid } from "./domain_grid.ts";
import { particleMeasure } from "./particle_measure.ts";
import { langevinMove } from "./_domain_ops.ts";

Deno.test("domains are plain data with documented defaults", () => {
  assert.deepEqual(torus(), { kind: "torus", dim: 1 });
  assert.deepEqual(euclidean(2), { kind: "euclidean", dim: 2, confinement: 1, extent: 4 });
  assert.deepEqual(euclidean(1, { confinement: 0.25, extent: 3 }), {
    kind: "euclidean",
    dim: 1,
    confinement: 0.25,
    extent: 3,
  });
  assert.deepEqual(sphere(), { kind: "sphere", dim: 3 });
});

Deno.test("domain factories reject bad dimensions and parameters", () => {
  assert.throws(() => torus(0), {
    name: "RangeError",
    message: "Cannot make a torus: dim must be a positive integer, current value is 0",
  });
  assert.throws(() => sphere(1), {
    name: "RangeError",
    message:
      "Cannot make a sphere: dim (the ambient dimension) must be at least 2, current value is 1; use sphere(2) for the circle",
  });
  assert.throws(() => euclidean(2, { confinement: 0 }), {
    name: "RangeError",
    message:
      "Cannot make a Euclidean domain: options.confinement must be a positive finite number, current value is 0",
  });
  assert.throws(() => euclidean(1.5), /dim must be a positive integer, current value is 1.5/);
  assert.throws(() => euclidean(1, { extent: -2 }), /options.extent must be a positive finite/);
});

Deno.test("particleMeasure: seeds reproduce; uniform, centered and Gaussian clouds have the right moments", () => {
  const n = 20000;
  const a = particleMeasure(torus(2), n, { seed: 5 }),
    b = particleMeasure(torus(2), n, { seed: 5 });
  assert.deepEqual(a.positions, b.positions);
  assert.notDeepEqual(particleMeasure(torus(2), n, { seed: 6 }).positions, a.positions);
  assert.ok(a.positions.every((v) => v >= 0 && v < 2 * Math.PI));
  // Uniform angles: E cos θ = E sin θ = 0; the standard error is √(1/(2n)) ≈ 0.005.
  let c = 0, s = 0;
  for (let i = 0; i < n; i++) {
    c += Math.cos(a.positions[2 * i]);
    s += Math.sin(a.positions[2 * i + 1]);
  }
  assertClose(c / n, 0, { atol: 0.025 }, "E cos θ1");
  assertClose(s / n, 0, { atol: 0.025 }, "E sin θ2");
  // A wrapped normal around 1 with spread 0.5: E e^{iθ} = e^{i}·e^{−0.125}.
  const w = particleMeasure(torus(1), n, { center: [1], spread: 0.5, seed: 1 });
  let wc = 0, ws = 0;
  for (const v of w.positions) {
    wc += Math.cos(v);
    ws += Math.sin(v);
  }
  assertClose(wc / n, Math.cos(1) * Math.exp(-0.125), { atol: 0.02 }, "Re E e^{iθ}");
  assertClose(ws / n, Math.sin(1) * Math.exp(-0.125), { atol: 0.02 }, "Im E e^{iθ}");
  // R^1 with confinement 4: default spread 1/√4.
  const e = particleMeasure(euclidean(1, { confinement: 4 }), n, { seed: 2 });
  const mean = e.positions.reduce((t, v) => t + v, 0) / n;
  const variance = e.positions.reduce((t, v) => t + (v - mean) ** 2, 0) / n;
  assertClose(mean, 0, { atol: 0.02 }, "mean");
  assertClose(variance, 0.25, { rtol: 0.05 }, "variance");
  // Uniform on S²: unit vectors with mean zero.
  const u = particleMeasure(sphere(3), n, { seed: 3 });
  let zs = 0;
  for (let i = 0; i < n; i++) {
    const r = Math.hypot(u.positions[3 * i], u.positions[3 * i + 1], u.positions[3 * i + 2]);
    assertClose(r, 1, { atol: 1e-15 }, "norm");
    zs += u.positions[3 * i + 2];
  }
  assertClose(zs / n, 0, { atol: 0.02 }, "E z");
});

Deno.test("particleMeasure rejects bad counts, centers and spreads", () => {
  assert.throws(() => particleMeasure(torus(1), 0), {
    name: "RangeError",
    message: "Cannot draw particles: count must be a positive integer, current value is 0",
  });
  assert.throws(() => particleMeasure(torus(2), 5, { center: [1] }), {
    name: "RangeError",
    message:
      "Cannot draw particles: options.center must be 2 finite coordinate(s), one per coordinate of the domain, current value is [1]",
  });
  assert.throws(() => particleMeasure(sphere(2), 5, { center: [0, 0] }), /non-zero vector/);
  assert.throws(
    () => particleMeasure(torus(1), 5, { spread: 0 }),
    /options.spread must be a positive/,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => particleMeasure({ kind: "disc", dim: 2 } as any, 5), {
    name: "TypeError",
    message:
      'Cannot draw particles: domain must be a domain made by torus(dim), euclidean(dim) or sphere(dim), current value is {"kind":"disc","dim":2}',
  });
});

Deno.test("langevinMove: the discrete OU process in R^d has its closed-form stationary variance", () => {
  // x' = (1 − ηλ)x + √(2ηT)ξ has stationary variance 2T/(λ(2 − ηλ)).
  const domain = euclidean(1, { confinement: 2 });
  const rng = new Rng(7);
  const n = 20000, eta = 0.1, T = 0.3;
  let x: Float64Array = new Float64Array(n);
  const zero = new Float64Array(n);
  for (let t = 0; t < 200; t++) x = langevinMove(domain, x, zero, -1, eta, T, rng);
  const v = x.reduce((s, a) => s + a * a, 0) / n;
  assertClose(v, 2 * T / (2 * (2 - eta * 2)), { rtol: 0.04 }, "variance");
});

Deno.test("langevinMove: Brownian motion on S² decorrelates as exp(−2Tt)", () => {
  // For dX = √(2T) dW on S^(d−1), E⟨X_t, X_0⟩ = exp(−(d − 1)T t); the scheme's error is O(η).
  const domain = sphere(3);
  const rng = new Rng(8);
  const n = 4000, eta = 0.002, T = 0.5, steps = 500;
  const x0 = particleMeasure(domain, n, { seed: 9 }).positions;
  let x = x0;
  const zero = new Float64Array(x0.length);
  for (let t = 0; t < steps; t++) x = langevinMove(domain, x, zero, 1, eta, T, rng);
  let dot = 0;
  for (let i = 0; i < x.length; i++) dot += x[i] * x0[i];
  for (let i = 0; i < n; i++) {
    assertClose(Math.hypot(x[3 * i], x[3 * i + 1], x[3 * i + 2]), 1, { atol: 1e-14 }, "norm");
  }
  assertClose(dot / n, Math.exp(-2 * T * eta * steps), { atol: 0.02 }, "E⟨X_t, X_0⟩");
});

Deno.test("langevinMove: torus steps wrap into [0, 2π) and follow the force", () => {
  const domain = torus(1);
  const rng = new Rng(1);
  const x = langevinMove(
    domain,
    Float64Array.of(6.2, 0.05),
    Float64Array.of(1, -1),
    1,
    0.2,
    1e-30,
    rng,
  );
  assertClose(x[0], 6.4 - 2 * Math.PI, { atol: 1e-12 });
  assertClose(x[1], 2 * Math.PI - 0.15, { atol: 1e-12 });
});

Deno.test("domainGrid: points and weights of every supported domain", () => {
  const t = domainGrid(torus(2), { points: [8, 6] });
  assert.deepEqual([t.size, t.shape], [48, [8, 6]]);
  assertClose(t.weights.reduce((s, w) => s + w, 0), 4 * Math.PI ** 2, { rtol: 1e-14 });
  assert.deepEqual([t.points[2], t.points[3]], [0, 2 * Math.PI / 6]); // point 1 = (0, h1)
  const e = domainGrid(euclidean(1, { extent: 3 }), { points: 30 });
  assertClose(e.weights.reduce((s, w) => s + w, 0), 6, { rtol: 1e-14 });
  assertClose(e.points[0], -2.9, { atol: 1e-14 });
  assertClose(e.potential[0], 0.5 * 2.9 * 2.9, { rtol: 1e-14 });
  const c = domainGrid(sphere(2), { points: 16 });
  assertClose(c.weights.reduce((s, w) => s + w, 0), 2 * Math.PI, { rtol: 1e-14 });
  // Midpoint rule in θ: Σ sin θ_i h · 2π = 2π·h/sin(h/2) with h = π/G.
  const s = domainGrid(sphere(3), { points: [24, 48] });
  const h = Math.PI / 24;
  assertClose(s.weights.reduce((a, w) => a + w, 0), 2 * Math.PI * h / Math.sin(h / 2), {
    rtol: 1e-13,
  });
  for (let g = 0; g < s.size; g++) {
    assertClose(Math.hypot(s.points[3 * g], s.points[3 * g + 1], s.points[3 * g + 2]), 1, {
      atol: 1e-15,
    });
  }
  assert.deepEqual(domainGrid(torus(1)).size, 256);
  assert.deepEqual(domainGrid(euclidean(2)).shape, [48, 48]);
});

Deno.test("domainGrid rejects unsupported domains and point counts", () => {
  assert.throws(() => domainGrid(torus(3)), {
    name: "RangeError",
    message:
      "Cannot build a grid: grids cover domains of dimension 1 or 2 (torus(1|2), euclidean(1|2), sphere(2|3)), current domain is torus(3); use nikaidoIsodaEstimate for higher dimensions",
  });
  assert.throws(() => domainGrid(sphere(4)), /current domain is sphere\(4\)/);
  assert.throws(() => domainGrid(torus(2), { points: [8] }), {
    name: "RangeError",
    message:
      "Cannot build a grid: options.points must be one number or 2 (one per axis), current value is [8]",
  });
  assert.throws(() => domainGrid(torus(1), { points: 2 }), /must be at least 3 per axis/);
  assert.throws(
    () => domainGrid(torus(1), { points: 0 }),
    /options.points must be a positive integer/,
  );
});
