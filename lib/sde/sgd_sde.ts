import type { GradientOracle } from "./gradient_oracle.ts";
import type { OptimizerSde } from "./optimizer_sde.ts";
import { checkOracle, oracleOps, zeroMomentsState } from "./_oracle_ops.ts";
import { checkBatchSize, checkPositive } from "./_hyper.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode sgdSde}. */
export interface SgdSdeOptions {
  /**
   * The learning rate η.
   * @default {0.01}
   */
  lr?: number;
  /**
   * The batch size B (samples drawn with replacement).
   * @default {1}
   */
  batchSize?: number;
}

/**
 * The SDE of SGD θ_{k+1} = θ_k − η g_k (g_k a minibatch gradient of mean ∇L and covariance Σ/B):
 * dX = −∇L(X) dt + (η Σ(X)/B)^{1/2} dW, in time t = kη (one step is η of SDE time). It is a
 * first-order weak approximation of SGD as η → 0 (Li, Tai, E). Σ comes from the oracle as an
 * operator (Σ^{1/2} applied, or per-sample gradients), never a dense d×d matrix; the noise is
 * general, so solve it with Euler–Maruyama.
 *
 * @see Li, Tai, E, "Stochastic modified equations and adaptive stochastic gradient algorithms",
 * ICML 2017, arXiv 1511.06251; Li, Malladi, Arora, "On the validity of modeling SGD with
 * stochastic differential equations (SDEs)", NeurIPS 2021, arXiv 2102.12470.
 *
 * @example On a quadratic the SDE is an Ornstein–Uhlenbeck process
 * ```ts
 * import { quadraticOracle, sgdSde, solveSde } from "minima";
 * import assert from "node:assert/strict";
 *
 * const oracle = quadraticOracle({ curvature: [2], noiseStd: 1 });
 * const sde = sgdSde(oracle, { lr: 0.1, batchSize: 4 });
 * const r = await solveSde({ ...sde, y0: sde.initialState([0]), t1: 3 }, {
 *   particles: 4000, dt: 0.01, seed: 1,
 * });
 * // Stationary variance (η/B)·s²/(2h) = 0.025/4.
 * const v = (r.records.at(-1)!.std as number) ** 2;
 * assert.ok(Math.abs(v - 0.025 / 4) < 0.0006);
 * ```
 *
 * @param oracle The gradient and its noise.
 * @param options Learning rate and batch size.
 * @returns The SDE terms (state θ), with its time per step η.
 */
export function sgdSde(oracle: GradientOracle, options: SgdSdeOptions = {}): OptimizerSde {
  checkCall("sgdSde", arguments);
  const what = "the SGD SDE";
  checkOracle(oracle, what);
  const lr = options.lr ?? 0.01, batchSize = options.batchSize ?? 1;
  checkPositive(`build ${what}`, "lr", lr);
  checkBatchSize(`build ${what}`, batchSize);
  const d = oracle.dim;
  const ops = oracleOps(oracle);
  const scale = Math.sqrt(lr / batchSize);
  return {
    dim: d,
    parameterDim: d,
    timePerStep: lr,
    names: Array.from({ length: d }, (_, i) => `θ${i}`),
    initialState: zeroMomentsState(what, d, d),
    async drift(_t, x, out) {
      await ops.gradients(x, d, out);
      for (let i = 0; i < out.length; i++) out[i] = -out[i];
    },
    diffusion: {
      kind: "general",
      noiseDim: ops.noiseDim,
      async apply(_t, x, dW, out) {
        await ops.applySqrt(x, d, dW, out);
        for (let i = 0; i < out.length; i++) out[i] *= scale;
      },
    },
  };
}
