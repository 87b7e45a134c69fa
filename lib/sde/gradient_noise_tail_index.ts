import { flattenParams, type ObjectivePoint, type Params } from "../nn/mod.ts";
import { checkParams, checkPoint } from "../landscape/_internal.ts";
import { perSampleGradients } from "../landscape/mod.ts";
import { Rng, sampleWithoutReplacement, type Seed } from "../random/mod.ts";
import { tailIndex, type TailIndexResult } from "./tail_index.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode gradientNoiseTailIndex}. */
export interface GradientNoiseTailIndexOptions {
  /**
   * The minibatch size B.
   * @default {32}
   */
  batchSize?: number;
  /**
   * Minibatches drawn (each gives d noise samples, one per parameter).
   * @default {64}
   */
  batches?: number;
  /**
   * The seed of the minibatches.
   * @default {0}
   */
  seed?: Seed;
  /** Block length for the estimator (default ⌊√K⌋ for K samples). */
  blockSize?: number;
  /**
   * A positive diagonal preconditioner P, one tensor per parameter tensor and of its shape: the
   * noise is divided by it coordinate-wise, (∇L_B − ∇L)/P. With Adam's P = √v̂ + ε
   * (`adaptivePreconditioner`) this is the noise of Adam's update direction. Not modified.
   * @default {none (P = 1)}
   */
  preconditioner?: Params;
}

/**
 * The tail index of a network's minibatch gradient noise, as Şimşekli et al. measure it: at θ,
 * draw minibatches B (without replacement), form the noise ∇L_B(θ) − ∇L(θ) from the per-sample
 * gradients, pool all coordinates of all batches, and apply the block-sum estimator
 * ({@linkcode tailIndex}). α̂ near 2 means Gaussian-like noise; smaller is heavier-tailed. With a
 * `preconditioner` P the samples are (∇L_B − ∇L)/P, e.g. the noise of Adam's step at its state.
 *
 * The estimator pools coordinates, so it also reads a spread of scales across coordinates as a
 * heavy tail (a mixture of Gaussians of different widths has α̂ < 2); a preconditioner that
 * equalizes the scales removes that part.
 *
 * @see Şimşekli, Sagun, Gürbüzbalaban, ICML 2019, arXiv 1901.06053; Zhou et al., NeurIPS 2020,
 * arXiv 2010.05627.
 *
 * @example
 * ```ts
 * import { createDataset, disposeParams, gradientNoiseTailIndex, mlp, mse } from "minima";
 * import assert from "node:assert/strict";
 *
 * const x = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
 * const data = createDataset(x, x.map(([a, b]) => [a - b]));
 * const model = mlp([2, 4, 1], { activation: "tanh" });
 * const params = model.init(0);
 * const r = await gradientNoiseTailIndex({ model, loss: mse, data, params }, { batchSize: 8, batches: 32 });
 * assert.ok(r.alpha > 0 && r.used > 0);
 * disposeParams(params);
 * data.dispose();
 * ```
 *
 * @example The noise of Adam's update: divide by √v̂ + ε at Adam's final state
 * ```ts
 * import {
 *   adam, adaptivePreconditioner, createDataset, disposeParams, gradientNoiseTailIndex, mlp, mse,
 *   train,
 * } from "minima";
 * import assert from "node:assert/strict";
 *
 * const x = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
 * const data = createDataset(x, x.map(([a, b]) => [a - b]));
 * const model = mlp([2, 4, 1], { activation: "tanh" });
 * const opt = adam({ lr: 0.01 });
 * const run = await train({ model, loss: mse, data }, opt, { steps: 20, batchSize: 8 });
 * const preconditioner = adaptivePreconditioner(opt, run.state);
 * const r = await gradientNoiseTailIndex({ model, loss: mse, data, params: run.params }, {
 *   batchSize: 8,
 *   batches: 32,
 *   preconditioner,
 * });
 * assert.ok(r.alpha > 0 && r.used > 0);
 * disposeParams(preconditioner);
 * run.dispose();
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters θ.
 * @param options Batch size, number of batches, seed, block length and preconditioner.
 * @returns The estimate, with the blocking used.
 */
export async function gradientNoiseTailIndex(
  point: ObjectivePoint,
  options: GradientNoiseTailIndexOptions = {},
): Promise<TailIndexResult> {
  checkCall("gradientNoiseTailIndex", arguments);
  const what = "estimate the gradient-noise tail index";
  const n = point?.data?.n;
  const batchSize = options.batchSize ?? 32, batches = options.batches ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1 || !(batchSize < n)) {
    throw new RangeError(
      `Cannot ${what}: batchSize must be an integer in [1, n − 1] = [1, ${
        n - 1
      }], current value is ${batchSize}`,
    );
  }
  if (!Number.isInteger(batches) || batches < 1) {
    throw new RangeError(
      `Cannot ${what}: batches must be a positive integer, current value is ${batches}`,
    );
  }
  const scale = await preconditionerValues(options.preconditioner, point, what);
  const G = perSampleGradients(point);
  let g: Float32Array;
  try {
    g = await G.data() as Float32Array;
  } finally {
    G.dispose();
  }
  const d = g.length / n;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += g[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const rng = new Rng(options.seed ?? 0);
  const noise = new Float64Array(batches * d);
  for (let b = 0; b < batches; b++) {
    const row = noise.subarray(b * d, (b + 1) * d);
    for (const i of sampleWithoutReplacement(rng, n, batchSize)) {
      for (let j = 0; j < d; j++) row[j] += g[i * d + j];
    }
    for (let j = 0; j < d; j++) row[j] = row[j] / batchSize - mean[j];
    if (scale) { for (let j = 0; j < d; j++) row[j] /= scale[j]; }
  }
  return tailIndex(noise, { blockSize: options.blockSize });
}

/** The preconditioner flattened like the per-sample gradients' rows, after checking it. */
async function preconditionerValues(
  preconditioner: Params | undefined,
  point: ObjectivePoint,
  what: string,
): Promise<Float64Array | undefined> {
  if (preconditioner === undefined) return undefined;
  checkPoint(point, what);
  checkParams(point, preconditioner, what, "preconditioner");
  const values = await flattenParams(preconditioner);
  const bad = values.findIndex((v) => !(v > 0 && Number.isFinite(v)));
  if (bad >= 0) {
    throw new RangeError(
      `Cannot ${what}: preconditioner must be positive and finite (it divides the noise), but its flattened entry ${bad} is ${
        values[bad]
      }`,
    );
  }
  return values;
}
