import { tf } from "../backend/mod.ts";
import type { Objective, Params } from "../nn/mod.ts";
import {
  checkObjective,
  chunkHvp,
  DEFAULT_CHUNK_SIZE,
  makeChunks,
} from "../landscape/_internal.ts";
import { checkRate } from "./_checks.ts";
import { flatten, unflatten } from "./_norms.ts";
import type { Optimizer, OptimizerState, OptimizerStep, StepContext } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode ire}. */
export interface IreOptions {
  /** The amplification κ ≥ 0 of the update's flat part (κ = 0 is the base optimizer). */
  kappa: number;
  /**
   * How the sharp directions are found. `"hessian"`: the span of the top `rank` eigenvectors of
   * the Hessian of `objective`, by subspace iteration on exact Hessian-vector products;
   * `"fisher"`: the `rankFraction` of coordinates with the largest running mean of squared
   * gradients (a diagonal Fisher estimate of the curvature), the paper's practical variant.
   * @default {"fisher"}
   */
  subspace?: "hessian" | "fisher";
  /**
   * `"hessian"`: the number k of sharp directions, an integer in [1, d).
   * @default {1}
   */
  rank?: number;
  /**
   * `"fisher"`: the share of coordinates treated as sharp, in (0, 1); round(fraction·d), at
   * least 1, coordinates are sharp.
   * @default {0.1}
   */
  rankFraction?: number;
  /** `"hessian"`: the objective whose Hessian defines the sharp directions (usually the training one). */
  objective?: Objective;
  /** `"hessian"`: the samples its Hessian averages over (a count, the first ones, or indices). */
  subset?: number | ArrayLike<number>;
  /**
   * Re-estimate the sharp directions every this many steps (and at the first step).
   * @default {10}
   */
  refreshEvery?: number;
  /**
   * `"hessian"`: subspace iterations per refresh, warm-started from the previous basis.
   * @default {2}
   */
  iterations?: number;
  /**
   * `"hessian"`: subspace iterations at the first refresh, from a random basis.
   * @default {20}
   */
  initialIterations?: number;
  /**
   * `"fisher"`: the decay β of the running mean F ← βF + (1 − β)g².
   * @default {0.9}
   */
  fisherDecay?: number;
}

/** State of {@linkcode ire}. */
export interface IreState<S extends OptimizerState = OptimizerState> extends OptimizerState {
  /** Steps taken. */
  count: number;
  /** The base optimizer's state. */
  inner: S;
  /** `"fisher"`: the running mean of squared gradients (empty for `"hessian"`). */
  fisher: Params;
  /** `"fisher"`: 1 on flat coordinates, 0 on sharp ones (empty for `"hessian"`). */
  mask: Params;
  /** `"hessian"`: the orthonormal sharp basis as rows, [k, d] (empty [0, d] for `"fisher"`). */
  basis: tf.Tensor2D;
}

/**
 * Implicit Regularization Enhancement (IRE): the base optimizer's update u, with its component in
 * the flat directions amplified, u ← u + κ P_flat u. The sharp directions (top of the Hessian)
 * keep the base dynamics, so stability is unchanged, while the slow drift along the manifold of
 * minima, which lives in the flat directions and is what lowers the sharpness (label noise, SAM,
 * the edge of stability), runs 1 + κ times faster. The sharp subspace is re-estimated every
 * `refreshEvery` steps: from the Hessian (top-k eigenvectors by subspace iteration with exact
 * Hessian-vector products, P_flat = I − VVᵀ) or, as the paper does at scale, from a diagonal
 * Fisher estimate (the coordinates with the largest E g² are sharp, P_flat a 0/1 mask).
 *
 * @see Wang, Wang, He, Wang, Huang, Xiong, Li, E, Wu, "Improving generalization and convergence by
 * enhancing implicit regularization", NeurIPS 2024, arXiv 2405.20763.
 *
 * @example
 * ```ts
 * import { ire, sgd } from "minima";
 * import assert from "node:assert/strict";
 *
 * const opt = ire(sgd({ lr: 0.1 }), { kappa: 2, rankFraction: 0.2 });
 * assert.equal(opt.name, "ire-sgd");
 * assert.deepEqual(opt.hyperparameters, {
 *   lr: 0.1, kappa: 2, rankFraction: 0.2, refreshEvery: 10, fisherDecay: 0.9,
 * });
 * ```
 *
 * @param base The base optimizer.
 * @param options κ, how the sharp subspace is found and how often.
 * @returns The optimizer; its state wraps the base state.
 */
export function ire<S extends OptimizerState>(
  base: Optimizer<S>,
  options: IreOptions,
): Optimizer<IreState<S>> {
  checkCall("ire", arguments);
  const what = "create ire";
  if (!base || typeof base.update !== "function" || typeof base.init !== "function") {
    throw new TypeError(
      `Cannot ${what}: base must be an Optimizer (e.g. sgd({ lr: 0.1 })), current value is ${base}`,
    );
  }
  const kappa = options?.kappa;
  if (typeof kappa !== "number" || !(kappa >= 0) || !Number.isFinite(kappa)) {
    throw new RangeError(
      `Cannot ${what}: kappa must be a non-negative number (the flat-direction amplification), current value is ${kappa}`,
    );
  }
  const mode = options.subspace ?? "fisher";
  if (mode !== "hessian" && mode !== "fisher") {
    throw new TypeError(
      `Cannot ${what}: subspace must be "hessian" or "fisher", current value is ${
        JSON.stringify(mode)
      }`,
    );
  }
  const refreshEvery = positiveInteger(options.refreshEvery ?? 10, "refreshEvery", what);
  const hyper: Record<string, number> = { ...base.hyperparameters, kappa };
  let rank = 0, fraction = 0, beta = 0, iterations = 0, initialIterations = 0;
  const objective = options.objective;
  if (mode === "fisher") {
    fraction = options.rankFraction ?? 0.1;
    if (typeof fraction !== "number" || !(fraction > 0 && fraction < 1)) {
      throw new RangeError(
        `Cannot ${what}: rankFraction must be in (0, 1) (the share of coordinates treated as sharp), current value is ${fraction}`,
      );
    }
    beta = checkRate(options.fisherDecay ?? 0.9, "fisherDecay", "ire");
    Object.assign(hyper, { rankFraction: fraction, refreshEvery, fisherDecay: beta });
  } else {
    if (!objective) {
      throw new TypeError(
        `Cannot ${what}: the "hessian" subspace needs options.objective (the model, loss and data whose Hessian defines the sharp directions)`,
      );
    }
    checkObjective(objective, what);
    rank = options.rank ?? 1;
    const d = objective.model.numParams;
    if (!Number.isInteger(rank) || rank < 1 || rank >= d) {
      throw new RangeError(
        `Cannot ${what}: rank must be an integer in [1, ${d}) (the number of sharp directions, below the parameter count), current value is ${rank}`,
      );
    }
    iterations = positiveInteger(options.iterations ?? 2, "iterations", what);
    initialIterations = positiveInteger(options.initialIterations ?? 20, "initialIterations", what);
    Object.assign(hyper, { rank, refreshEvery, iterations });
  }
  const name = `ire-${base.name}`;

  const sharpBasis = (
    params: Params,
    previous: tf.Tensor2D | null,
    context: StepContext,
  ): tf.Tensor2D => {
    const { model, loss, data } = objective!;
    const d = model.numParams;
    const chunks = makeChunks(
      data,
      options.subset,
      DEFAULT_CHUNK_SIZE,
      "refresh the IRE subspace",
      model,
    );
    try {
      return tf.tidy(() => {
        let v: tf.Tensor2D;
        let sweeps = iterations;
        if (previous) {
          v = previous;
        } else {
          const start = new Float32Array(rank * d);
          context.rng.fillNormal(start);
          v = orthonormalRows(tf.tensor2d(start, [rank, d]));
          sweeps = initialIterations;
        }
        for (let it = 0; it < sweeps; it++) {
          const rows = tf.unstack(v).map((row) => {
            const vp = unflatten(row, params);
            let hv: Params | null = null;
            for (const chunk of chunks.chunks) {
              const part = chunkHvp(model, loss, params, vp, chunk, 1 / chunks.n);
              hv = hv ? hv.map((a, j) => tf.add(a, part[j])) : part;
            }
            return flatten(hv!);
          });
          v = orthonormalRows(tf.stack(rows) as tf.Tensor2D);
        }
        return v;
      });
    } finally {
      chunks.dispose();
    }
  };

  const optimizer: Optimizer<IreState<S>> = {
    name,
    hyperparameters: Object.freeze(hyper),
    gradientsPerStep: base.gradientsPerStep,
    fullBatch: base.fullBatch,
    init: (params) =>
      tf.tidy(() => ({
        count: 0,
        inner: base.init(params),
        fisher: mode === "fisher" ? params.map((p) => tf.zerosLike(p)) : [],
        mask: mode === "fisher" ? params.map((p) => tf.onesLike(p)) : [],
        basis: tf.zeros([0, params.reduce((s, p) => s + p.size, 0)]) as tf.Tensor2D,
      })),
    update(gradients, state, params, context): OptimizerStep<IreState<S>> {
      return tf.tidy(() => {
        const step = base.update(gradients, state.inner, params, context);
        const refresh = state.count % refreshEvery === 0;
        let fisher = state.fisher, mask = state.mask, basis = state.basis;
        let flat: Params;
        if (mode === "fisher") {
          const g = gradients[0];
          fisher = state.fisher.map((f, j) =>
            tf.add(tf.mul(f, beta), tf.mul(tf.square(g[j]), 1 - beta))
          );
          if (refresh) mask = flatMask(fisher, fraction);
          flat = step.updates.map((u, j) => tf.mul(u, mask[j]));
        } else {
          if (refresh) basis = sharpBasis(params, state.count === 0 ? null : state.basis, context);
          const u = flatten(step.updates);
          const sharp = tf.matMul(tf.matMul(tf.reshape(u, [1, -1]), basis, false, true), basis);
          flat = unflatten(tf.sub(u, tf.reshape(sharp, [-1])), params);
        }
        const updates = step.updates.map((u, j) => tf.add(u, tf.mul(flat[j], kappa)));
        return {
          updates,
          state: { count: state.count + 1, inner: step.state, fisher, mask, basis },
        };
      }) as OptimizerStep<IreState<S>>;
    },
  };
  if (base.prepareBatch) optimizer.prepareBatch = base.prepareBatch.bind(base);
  return Object.freeze(optimizer);
}

function positiveInteger(value: number, name: string, what: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be a positive integer, current value is ${value}`,
    );
  }
  return value;
}

/** Modified Gram–Schmidt on the rows (a row that vanishes stays zero instead of turning NaN). */
function orthonormalRows(v: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const rows: tf.Tensor1D[] = [];
    for (let r of tf.unstack(v) as tf.Tensor1D[]) {
      for (const q of rows) r = tf.sub(r, tf.mul(q, tf.sum(tf.mul(q, r))));
      rows.push(tf.div(r, tf.maximum(tf.norm(r), 1e-30)));
    }
    return tf.stack(rows) as tf.Tensor2D;
  });
}

/** 0 on the round(fraction·d) (at least 1) coordinates with the largest F, 1 elsewhere. */
function flatMask(fisher: Params, fraction: number): Params {
  return tf.tidy(() => {
    const all = flatten(fisher);
    const k = Math.max(1, Math.round(fraction * all.size));
    const threshold = tf.slice(tf.topk(all, k).values, [k - 1], [1]);
    return unflatten(tf.cast(tf.less(all, threshold), "float32"), fisher);
  });
}
