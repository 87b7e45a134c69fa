import type { GradientOracle } from "./gradient_oracle.ts";
import type { OptimizerSde } from "./optimizer_sde.ts";
import { checkOracle, oracleOps, zeroMomentsState } from "./_oracle_ops.ts";
import { checkBatchSize, checkBeta, checkPositive } from "./_hyper.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode rmspropSde}. */
export interface RmspropSdeOptions {
  /**
   * The learning rate η.
   * @default {0.01}
   */
  lr?: number;
  /**
   * The second-moment decay β (PyTorch's `alpha`).
   * @default {0.99}
   */
  beta?: number;
  /**
   * ε in the denominator √v + ε.
   * @default {1e-8}
   */
  eps?: number;
  /**
   * The batch size B (samples drawn with replacement).
   * @default {1}
   */
  batchSize?: number;
}

/**
 * The SDE of RMSprop (v_{k+1} = βv_k + (1 − β)g_k², θ_{k+1} = θ_k − η g_k/(√v_{k+1} + ε)), after
 * Malladi et al.: with time t = kη² (one step is η² of SDE time) and c₂ = (1 − β)/η²,
 * dθ = −(∇L dt + (Σ/B)^{1/2} dW)/(η(√v + ε)),  dv = c₂(diag(Σ)/B − v) dt,
 * elementwise; the state is [θ, v] (2d components). In the paper's variables (gradient noise
 * σ·z with Cov z = Σ, σ₀ = ση, ε₀ = εη, u = v/σ²) this is their RMSprop SDE
 * dθ = −P⁻¹(∇L dt + σ₀Σ^{1/2}dW), du = c₂(diag Σ − u)dt, P = σ₀ diag(u)^{1/2} + ε₀I, a
 * first-order weak approximation as η → 0 with σ₀, ε₀, c₂ fixed. (Written here from the
 * discrete update and checked against discrete RMSprop in the tests; the definition numbers of
 * the paper are not quoted.) The noise is general: solve it with Euler–Maruyama.
 *
 * @see Malladi, Lyu, Panigrahi, Arora, "On the SDEs and scaling rules for adaptive gradient
 * algorithms", NeurIPS 2022, arXiv 2205.10287.
 *
 * @example The state is θ then v, and one step is η² of SDE time
 * ```ts
 * import { quadraticOracle, rmspropSde } from "minima";
 * import assert from "node:assert/strict";
 *
 * const sde = rmspropSde(quadraticOracle({ curvature: [1, 2], noiseStd: 1 }), { lr: 0.01 });
 * assert.equal(sde.dim, 4);
 * assert.ok(Math.abs(sde.timePerStep - 1e-4) < 1e-18);
 * assert.deepEqual(Array.from(sde.initialState([1, -1])), [1, -1, 0, 0]);
 * ```
 *
 * @param oracle The gradient and its noise.
 * @param options Learning rate, β, ε and batch size.
 * @returns The SDE terms (state [θ, v]), with its time per step η².
 */
export function rmspropSde(oracle: GradientOracle, options: RmspropSdeOptions = {}): OptimizerSde {
  checkCall("rmspropSde", arguments);
  const what = "the RMSprop SDE";
  checkOracle(oracle, what);
  const lr = options.lr ?? 0.01, beta = options.beta ?? 0.99;
  const eps = options.eps ?? 1e-8, batchSize = options.batchSize ?? 1;
  checkPositive(`build ${what}`, "lr", lr);
  checkBeta(`build ${what}`, "beta", beta);
  checkPositive(`build ${what}`, "eps", eps);
  checkBatchSize(`build ${what}`, batchSize);
  const d = oracle.dim, stride = 2 * d;
  const c2 = (1 - beta) / (lr * lr);
  const ops = oracleOps(oracle);
  let g = new Float64Array(0), diag = new Float64Array(0), sq = new Float64Array(0);
  const scratch = (n: number) => {
    if (g.length !== n * d) {
      g = new Float64Array(n * d), diag = new Float64Array(n * d), sq = new Float64Array(n * d);
    }
  };
  const rootB = Math.sqrt(batchSize);
  return {
    dim: stride,
    parameterDim: d,
    timePerStep: lr * lr,
    names: [
      ...Array.from({ length: d }, (_, i) => `θ${i}`),
      ...Array.from({ length: d }, (_, i) => `v${i}`),
    ],
    initialState: zeroMomentsState(what, d, stride),
    async drift(_t, x, out) {
      const n = x.length / stride;
      scratch(n);
      await ops.gradients(x, stride, g);
      await ops.diagonals(x, stride, diag);
      for (let p = 0; p < n; p++) {
        for (let i = 0; i < d; i++) {
          const v = x[p * stride + d + i];
          out[p * stride + i] = -g[p * d + i] / (lr * (Math.sqrt(Math.max(v, 0)) + eps));
          out[p * stride + d + i] = c2 * (diag[p * d + i] / batchSize - v);
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
          for (let i = 0; i < d; i++) {
            const v = x[p * stride + d + i];
            out[p * stride + i] = -sq[p * d + i] / (rootB * (Math.sqrt(Math.max(v, 0)) + eps));
            out[p * stride + d + i] = 0;
          }
        }
      },
    },
  };
}
