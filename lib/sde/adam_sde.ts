import type { GradientOracle } from "./gradient_oracle.ts";
import type { OptimizerSde } from "./optimizer_sde.ts";
import { checkOracle, oracleOps, zeroMomentsState } from "./_oracle_ops.ts";
import { checkBatchSize, checkBeta, checkPositive } from "./_hyper.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode adamSde}. */
export interface AdamSdeOptions {
  /**
   * The learning rate η.
   * @default {0.001}
   */
  lr?: number;
  /**
   * The first-moment decay β₁.
   * @default {0.9}
   */
  beta1?: number;
  /**
   * The second-moment decay β₂.
   * @default {0.999}
   */
  beta2?: number;
  /**
   * ε in the denominator √v̂ + ε.
   * @default {1e-8}
   */
  eps?: number;
  /**
   * The batch size B (samples drawn with replacement).
   * @default {1}
   */
  batchSize?: number;
  /**
   * Adam's bias correction m̂ = m/(1 − β₁^k), v̂ = v/(1 − β₂^k), as the factors γ₁(t), γ₂(t).
   * @default {true}
   */
  biasCorrection?: boolean;
}

/**
 * The SDE of Adam (m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η m̂/(√v̂ + ε) with the
 * bias-corrected m̂, v̂), after Malladi et al.: with time t = kη² (one step is η² of SDE time),
 * c_i = (1 − β_i)/η² and γ_i(t) = 1 − e^{−c_i t} (the continuous 1 − β_i^k),
 * dθ = −(√γ₂/γ₁)·m/(η(√v + ε√γ₂)) dt,  dm = c₁(∇L − m) dt + c₁η(Σ/B)^{1/2} dW,
 * dv = c₂(diag(Σ)/B − v) dt,
 * elementwise; the state is [θ, m, v] (3d components). In the paper's variables (gradient noise
 * σ·z with Cov z = Σ, σ₀ = ση, ε₀ = εη, u = v/σ²) this is their Adam SDE
 * dθ = −(√γ₂/γ₁)P⁻¹m dt, dm = c₁(∇L − m)dt + σ₀c₁Σ^{1/2}dW, du = c₂(diag Σ − u)dt,
 * P = σ₀ diag(u)^{1/2} + ε₀√γ₂ I. (Written here from the discrete update and checked against
 * discrete Adam in the tests; the definition numbers of the paper are not quoted.) At t = 0 the
 * factor √γ₂/γ₁ is singular while m = 0; the θ drift is taken as 0 there. The noise is general:
 * solve it with Euler–Maruyama.
 *
 * @see Malladi, Lyu, Panigrahi, Arora, "On the SDEs and scaling rules for adaptive gradient
 * algorithms", NeurIPS 2022, arXiv 2205.10287.
 *
 * @example The state is θ, m, v; c₁ = (1 − β₁)/η² sets how fast m follows the gradient
 * ```ts
 * import { adamSde, quadraticOracle } from "minima";
 * import assert from "node:assert/strict";
 *
 * const sde = adamSde(quadraticOracle({ curvature: [1], noiseStd: 1 }), { lr: 0.1, beta1: 0.9 });
 * assert.equal(sde.dim, 3);
 * assert.deepEqual(sde.names, ["θ0", "m0", "v0"]);
 * const out = new Float64Array(3);
 * await sde.drift(1, Float64Array.of(2, 0, 1), out);
 * // dm/dt = c₁(∇L − m) = ((1 − 0.9)/0.01)·(2 − 0)
 * assert.ok(Math.abs(out[1] - 20) < 1e-9);
 * ```
 *
 * @param oracle The gradient and its noise.
 * @param options Learning rate, β₁, β₂, ε, batch size and bias correction.
 * @returns The SDE terms (state [θ, m, v]), with its time per step η².
 */
export function adamSde(oracle: GradientOracle, options: AdamSdeOptions = {}): OptimizerSde {
  checkCall("adamSde", arguments);
  const what = "the Adam SDE";
  checkOracle(oracle, what);
  const lr = options.lr ?? 1e-3, beta1 = options.beta1 ?? 0.9, beta2 = options.beta2 ?? 0.999;
  const eps = options.eps ?? 1e-8, batchSize = options.batchSize ?? 1;
  const biasCorrection = options.biasCorrection ?? true;
  checkPositive(`build ${what}`, "lr", lr);
  checkBeta(`build ${what}`, "beta1", beta1);
  checkBeta(`build ${what}`, "beta2", beta2);
  checkPositive(`build ${what}`, "eps", eps);
  checkBatchSize(`build ${what}`, batchSize);
  const d = oracle.dim, stride = 3 * d;
  const c1 = (1 - beta1) / (lr * lr), c2 = (1 - beta2) / (lr * lr);
  const ops = oracleOps(oracle);
  let g = new Float64Array(0), diag = new Float64Array(0), sq = new Float64Array(0);
  const scratch = (n: number) => {
    if (g.length !== n * d) {
      g = new Float64Array(n * d), diag = new Float64Array(n * d), sq = new Float64Array(n * d);
    }
  };
  const noiseScale = c1 * lr / Math.sqrt(batchSize);
  const names = (s: string) => Array.from({ length: d }, (_, i) => `${s}${i}`);
  return {
    dim: stride,
    parameterDim: d,
    timePerStep: lr * lr,
    names: [...names("θ"), ...names("m"), ...names("v")],
    initialState: zeroMomentsState(what, d, stride),
    async drift(t, x, out) {
      const n = x.length / stride;
      scratch(n);
      await ops.gradients(x, stride, g);
      await ops.diagonals(x, stride, diag);
      const gamma1 = biasCorrection ? -Math.expm1(-c1 * t) : 1;
      const gamma2 = biasCorrection ? -Math.expm1(-c2 * t) : 1;
      const coef = gamma1 > 0 ? Math.sqrt(gamma2) / gamma1 : 0;
      const epsTerm = eps * Math.sqrt(gamma2);
      for (let p = 0; p < n; p++) {
        const base = p * stride;
        for (let i = 0; i < d; i++) {
          const m = x[base + d + i], v = x[base + 2 * d + i];
          out[base + i] = coef === 0 ? 0 : -coef * m / (lr * (Math.sqrt(Math.max(v, 0)) + epsTerm));
          out[base + d + i] = c1 * (g[p * d + i] - m);
          out[base + 2 * d + i] = c2 * (diag[p * d + i] / batchSize - v);
        }
      }
    },
    diffusion: {
      kind: "general",
      noiseDim: ops.noiseDim,
      async apply(_t, x, dW, out) {
        const n = x.length / stride;
        scratch(n);
        await ops.applySqrt(x, stride, dW, sq);
        for (let p = 0; p < n; p++) {
          const base = p * stride;
          for (let i = 0; i < d; i++) {
            out[base + i] = 0;
            out[base + d + i] = noiseScale * sq[p * d + i];
            out[base + 2 * d + i] = 0;
          }
        }
      },
    },
  };
}
