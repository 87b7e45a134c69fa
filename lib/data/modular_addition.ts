import { permutation, Rng, type Seed } from "../random/mod.ts";
import { checkCount, checkSeed, checkTargets, makeDataset } from "./_make_dataset.ts";
import type { tf } from "../backend/mod.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode modularAddition}. */
export interface ModularAdditionOptions {
  /**
   * The modulus p (classes 0 … p − 1).
   * @default {23}
   */
  modulus?: number;
  /**
   * The fraction of the p² pairs used for training; the rest is the test set.
   * @default {0.5}
   */
  trainFraction?: number;
  /**
   * `"integer"` labels or `"one-hot"` rows.
   * @default {"integer"}
   */
  targets?: "integer" | "one-hot";
  /**
   * The seed of the split.
   * @default {0}
   */
  seed?: Seed;
}

/**
 * Modular addition, the classic grokking task: every pair (a, b) ∈ {0, …, p−1}² with label
 * (a + b) mod p, the input the two one-hot codes side by side (2p features). A random
 * `trainFraction` of the p² pairs is the training set and the rest is `test`, so a model can only
 * generalize by learning the group structure.
 *
 * @see Power, Burda, Edwards, Babuschkin, Misra, "Grokking: generalization beyond overfitting on
 * small algorithmic datasets", arXiv 2201.02177.
 *
 * @example
 * ```ts
 * import { modularAddition } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = modularAddition({ modulus: 5, trainFraction: 0.6 });
 * assert.equal(data.n + data.test!.n, 25);
 * assert.equal(data.inputDim, 10);
 * const x = await data.x.array(), y = await data.y.data();
 * const a = x[0].indexOf(1), b = x[0].indexOf(1, 5) - 5;
 * assert.equal(y[0], (a + b) % 5);
 * data.dispose();
 * ```
 *
 * @param options Modulus, split, encoding, seed.
 * @returns The training pairs, with the held-out pairs as `test`.
 */
export function modularAddition(options: ModularAdditionOptions = {}): Dataset<tf.Tensor2D> {
  checkCall("modularAddition", arguments);
  const what = "make the modular addition data";
  const p = options.modulus ?? 23;
  const fraction = options.trainFraction ?? 0.5;
  const targets = options.targets ?? "integer";
  const seed = options.seed ?? 0;
  checkCount(what, "modulus", p, 2);
  checkTargets(what, targets, ["integer", "one-hot"]);
  checkSeed(what, seed);
  const total = p * p;
  const nTrain = Math.round(fraction * total);
  if (!(fraction > 0 && fraction < 1) || nTrain < 1 || nTrain >= total) {
    throw new RangeError(
      `Cannot ${what}: trainFraction must leave at least one pair on each side, in (0, 1), current value is ${fraction}`,
    );
  }
  const order = permutation(new Rng(seed), total);
  const build = (pairs: Int32Array, part: "train" | "test"): Dataset<tf.Tensor2D> => {
    const n = pairs.length;
    const x = new Float32Array(n * 2 * p);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const a = Math.floor(pairs[i] / p), b = pairs[i] % p;
      x[i * 2 * p + a] = 1;
      x[i * 2 * p + p + b] = 1;
      labels[i] = (a + b) % p;
    }
    return makeDataset({
      name: `modular addition mod ${p} ${part} ${n}`,
      x,
      n,
      inputDim: 2 * p,
      targets,
      labels,
      numClasses: p,
      info: { source: "modular-addition", part, seed, modulus: p, samples: n },
    });
  };
  const train = build(order.slice(0, nTrain), "train");
  const test = build(order.slice(nTrain), "test");
  return Object.freeze({
    ...train,
    test,
    dispose() {
      train.dispose();
      test.dispose();
    },
  });
}
