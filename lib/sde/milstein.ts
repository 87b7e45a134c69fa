import type { SdeSolver, SolverContext } from "./sde_solver.ts";
import { checkCall } from "../_checks.ts";

/**
 * The Milstein scheme for diagonal noise, strong order 1 and weak order 1:
 * X_{n+1} = X_n + f h + g ΔW + ½ g ∂g/∂x (ΔW² − h), componentwise. When the diffusion supplies
 * no derivative `dg`, the derivative-free form replaces g ∂g/∂x by the difference
 * (g(t, X̄) − g(t, X))/√h at the support point X̄ = X + f h + g√h (Kloeden–Platen 11.1.3). For
 * additive noise it coincides with Euler–Maruyama.
 *
 * @see Kloeden, Platen, "Numerical Solution of Stochastic Differential Equations" (1992), §10.3
 * and §11.1.
 *
 * @example
 * ```ts
 * import { milstein } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.equal(milstein().strongOrder, 1);
 * assert.ok(milstein().needs.diagonalNoise);
 * ```
 *
 * @returns The solver.
 */
export function milstein(): SdeSolver {
  checkCall("milstein", arguments);
  return {
    name: "milstein",
    strongOrder: 1,
    additiveStrongOrder: 1,
    weakOrder: 1,
    needs: { diagonalNoise: true, levyArea: false, brownian: true },
    async step(ctx: SolverContext, t: number, h: number, x: Float64Array, dW: Float64Array) {
      const f = await ctx.drift(t, x, ctx.scratch("f"));
      const g = await ctx.diffusion(t, x, ctx.scratch("g"));
      if (ctx.noiseKind === "additive") {
        for (let i = 0; i < x.length; i++) x[i] += f[i] * h + g[i] * dW[i];
      } else if (ctx.hasDerivative) {
        const dg = await ctx.derivative(t, x, ctx.scratch("dg"));
        for (let i = 0; i < x.length; i++) {
          const w = dW[i];
          x[i] += f[i] * h + g[i] * w + 0.5 * g[i] * dg[i] * (w * w - h);
        }
      } else {
        const sh = Math.sqrt(h);
        const support = ctx.scratch("support");
        for (let i = 0; i < x.length; i++) support[i] = x[i] + f[i] * h + g[i] * sh;
        const gs = await ctx.diffusion(t, support, ctx.scratch("gs"));
        const c = 1 / (2 * sh);
        for (let i = 0; i < x.length; i++) {
          const w = dW[i];
          x[i] += f[i] * h + g[i] * w + c * (gs[i] - g[i]) * (w * w - h);
        }
      }
    },
  };
}
