import assert from "node:assert/strict";
import { assertClose } from "../_test_util.ts";
import { type DomainGrid, domainGrid } from "./domain_grid.ts";
import { kernelDensity } from "./kernel_density.ts";
import { particleMeasure } from "./particle_measure.ts";
import { sampleDensity } from "./sample_density.ts";
import { euclidean } from "./euclidean.ts";
import { sphere } from "./sphere.ts";
import { torus } from "./torus.ts";

function mass(grid: DomainGrid, d: Float64Array): number {
  return d.reduce((s, v, g) => s + v * grid.weights[g], 0);
}

function besselI0(z: number): number {
  let term = 1, s = 1;
  for (let k = 1; k < 300; k++) {
    term *= (z / 2) ** 2 / (k * k);
    s += term;
  }
  return s;
}

Deno.test("kernelDensity: one particle on a grid point gives the von Mises kernel in closed form", () => {
  // exp((cos θ − 1)/h²) / (2π e^{−1/h²} I0(1/h²)), sampled on 128 points (spectral quadrature).
  const grid = domainGrid(torus(1), { points: 128 });
  const h = 0.4;
  const { density, bandwidth, method } = kernelDensity(grid, Float64Array.of(0), { bandwidth: h });
  assert.deepEqual([bandwidth, method], [h, "given"]);
  const c = 1 / (h * h);
  for (let g = 0; g < 128; g++) {
    const exact = Math.exp(c * (Math.cos(grid.points[g]) - 1)) /
      (2 * Math.PI * Math.exp(-c) * besselI0(c));
    assertClose(density[g], exact, { rtol: 1e-10, atol: 1e-14 }, `density[${g}]`);
  }
});

Deno.test("kernelDensity: estimates a von Mises density from samples, with unit mass on every domain", () => {
  const grid = domainGrid(torus(1), { points: 128 });
  const kappa = 2;
  const exact = grid.points.map((x) =>
    Math.exp(kappa * Math.cos(x - 1)) / (2 * Math.PI * besselI0(kappa))
  );
  const x = sampleDensity(grid, exact, 20000, { seed: 4 });
  const kde = kernelDensity(grid, x);
  assertClose(mass(grid, kde.density), 1, { rtol: 1e-12 }, "mass");
  let err = 0;
  for (let g = 0; g < 128; g++) err = Math.max(err, Math.abs(kde.density[g] - exact[g]));
  // Peak density 0.516; KDE error at n = 20000 is a few percent of it.
  assert.ok(err < 0.03, `max error ${err}`);
  assert.equal(kde.method, "cv");
  for (
    const [domain, n] of [[torus(2), 500], [euclidean(2), 500], [sphere(2), 300], [
      sphere(3),
      300,
    ]] as const
  ) {
    const g = domainGrid(domain, {
      points: domain.kind === "sphere" && domain.dim === 3 ? [12, 24] : 24,
    });
    const d = kernelDensity(g, particleMeasure(domain, n, { seed: 1 }));
    assertClose(mass(g, d.density), 1, { rtol: 1e-12 }, `mass on ${domain.kind}(${domain.dim})`);
    assert.ok(d.density.every((v) => v >= 0));
  }
});

Deno.test("kernelDensity: cross-validation smooths uniform samples more than concentrated ones", () => {
  const grid = domainGrid(torus(1), { points: 128 });
  const flat = kernelDensity(grid, particleMeasure(torus(1), 2000, { seed: 2 }));
  const peaked = kernelDensity(
    grid,
    particleMeasure(torus(1), 2000, { seed: 2, center: [1], spread: 0.2 }),
  );
  assert.ok(flat.bandwidth > 3 * peaked.bandwidth, `${flat.bandwidth} vs ${peaked.bandwidth}`);
});

Deno.test("kernelDensity: particles outside the Euclidean box are dropped and reported", () => {
  const grid = domainGrid(euclidean(1, { extent: 2 }), { points: 40 });
  const d = kernelDensity(grid, Float64Array.of(0, 0.5, 5, -7), { bandwidth: 0.3 });
  assert.equal(d.outside, 0.5);
  assertClose(mass(grid, d.density), 1, { rtol: 1e-12 });
  assert.throws(
    () => kernelDensity(grid, Float64Array.of(9)),
    /all 1 particles lie outside the grid's box/,
  );
});

Deno.test("kernelDensity rejects bad particles and bandwidths", () => {
  const grid = domainGrid(torus(2), { points: 8 });
  assert.throws(() => kernelDensity(grid, Float64Array.of(1, 2, 3)), {
    name: "RangeError",
    message:
      "Cannot estimate the density: particles must hold a positive whole number of points of 2 coordinates, current length is 3",
  });
  assert.throws(() => kernelDensity(grid, Float64Array.of(1, 2), { bandwidth: 0 }), {
    name: "RangeError",
    message:
      "Cannot estimate the density: options.bandwidth must be a positive finite number, current value is 0",
  });
  assert.throws(
    () => kernelDensity(grid, Float64Array.of(1, NaN)),
    /particles must be finite, entry 1 is NaN/,
  );
});
