import type { SdeSolver, SolverContext } from "./sde_solver.ts";
import { checkCall } from "../_checks.ts";

/**
 * An explicit (derivative-free) scheme of strong order 1.5 and weak order 2 for diagonal and
 * additive noise, using ΔW and ΔZ = ∫_t^{t+h}(W_r − W_t) dr from the path (create it with
 * `levyArea: true`). The drift part is Rößler's SRA1 stage,
 * (f(t, X)/3 + 2f(t + ¾h, X + ¾f h + (3/2)g ΔZ/h)/3)·h, which reproduces f h + ½L⁰f h² (in
 * mean) + Σ_j g_j ∂_j f ΔZ_j; the diffusion part is Kloeden–Platen's explicit order-1.5 scheme
 * (11.2.1) applied componentwise, with support points Υ± = X + f h ± g√h and
 * Φ± = Υ+ ± g(Υ+)√h, all evaluated at t + h:
 * g ΔW + (g(Υ+) − g(Υ−))(ΔW² − h)/(4√h) + (g(Υ+) − 2g + g(Υ−))(ΔW h − ΔZ)/(2h)
 * + (g(Φ+) − g(Φ−) − g(Υ+) + g(Υ−))(ΔW²/3 − h)ΔW/(4h).
 * With additive noise it is exactly SRA1. Cost per step: 2 drift and 5 diffusion evaluations
 * (2 drift evaluations for additive noise).
 *
 * @see Kloeden, Platen, "Numerical Solution of Stochastic Differential Equations" (1992),
 * §10.4 and §11.2; Rößler, "Runge–Kutta methods for the strong approximation of solutions of
 * stochastic differential equations", SIAM J. Numer. Anal. 48 (2010).
 *
 * @example
 * ```ts
 * import { explicitOrder15 } from "minima";
 * import assert from "node:assert/strict";
 *
 * const s = explicitOrder15();
 * assert.equal(s.strongOrder, 1.5);
 * assert.equal(s.weakOrder, 2);
 * assert.ok(s.needs.levyArea);
 * ```
 *
 * @returns The solver.
 */
export function explicitOrder15(): SdeSolver {
  checkCall("explicitOrder15", arguments);
  return {
    name: "explicit-order-1.5",
    strongOrder: 1.5,
    additiveStrongOrder: 1.5,
    weakOrder: 2,
    needs: { diagonalNoise: true, levyArea: true, brownian: true },
    async step(
      ctx: SolverContext,
      t: number,
      h: number,
      x: Float64Array,
      dW: Float64Array,
      dZ: Float64Array | undefined,
    ) {
      if (dZ === undefined) {
        throw new TypeError(
          "Cannot take an order-1.5 step: the path gave no ΔZ; create it with levyArea: true",
        );
      }
      const n = x.length;
      const f = await ctx.drift(t, x, ctx.scratch("f"));
      const g = await ctx.diffusion(t, x, ctx.scratch("g"));
      const stage = ctx.scratch("stage");
      for (let i = 0; i < n; i++) stage[i] = x[i] + 0.75 * f[i] * h + 1.5 * g[i] * dZ[i] / h;
      const f2 = await ctx.drift(t + 0.75 * h, stage, ctx.scratch("f2"));
      if (ctx.noiseKind === "additive") {
        for (let i = 0; i < n; i++) x[i] += (f[i] / 3 + 2 * f2[i] / 3) * h + g[i] * dW[i];
        return;
      }
      const sh = Math.sqrt(h), th = t + h;
      const up = ctx.scratch("up"), um = ctx.scratch("um");
      for (let i = 0; i < n; i++) {
        const c = x[i] + f[i] * h, d = g[i] * sh;
        up[i] = c + d;
        um[i] = c - d;
      }
      const gp = await ctx.diffusion(th, up, ctx.scratch("gp"));
      const gm = await ctx.diffusion(th, um, ctx.scratch("gm"));
      const pp = ctx.scratch("pp"), pm = ctx.scratch("pm");
      for (let i = 0; i < n; i++) {
        const d = gp[i] * sh;
        pp[i] = up[i] + d;
        pm[i] = up[i] - d;
      }
      const gpp = await ctx.diffusion(th, pp, ctx.scratch("gpp"));
      const gpm = await ctx.diffusion(th, pm, ctx.scratch("gpm"));
      const c1 = 1 / (4 * sh), c2 = 1 / (2 * h), c3 = 1 / (4 * h);
      for (let i = 0; i < n; i++) {
        const w = dW[i], z = dZ[i];
        x[i] += (f[i] / 3 + 2 * f2[i] / 3) * h + g[i] * w +
          c1 * (gp[i] - gm[i]) * (w * w - h) +
          c2 * (gp[i] - 2 * g[i] + gm[i]) * (w * h - z) +
          c3 * (gpp[i] - gpm[i] - gp[i] + gm[i]) * (w * w / 3 - h) * w;
      }
    },
  };
}
