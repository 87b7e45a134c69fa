import type { SdeSolver, SolverContext } from "./sde_solver.ts";
import { checkCall } from "../_checks.ts";

/**
 * The Euler–Maruyama scheme: X_{n+1} = X_n + f(t_n, X_n)h + G(t_n, X_n)ΔW_n. Strong order 1/2
 * (1 for additive noise), weak order 1. Works for every noise kind, and with an α-stable
 * {@linkcode levyPath} in place of the Brownian path (the "Lévy solver": ΔW is then the
 * α-stable increment).
 *
 * @see Kloeden, Platen, "Numerical Solution of Stochastic Differential Equations" (1992), §10.2.
 *
 * @example Geometric Brownian motion, one step by hand
 * ```ts
 * import { eulerMaruyama } from "minima";
 * import assert from "node:assert/strict";
 *
 * const em = eulerMaruyama();
 * assert.equal(em.strongOrder, 0.5);
 * assert.equal(em.weakOrder, 1);
 * ```
 *
 * @returns The solver.
 */
export function eulerMaruyama(): SdeSolver {
  checkCall("eulerMaruyama", arguments);
  return {
    name: "euler-maruyama",
    strongOrder: 0.5,
    additiveStrongOrder: 1,
    weakOrder: 1,
    needs: { diagonalNoise: false, levyArea: false, brownian: false },
    async step(ctx: SolverContext, t: number, h: number, x: Float64Array, dW: Float64Array) {
      const f = await ctx.drift(t, x, ctx.scratch("f"));
      if (ctx.noiseKind === "additive" && ctx.sigma !== undefined) {
        additiveStep(x, f, h, ctx.sigma, dW, ctx.particles, ctx.dim);
      } else {
        const gdw = await ctx.applyDiffusion(t, x, dW, ctx.scratch("gdw"));
        eulerStep(x, f, h, gdw);
      }
    },
  };
}

function additiveStep(
  x: Float64Array,
  f: Float64Array,
  h: number,
  sigma: Float64Array,
  dW: Float64Array,
  particles: number,
  dim: number,
): void {
  if (dim === 1) {
    const s = sigma[0];
    for (let i = 0; i < particles; i++) x[i] += f[i] * h + s * dW[i];
    return;
  }
  for (let p = 0, i = 0; p < particles; p++) {
    for (let k = 0; k < dim; k++, i++) x[i] += f[i] * h + sigma[k] * dW[i];
  }
}

function eulerStep(x: Float64Array, f: Float64Array, h: number, gdw: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] += f[i] * h + gdw[i];
}
