import { Rng, type Seed } from "../random/mod.ts";
import { checkCount, checkSeed, makeDataset } from "./_make_dataset.ts";
import type { tf } from "../backend/mod.ts";
import type { Dataset } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode teacherStudent}. */
export interface TeacherStudentOptions {
  /**
   * Training samples n.
   * @default {256}
   */
  samples?: number;
  /**
   * Test samples from the same teacher (0: none).
   * @default {0}
   */
  testSamples?: number;
  /**
   * Input dimension d.
   * @default {10}
   */
  inputDim?: number;
  /**
   * The teacher's hidden width m.
   * @default {4}
   */
  teacherWidth?: number;
  /**
   * Outputs per sample.
   * @default {1}
   */
  outputDim?: number;
  /**
   * The teacher's activation.
   * @default {"tanh"}
   */
  activation?: "tanh" | "relu" | "identity";
  /**
   * Standard deviation of Gaussian label noise added to the training targets (not the test ones).
   * @default {0}
   */
  noise?: number;
  /**
   * The seed of the teacher, the inputs and the noise.
   * @default {0}
   */
  seed?: Seed;
}

const ACTS = {
  tanh: Math.tanh,
  relu: (z: number) => (z > 0 ? z : 0),
  identity: (z: number) => z,
};

/**
 * Teacher–student regression: inputs x ~ N(0, I_d) and targets y = A σ(W x)/√m (+ noise) from a
 * random two-layer teacher with W ~ N(0, 1/d), A ~ N(0, 1), computed in float64.
 *
 * @example
 * ```ts
 * import { teacherStudent } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = teacherStudent({ samples: 64, inputDim: 5 });
 * assert.equal(data.task, "regression");
 * assert.deepEqual(data.y.shape, [64, 1]);
 * data.dispose();
 * ```
 *
 * @param options Sizes, teacher, noise and seed.
 * @returns The dataset (with `test` when `testSamples` > 0).
 */
export function teacherStudent(options: TeacherStudentOptions = {}): Dataset<tf.Tensor2D> {
  checkCall("teacherStudent", arguments);
  const what = "make the teacher–student data";
  const n = options.samples ?? 256;
  const nTest = options.testSamples ?? 0;
  const d = options.inputDim ?? 10;
  const m = options.teacherWidth ?? 4;
  const k = options.outputDim ?? 1;
  const noise = options.noise ?? 0;
  const seed = options.seed ?? 0;
  const actName = options.activation ?? "tanh";
  checkCount(what, "samples", n);
  checkCount(what, "testSamples", nTest, 0);
  checkCount(what, "inputDim", d);
  checkCount(what, "teacherWidth", m);
  checkCount(what, "outputDim", k);
  checkSeed(what, seed);
  if (!Object.hasOwn(ACTS, actName)) {
    throw new TypeError(
      `Cannot ${what}: activation must be "tanh", "relu" or "identity", current value is ${
        JSON.stringify(actName)
      }`,
    );
  }
  if (!(Number.isFinite(noise) && noise >= 0)) {
    throw new RangeError(
      `Cannot ${what}: noise must be a non-negative number, current value is ${noise}`,
    );
  }
  const act = ACTS[actName];
  const rng = new Rng(seed);
  const w = Float64Array.from({ length: m * d }, () => rng.normal() / Math.sqrt(d));
  const a = Float64Array.from({ length: k * m }, () => rng.normal());
  const dataRng = rng.fork(), noiseRng = rng.fork(), testRng = rng.fork();
  const draw = (
    count: number,
    r: Rng,
    sigma: number,
    part: "train" | "test",
  ): Dataset<tf.Tensor2D> => {
    const x = new Float32Array(count * d);
    const y = new Float32Array(count * k);
    const xi = new Float64Array(d), h = new Float64Array(m);
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < d; j++) x[i * d + j] = xi[j] = r.normal();
      for (let u = 0; u < m; u++) {
        let z = 0;
        for (let j = 0; j < d; j++) z += w[u * d + j] * xi[j];
        h[u] = act(z);
      }
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let u = 0; u < m; u++) s += a[c * m + u] * h[u];
        y[i * k + c] = s / Math.sqrt(m) + (sigma > 0 ? sigma * noiseRng.normal() : 0);
      }
    }
    return makeDataset({
      name: `teacher-student ${part} ${count}`,
      x,
      n: count,
      inputDim: d,
      targets: "real",
      values: y,
      valueDim: k,
      info: {
        source: "teacher-student",
        part,
        seed,
        samples: count,
        teacherWidth: m,
        noise: sigma,
      },
    });
  };
  const train = draw(n, dataRng, noise, "train");
  if (nTest === 0) return train;
  const test = draw(nTest, testRng, 0, "test");
  return Object.freeze({
    ...train,
    test,
    dispose() {
      train.dispose();
      test.dispose();
    },
  });
}
