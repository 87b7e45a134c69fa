import { tf } from "../backend/mod.ts";
import { checkState } from "./_compose.ts";
import {
  builtLayer,
  channelBroadcast,
  checkInput,
  checkParamCount,
  initTensor,
} from "./_layer_util.ts";
import type { Layer, StateSpec } from "./layer.ts";
import type { ParamSpec } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode batchNorm}. */
export interface BatchNormOptions {
  /**
   * Learn a scale γ and shift β per channel (PyTorch's `affine`).
   * @default {true}
   */
  affine?: boolean;
  /**
   * ε in (x − μ)/√(σ² + ε).
   * @default {1e-5}
   */
  eps?: number;
  /**
   * The weight m of a batch in the running statistics, new = (1 − m)·old + m·batch.
   * @default {0.1}
   */
  momentum?: number;
  /**
   * Normalize over consecutive groups of this many samples ("ghost batches") instead of the
   * whole batch: a loss over n samples is then the same whether it is computed in one pass or
   * in chunks that hold whole groups, during training and measurement alike.
   * @default {the whole batch}
   */
  ghostBatchSize?: number;
  /**
   * The layer's name: in a model its parameters are `${name}.weight` (γ) and `${name}.bias` (β),
   * its state `${name}.running_mean` and `${name}.running_var`.
   * @default {"bn"}
   */
  name?: string;
}

/**
 * Batch normalization (Ioffe and Szegedy) over the last axis (channels) of images [n, h, w, c]
 * or vectors [n, c]: y = γ (x − μ)/√(σ² + ε) + β.
 *
 * In train mode (the default, and what `Model.apply` and every landscape measurement use) μ and
 * σ² are the mean and biased variance of each channel over the batch (or over each ghost batch)
 * and its positions, so the loss and its Hessian include the coupling between samples. In eval
 * mode (`{ mode: "eval", state }`) they are the running statistics, explicit state kept beside
 * the parameters: `running_mean` and `running_var` [c] (PyTorch's buffers), updated from batch
 * statistics with `model.updateState` or recomputed by `runningStatistics`. The running variance
 * is unbiased, m/(m − 1)·σ² for m values per channel, as in PyTorch.
 *
 * A batch (or ghost batch) of one sample is refused in train mode: it would be normalized against
 * itself.
 *
 * @see Ioffe, Szegedy, "Batch normalization", arXiv:1502.03167.
 *
 * @example Train mode normalizes each channel over the batch
 * ```ts
 * import { batchNorm, disposeParams, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const layer = batchNorm().build([1]);
 * const params = layer.init(0); // γ = 1, β = 0
 * const y = tf.tidy(() => layer.apply(params, tf.tensor2d([[1], [3]])));
 * const [a, b] = await y.data();
 * assert.ok(Math.abs(a + 1) < 1e-4 && Math.abs(b - 1) < 1e-4);
 * y.dispose();
 * disposeParams(params);
 * ```
 *
 * @param options Affine, ε, momentum, ghost batch size and name.
 * @returns The layer (build it for [h, w, c] or [c]).
 */
export function batchNorm(options: BatchNormOptions = {}): Layer {
  checkCall("batchNorm", arguments);
  const name = options.name ?? "bn";
  const what = `build batchNorm "${name}"`;
  const affine = options.affine ?? true;
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  const ghost = options.ghostBatchSize;
  if (!(Number.isFinite(eps) && eps >= 0)) {
    throw new RangeError(
      `Cannot ${what}: eps must be a non-negative number, current value is ${eps}`,
    );
  }
  if (!(momentum >= 0 && momentum <= 1)) {
    throw new RangeError(
      `Cannot ${what}: momentum must be a number in [0, 1], current value is ${momentum}`,
    );
  }
  if (ghost !== undefined && !(Number.isInteger(ghost) && ghost >= 2)) {
    throw new RangeError(
      `Cannot ${what}: ghostBatchSize must be an integer ≥ 2, current value is ${ghost}`,
    );
  }
  return Object.freeze({
    name,
    build(inputShape: readonly number[]) {
      if (
        !Array.isArray(inputShape) || (inputShape.length !== 1 && inputShape.length !== 3) ||
        !inputShape.every((s) => Number.isInteger(s) && s >= 1)
      ) {
        throw new TypeError(
          `Cannot ${what}: the input must be images [h, w, c] or vectors [c], current input shape is ${
            JSON.stringify(inputShape)
          }`,
        );
      }
      const c = inputShape[inputShape.length - 1];
      const specs: ParamSpec[] = affine
        ? [
          { name: "weight", shape: [c], role: "weight", layer: 0 },
          { name: "bias", shape: [c], role: "bias", layer: 0 },
        ]
        : [];
      const stateSpecs: StateSpec[] = [
        { name: "running_mean", shape: [c], kind: "mean", momentum },
        { name: "running_var", shape: [c], kind: "variance", momentum },
      ];
      const applyWhat = `apply batchNorm "${name}"`;
      const rank = inputShape.length + 1;
      const reduce = Array.from({ length: rank - 1 }, (_, i) => i);
      const perPosition = inputShape.slice(0, -1).reduce((a, b) => a * b, 1);
      const affineMap = (p: tf.Tensor[], z: tf.Tensor) =>
        affine
          ? tf.add(
            tf.mul(z, channelBroadcast(p[0], specs[0], rank)),
            channelBroadcast(p[1], specs[1], rank),
          )
          : z;
      return builtLayer({
        name,
        inputShape,
        outputShape: inputShape,
        paramSpecs: specs,
        stateSpecs,
        batchStatistics: ghost ?? Infinity,
        init: (rng) =>
          specs.map((s) => initTensor(rng, s.shape, { constant: s.role === "weight" ? 1 : 0 })),
        initState: () => [tf.zeros([c]), tf.ones([c])],
        apply: (params, x, opts) => {
          checkParamCount(applyWhat, params, specs.length);
          checkInput(applyWhat, x, inputShape);
          const n = x.shape[0];
          if (opts.mode === "eval") {
            checkState(`${applyWhat} in eval mode`, opts.state, stateSpecs);
            const [mean, variance] = opts.state!;
            return tf.tidy(() =>
              affineMap(params, tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))))
            );
          }
          if (opts.mode !== undefined && opts.mode !== "train") {
            throw new TypeError(
              `Cannot ${applyWhat}: mode must be "train" or "eval", current value is ${
                JSON.stringify(opts.mode)
              }`,
            );
          }
          const group = ghost === undefined ? n : Math.min(ghost, n);
          const last = n % group;
          if (group < 2 || last === 1) {
            throw new RangeError(
              `Cannot ${applyWhat} in train mode: batch statistics need at least 2 samples per ${
                ghost === undefined ? "batch" : "ghost batch"
              }, current ${
                ghost === undefined ? "batch has" : `batch of ${n} leaves a ghost batch of`
              } 1; a single sample would be normalized against itself (use eval mode with running statistics for single samples)`,
            );
          }
          return tf.tidy(() => {
            // Full groups as [g, G, ...], then the remainder as one more group.
            const parts: tf.Tensor[] = [];
            const means: tf.Tensor[] = [], vars: tf.Tensor[] = [];
            const full = n - last;
            const normalize = (xs: tf.Tensor, groups: number, size: number) => {
              const grouped = tf.reshape(xs, [groups, size, ...inputShape]);
              const axes = reduce.map((a) => a + 1);
              const mu = tf.mean(grouped, axes, true);
              const centred = tf.sub(grouped, mu);
              const variance = tf.mean(tf.square(centred), axes, true);
              parts.push(tf.reshape(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), xs.shape));
              if (opts.statistics) {
                const m = size * perPosition;
                means.push(tf.reshape(mu, [groups, c]));
                vars.push(tf.mul(tf.reshape(variance, [groups, c]), m / (m - 1)));
              }
            };
            if (full > 0) {
              normalize(last === 0 ? x : tf.slice(x, 0, full), full / group, group);
            }
            if (last > 0) normalize(tf.slice(x, full, last), 1, last);
            if (opts.statistics) {
              opts.statistics.push(
                tf.keep(tf.mean(tf.concat(means, 0), 0)),
                tf.keep(tf.mean(tf.concat(vars, 0), 0)),
              );
            }
            return affineMap(params, parts.length === 1 ? parts[0] : tf.concat(parts, 0));
          });
        },
      });
    },
  });
}
