import { Rng, type Seed } from "../random/mod.ts";
import { checkCount, checkSeed, checkTargets, makeDataset } from "./_make_dataset.ts";
import type { tf } from "../backend/mod.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode sparseLinearClassification}. */
export interface SparseLinearClassificationOptions {
  /**
   * Training samples n.
   * @default {40}
   */
  samples?: number;
  /**
   * The input dimension d.
   * @default {100}
   */
  dim?: number;
  /**
   * The number k of coordinates the label depends on (the teacher's support is the first k).
   * @default {3}
   */
  sparsity?: number;
  /**
   * Held-out samples from the same distribution (0: no test set).
   * @default {0}
   */
  testSamples?: number;
  /**
   * `"signed"` (±1, one output) or `"integer"` / `"one-hot"` (two classes).
   * @default {"signed"}
   */
  targets?: "signed" | "integer" | "one-hot";
  /**
   * The seed.
   * @default {0}
   */
  seed?: Seed;
}

/**
 * Sparse linear classification: x ~ N(0, I_d), y = sign(x₁ + ⋯ + x_k) with k ≪ d. With n < d
 * samples a kernel (ℓ₂) predictor generalizes poorly, while an ℓ₁-biased (sparse) one finds the
 * support: the setting where a diagonal linear network's early kernel phase and late rich phase
 * give different test accuracies (Lyu et al.). Training and test samples come from independent
 * streams of the seed.
 *
 * @see Lyu, Jin, Li, Du, Lee, Hu, "Dichotomy of early and late phase implicit biases can provably
 * induce grokking", ICLR 2024, arXiv 2311.18817.
 *
 * @example
 * ```ts
 * import { sparseLinearClassification } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = sparseLinearClassification({ samples: 20, dim: 50, testSamples: 100 });
 * assert.deepEqual(data.x.shape, [20, 50]);
 * assert.equal(data.test!.n, 100);
 * const x = await data.x.array(), y = await data.y.data();
 * assert.ok(x.every((r, i) => Math.sign(r[0] + r[1] + r[2]) === y[i]));
 * data.dispose();
 * ```
 *
 * @param options Sizes, sparsity, encoding, seed.
 * @returns The dataset (with `test` when `testSamples` > 0).
 */
export function sparseLinearClassification(
  options: SparseLinearClassificationOptions = {},
): Dataset<tf.Tensor2D> {
  checkCall("sparseLinearClassification", arguments);
  const what = "make the sparse linear classification data";
  const n = options.samples ?? 40;
  const d = options.dim ?? 100;
  const k = options.sparsity ?? 3;
  const nTest = options.testSamples ?? 0;
  const targets = options.targets ?? "signed";
  const seed = options.seed ?? 0;
  checkCount(what, "samples", n);
  checkCount(what, "dim", d);
  checkCount(what, "testSamples", nTest, 0);
  checkTargets(what, targets, ["signed", "integer", "one-hot"]);
  checkSeed(what, seed);
  if (!Number.isInteger(k) || k < 1 || k > d) {
    throw new RangeError(
      `Cannot ${what}: sparsity must be an integer in [1, ${d}] (the dimension), current value is ${k}`,
    );
  }
  const rng = new Rng(seed);
  const trainRng = rng.fork(), testRng = rng.fork();
  const draw = (count: number, r: Rng, part: "train" | "test"): Dataset<tf.Tensor2D> => {
    const x = new Float32Array(count * d);
    const labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = Math.fround(r.normal());
        x[i * d + j] = v;
        if (j < k) s += v;
      }
      // A zero sum has probability 0; send it to class 1 like sign(0) = +1 would.
      labels[i] = s >= 0 ? 1 : 0;
    }
    return makeDataset({
      name: `sparse linear ${part} ${count} (d=${d}, k=${k})`,
      x,
      n: count,
      inputDim: d,
      targets,
      labels,
      numClasses: 2,
      info: { source: "sparse-linear", part, seed, samples: count, dim: d, sparsity: k },
    });
  };
  const train = draw(n, trainRng, "train");
  if (nTest === 0) return train;
  const test = draw(nTest, testRng, "test");
  return Object.freeze({
    ...train,
    test,
    dispose() {
      train.dispose();
      test.dispose();
    },
  });
}
