import type { Objective } from "../nn/mod.ts";
import { unflattenParams } from "../nn/mod.ts";
import { perSampleGradients } from "../landscape/mod.ts";
import type { GradientOracle } from "./gradient_oracle.ts";
import { checkCall } from "../_checks.ts";

const CACHE_SIZE = 8;

/** Options for {@linkcode modelOracle}. */
export interface ModelOracleOptions {
  /**
   * The first `subset` samples, or these indices: the objective and its noise are taken over
   * them (per-sample gradients cost n·d memory).
   * @default {all samples}
   */
  subset?: number | ArrayLike<number>;
  /** Samples per batched per-sample-gradient pass (see `perSampleGradients`). */
  chunkSize?: number;
}

/**
 * A {@linkcode GradientOracle} for a model from `lib/nn` on its data: ∇L(θ) is the mean of the
 * per-sample gradients gᵢ(θ), and the gradient noise is `perSample` (Σ = (1/n)Σ(gᵢ − ḡ)(gᵢ − ḡ)ᵀ,
 * applied through the gᵢ, never as a d×d matrix). θ is the flat parameter vector of
 * `flattenParams`. The per-sample gradients are computed with `perSampleGradients` (float32)
 * once per θ, the last 8 θ's kept (the drift and the noise of a step share them), and every
 * tensor is disposed. So `sgdSde(modelOracle(objective), { lr, batchSize })` is the SGD SDE of a
 * real network.
 *
 * @example A one-weight linear model: gᵢ = (w xᵢ − yᵢ)xᵢ
 * ```ts
 * import { createDataset, mlp, modelOracle, mse } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1], [2]], [[0], [1]]);
 * const oracle = modelOracle({ model: mlp([1, 1], { bias: false, activation: "identity" }), loss: mse, data });
 * const g = new Float64Array(1);
 * await oracle.gradient(Float64Array.of(3), g);
 * assert.equal(g[0], (3 + 10) / 2);
 * data.dispose();
 * ```
 *
 * @param objective The model, loss and data.
 * @param options A subset of the samples and the chunk size.
 * @returns The oracle.
 */
export function modelOracle(
  objective: Objective,
  options: ModelOracleOptions = {},
): GradientOracle {
  checkCall("modelOracle", arguments);
  const what = "build the model oracle";
  const model = objective?.model;
  if (!model || !Number.isInteger(model.numParams) || typeof model.apply !== "function") {
    throw new TypeError(
      `Cannot ${what}: objective must hold a model, a loss and data (an Objective from lib/nn), current model is ${model}`,
    );
  }
  const d = model.numParams;
  const n = options.subset === undefined
    ? objective.data.n
    : typeof options.subset === "number"
    ? options.subset
    : options.subset.length;
  if (!Number.isInteger(n) || n < 2 || n > objective.data.n) {
    throw new RangeError(
      `Cannot ${what}: the subset must hold between 2 and ${objective.data.n} samples, current count is ${n}`,
    );
  }
  // The last few θ's per-sample gradients (a step of a few particles asks at each θ twice).
  const cache: { theta: Float64Array; g: Float64Array }[] = [];
  const compute = async (theta: Float64Array): Promise<Float64Array> => {
    for (const entry of cache) {
      let same = true;
      for (let i = 0; i < d; i++) {
        if (entry.theta[i] !== theta[i]) {
          same = false;
          break;
        }
      }
      if (same) return entry.g;
    }
    const params = unflattenParams(theta, model.paramSpecs);
    let g: Float64Array;
    try {
      const t = perSampleGradients({ ...objective, params }, {
        subset: options.subset,
        chunkSize: options.chunkSize,
      });
      try {
        g = Float64Array.from(await t.data());
      } finally {
        t.dispose();
      }
    } finally {
      for (const p of params) p.dispose();
    }
    cache.unshift({ theta: Float64Array.from(theta), g });
    if (cache.length > CACHE_SIZE) cache.pop();
    return g;
  };
  return {
    dim: d,
    async gradient(theta, out) {
      const g = await compute(theta);
      out.fill(0);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[j] += g[i * d + j];
      for (let j = 0; j < d; j++) out[j] /= n;
    },
    noise: {
      kind: "perSample",
      samples: n,
      async perSampleGradients(theta, out) {
        out.set(await compute(theta));
      },
    },
  };
}
