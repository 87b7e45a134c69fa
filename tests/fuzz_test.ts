/**
 * The public API under hostile inputs: every function `mod.ts` exports has a row in {@link ROWS}
 * (a new export without one fails the test), and each row's cases call it with wrong types
 * (undefined, null, a string, {}, []), non-finite and out-of-range numbers, prototype names,
 * disposed and wrongly shaped tensors and disposed datasets, first alone and then in place of each
 * argument and option of a valid call. Every case must either throw a TypeError, RangeError or
 * ClaimError whose message is minima's own (not an engine's "Cannot read properties of …"), or
 * return a result that holds no NaN the inputs did not ask for, settle within its time, and leave
 * `tf.memory().numTensors` as it found it.
 *
 * `FUZZ_REPORT=1 deno test -A tests/fuzz_test.ts` prints every case's outcome.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as minima from "../mod.ts";
import { ClaimError, createDataset, mlp, mse, tf } from "../mod.ts";

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

/** A value to put where an argument goes; made fresh for each case (tensors are disposed after). */
type Hostile = { name: string; make: () => unknown; nonFinite?: boolean };

function disposedTensor(): tf.Tensor {
  const t = tf.tensor2d([[1, 2]]);
  t.dispose();
  return t;
}

function disposedDataset() {
  const d = createDataset([[1, 2], [3, 4]], [[1], [0]]);
  d.dispose();
  return d;
}

/** The values each argument meets. */
const HOSTILE: Hostile[] = [
  { name: "undefined", make: () => undefined },
  { name: "null", make: () => null },
  { name: "a string", make: () => "x" },
  { name: "{}", make: () => ({}) },
  { name: "[]", make: () => [] },
  { name: "NaN", make: () => NaN, nonFinite: true },
  { name: "Infinity", make: () => Infinity, nonFinite: true },
  { name: "-Infinity", make: () => -Infinity, nonFinite: true },
  { name: "-1", make: () => -1 },
  { name: "2.5", make: () => 2.5 },
  { name: '"constructor"', make: () => "constructor" },
  { name: '"__proto__"', make: () => "__proto__" },
  { name: "a function", make: () => () => 1 },
  { name: "a disposed tensor", make: disposedTensor },
  { name: "a rank-3 tensor", make: () => tf.zeros([2, 1, 3]) },
  { name: "a disposed dataset", make: disposedDataset },
  { name: "[NaN, 1]", make: () => [NaN, 1], nonFinite: true },
  { name: "[[1, 2], [3]]", make: () => [[1, 2], [3]] },
];

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/** How one exported function is fuzzed. */
interface Row {
  /**
   * A valid call's arguments (made fresh for each case). Each argument, and each field of an
   * argument that is a plain object, is then replaced by every hostile value in turn. Without it,
   * only the first argument is fuzzed (with the others left out).
   */
  valid?: () => unknown[];
  /** Checks the valid call's result against an independent reference. */
  check?: (result: unknown) => void | Promise<void>;
  /** Argument positions (or "i.field") not to fuzz: callbacks and the like. */
  skip?: string[];
  /** The function draws or prints; its console output is silenced. */
  quiet?: boolean;
  /** A NaN in the result is what the inputs asked for (a value that may be undefined). */
  nanOk?: boolean;
  /** Undoes a case's effect on global state (the backend, the thread count, the memory limit). */
  after?: () => unknown;
  /** Cases of the row's own, each of which must throw (a typed error with minima's message). */
  refuse?: { name: string; args: () => unknown[] }[];
  /** "io": a plain Error is allowed too when its message says what could not be done ("Cannot …"). */
  errors?: "io";
}

const x2 = () => [[1, 2], [3, -1], [0.5, 0.5], [-2, 1]];
const y2 = () => [[1], [0], [0.5], [-1]];
const data = () => createDataset(x2(), y2());
/** A linear model without bias at W = (0.3, −0.2): its loss, gradient and Hessian are closed forms. */
const point = () => ({
  model: mlp([2, 1], { bias: false, activation: "identity" }),
  loss: mse,
  data: data(),
  params: [tf.tensor2d([[0.3], [-0.2]])],
});
/** H = mean xxᵀ of the inputs above, in float64: entries and eigenvalues. */
const H = (() => {
  const x = x2();
  const m = (f: (r: number[]) => number) => x.reduce((s, r) => s + f(r), 0) / x.length;
  const a = m((r) => r[0] * r[0]), b = m((r) => r[0] * r[1]), c = m((r) => r[1] * r[1]);
  const root = Math.sqrt(((a - c) / 2) ** 2 + b * b);
  return { a, b, c, max: (a + c) / 2 + root, min: (a + c) / 2 - root };
})();
/** ½·mean (xW − y)² at W = (0.3, −0.2). */
const LOSS = (() => {
  const x = x2(), y = y2();
  return x.reduce((s, r, i) => s + (0.3 * r[0] - 0.2 * r[1] - y[i][0]) ** 2, 0) / x.length / 2;
})();
const near = (actual: number, expected: number, tol = 1e-5) =>
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${actual} ≉ ${expected}`,
  );
const ou = () => ({
  dim: 1,
  drift: (_t: number, x: Float64Array, out: Float64Array) => {
    for (let i = 0; i < x.length; i++) out[i] = -x[i];
  },
  diffusion: { kind: "additive", sigma: 0 },
  y0: [1],
  t1: 1,
});

/**
 * One row per export; `{}` fuzzes the first argument alone. The valid calls' checks compare with
 * closed forms: H = mean xxᵀ for the linear model, e^{−t} for the noiseless OU path, and so on.
 */
const ROWS: Record<string, Row> = {
  // Global state: each case is undone after it.
  useBackend: { after: restoreBackend },
  setNativeThreads: { after: restoreThreads, errors: "io" },
  setMemoryLimit: { after: () => minima.setMemoryLimit(undefined) },
  // I/O: a missing file is an Error that names it.
  loadParams: { errors: "io" },
  mnist: { errors: "io" },
  fashionMnist: { errors: "io" },
  cifar10: { errors: "io" },
  createDataset: {
    valid: () => [x2(), y2(), { name: "d" }],
    refuse: [
      { name: "no feature", args: () => [[[]], [1]] },
      { name: "a flat vector", args: () => [[1, 2, 3], [1, 2, 3]] },
      {
        name: "real targets as labels",
        args: () => [[[1], [2]], [0.5, 1], { targets: "integer" }],
      },
    ],
    check: (d) => assert.deepEqual((d as { x: tf.Tensor }).x.shape, [4, 2]),
  },
  mlp: {
    valid: () => [[2, 3, 1], { activation: "tanh", bias: true }],
    check: (m) => {
      const params = (m as ReturnType<typeof mlp>).init(0);
      assert.deepEqual(params.map((p) => p.shape), [[2, 3], [3], [3, 1], [1]]);
      tf.dispose(params);
    },
  },
  evaluateLoss: {
    valid: () => [point()],
    check: (r) => near(r as number, LOSS),
  },
  sharpness: {
    valid: () => [point(), { tol: 1e-8 }],
    check: (r) => near((r as { value: number }).value, H.max, 1e-4),
  },
  hessianTrace: {
    valid: () => [point(), { method: "hutch++", matvecs: 12, seed: 0 }],
    check: (r) => near((r as { value: number }).value, H.a + H.c, 1e-4),
  },
  topHessianEigenvalues: {
    valid: () => [point(), { k: 2 }],
    check: (r) => {
      const v = (r as { values: number[] }).values;
      near(v[0], H.max, 1e-4);
      near(v[1], H.min, 1e-4);
    },
  },
  hessianVectorProduct: {
    valid: () => [point(), Float64Array.of(1, 0)],
    check: (r) => {
      near((r as Float64Array)[0], H.a);
      near((r as Float64Array)[1], H.b);
    },
  },
  lossGradient: {
    valid: () => [point()],
    check: (r) => near((r as { value: number }).value, LOSS),
  },
  perSampleGradients: {
    valid: () => [point()],
    check: (r) => assert.deepEqual((r as tf.Tensor).shape, [4, 2]),
  },
  gradientNoiseScale: { valid: () => [point()] },
  train: {
    valid: () => [
      { model: mlp([2, 1], { activation: "identity" }), loss: mse, data: data() },
      minima.gd({ lr: 0.1 }),
      { steps: 3, seed: 0 },
    ],
    quiet: true,
  },
  mathjsGame: {
    valid: () => ["cos(x - y)", { temperature: 0.5 }],
    // Object.prototype names are no functions or constants of a formula (constructor(x) was x,
    // a.sin(x) was sin(x)), and a coordinate index is bounded before compiling (x300000 took
    // minutes).
    refuse: [
      "constructor(x)",
      "toString(x) + y",
      "valueOf(x)",
      "hasOwnProperty(x) + cos(y)",
      "__proto__ + x",
      "a.sin(x - y)",
      "x300000*y",
    ].map((f) => ({ name: JSON.stringify(f), args: () => [f] })),
    check: (g) => {
      const f = (g as ReturnType<typeof minima.mathjsGame>).fieldX(
        Float64Array.of(1),
        Float64Array.of(0),
      );
      near((f as Float64Array)[0], -Math.sin(1));
    },
  },
  gameGrid: {
    valid: () => [minima.mathjsGame("cos(x - y)"), { pointsX: 8 }],
  },
  solveSde: {
    valid: () => [ou(), { particles: 2, dt: 0.01, seed: 1 }],
    // 1e10 steps: refused by the memory limit before allocating (it failed with "Invalid array
    // length").
    refuse: [{ name: "dt = 1e-10", args: () => [ou(), { dt: 1e-10 }] }],
    skip: ["0.drift"],
    // Options left out mean one particle, whose std is NaN as documented (divisor n − 1).
    nanOk: true,
    check: (r) => {
      const last = (r as { records: { mean: number }[] }).records.at(-1)!;
      near(last.mean, (1 - 0.01) ** 100, 1e-9);
    },
  },
  linearScalingRule: {
    valid: () => [{ lr: 0.1, batchSize: 32 }, 2],
    check: (r) => assert.deepEqual(r, { lr: 0.2, batchSize: 64 }),
  },
  squareRootScalingRule: {
    valid: () => [{ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, batchSize: 32 }, 4],
    check: (r) => near((r as { lr: number }).lr, 2e-3, 1e-12),
  },
  sgd: { valid: () => [{ lr: 0.1 }] },
  adam: { valid: () => [{ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 }] },
  quadraticOracle: { valid: () => [{ curvature: [2, 1], center: [1, 0], noiseStd: 0.5 }] },
  simulateOptimizer: {
    valid: () => [
      minima.sgd({ lr: 0.1 }),
      minima.quadraticOracle({ curvature: [1], noiseStd: 0 }),
      { runs: 2, steps: 5, theta0: [1], seed: 1 },
    ],
    check: (r) => {
      near((r as { mean: Float64Array[] }).mean.at(-1)![0], 0.9 ** 5, 1e-6);
    },
  },
  sgdQuadraticMoments: {
    valid: () => [{ curvature: [1] }, { lr: 0.5 }],
  },
  lanczos: {
    valid: () => [minima.denseOperator([2, 1, 1, 2], 2), { k: 1, tol: 1e-10 }],
    check: (r) => near((r as { values: number[] }).values[0], 3, 1e-8),
  },
  powerIteration: {
    valid: () => [minima.denseOperator([2, 1, 1, 2], 2), { tol: 1e-10 }],
    check: (r) => near((r as { values: number[] }).values[0], 3, 1e-6),
  },
  denseOperator: { valid: () => [[2, 1, 1, 2], 2] },
  linearFit: {
    valid: () => [[0, 1, 2, 3], [1, 3, 5, 7]],
    check: (r) => near((r as { slope: number }).slope, 2, 1e-12),
  },
  seedInterval: {
    valid: () => [[1, 2, 3, 4, 5]],
    check: (r) => near((r as { mean: number }).mean, 3, 1e-12),
  },
  estimateInterval: { valid: () => [1.36, 0.05, { what: "fitted exponent" }] },
  claim: {
    valid: () => ["one is one", 1, 1, { rtol: 1e-9 }],
    quiet: true,
    // A claim cannot pass against an infinite expected value through an infinite slack (0·∞).
    refuse: [
      { name: "5 ≈ ∞", args: () => ["x", 5, Infinity, { rtol: 0.1 }] },
      { name: "5 ≥ ∞", args: () => ["x", 5, Infinity, { relation: "≥" }] },
      { name: "5 ≤ −∞", args: () => ["x", 5, -Infinity, { relation: "≤" }] },
      { name: "NaN ≤ 0", args: () => ["x", NaN, 0, { relation: "≤" }] },
      { name: "tolerance ∞", args: () => ["x", 5, 1, { atol: Infinity }] },
    ],
  },
  table: { valid: () => [[{ a: 1, b: 2 }], {}], quiet: true },
  help: {
    valid: () => ["sgd"],
    check: (r) => assert.match((r as { markdown: string }).markdown, /^### sgd\n/),
    quiet: true,
  },
  lineChart: { valid: () => [[{ t: 0, v: 1 }, { t: 1, v: 2 }], { x: "t", y: "v" }] },
  scatter: { valid: () => [[{ a: 1, s: 2 }], { x: "a", y: "s" }] },
  histogram: { valid: () => [[{ x: 0.1 }, { x: 0.4 }], { field: "x", bins: 10 }] },
  heatmap: {
    valid: () => [[{ u: 0, v: 0, z: 1 }, { u: 1, v: 0, z: 2 }, { u: 0, v: 1, z: 3 }, {
      u: 1,
      v: 1,
      z: 4,
    }], { x: "u", y: "v", z: "z" }],
  },
  show: {
    valid: () => [minima.lineChart([{ t: 0, v: 1 }, { t: 1, v: 2 }], { x: "t", y: "v" })],
    // Data from outside the spec is loaded only when allowed; marks and types are named.
    refuse: [
      {
        name: "data.url",
        args: () => [{
          $schema: minima.VEGA_LITE_SCHEMA,
          data: { url: "file:///etc/passwd" },
          mark: "point",
        }],
      },
      {
        name: "an unknown mark",
        args: () => [{ $schema: minima.VEGA_LITE_SCHEMA, data: { values: [] }, mark: "lines" }],
      },
      {
        name: "an unknown type",
        args: () => [{
          $schema: minima.VEGA_LITE_SCHEMA,
          data: { values: [{ a: 1 }] },
          mark: "point",
          encoding: { x: { field: "a", type: "quant" } },
        }],
      },
    ],
    quiet: true,
  },
  teacherStudent: { valid: () => [{ samples: 8, inputDim: 2, seed: 0 }] },
  hessianSpectralDensity: { valid: () => [point(), { probes: 2, seed: 0 }] },
  hutchinsonTrace: {
    valid: () => [minima.denseOperator([1, 0, 0, 0, 2, 0, 0, 0, 3], 3), { probes: 4, seed: 0 }],
    // Rademacher probes on a diagonal matrix: zᵀAz = tr A exactly.
    check: (r) => near((r as { trace: number }).trace, 6, 1e-12),
  },
  hutchPlusPlusTrace: {
    valid: () => [minima.denseOperator([2, 1, 1, 3], 2), { matvecs: 6, seed: 0 }],
  },
  stochasticLanczosQuadrature: {
    valid: () => [minima.denseOperator([1, 0, 0, 0, 5, 0, 0, 0, 5], 3), { probes: 2, seed: 0 }],
  },
  lossSlice1d: {
    valid: () => [point(), { direction: [1, 0], points: 3 }],
  },
  lossSlice2d: {
    valid: () => [point(), { directions: [[1, 0], [0, 1]], points: 3 }],
  },
  gradientNoiseCovariance: { valid: () => [point()] },
  evaluateAccuracy: {
    valid: () => {
      const d = createDataset([[1], [-1], [2]], [1, -1, -1], { targets: "signed" });
      const model = mlp([1, 1], { bias: false, activation: "identity" });
      return [{ model, loss: minima.exponentialLoss, data: d, params: [tf.tensor2d([[1]])] }];
    },
    check: (r) => near(r as number, 2 / 3, 1e-12),
  },
  rankCorrelation: {
    valid: () => [[1, 2, 3, 4, 5], [1, 4, 9, 16, 25], { permutations: 120 }],
    check: (r) => near((r as { value: number }).value, 1, 1e-12),
  },
  linearStabilityBoundary: { valid: () => [{ lr: 0.1, batchSize: 10, n: 1000 }, { points: 3 }] },
  linearStabilityConditions: {
    valid: () => [{ a: 12, s: 40 }, { lr: 0.1, batchSize: 10, n: 1000 }],
  },
  sgdMeanSquareFactor: {
    valid: () => [{ a: 15, s: 10 }, { lr: 0.1, batchSize: 100, n: 100 }],
    // Full batch: the factor is (1 − ηa)² = 0.25.
    check: (r) => near((r as { factor: number }).factor, 0.25, 1e-12),
  },
  brownianPath: { valid: () => [{ particles: 4, seed: 1 }] },
  particleMeasure: { valid: () => [minima.torus(1), 8, { seed: 3 }] },
  euclidean: { valid: () => [2, { confinement: 4 }] },
  domainGrid: {
    valid: () => [minima.torus(1), { points: 8 }],
    check: (g) => assert.equal((g as { size: number }).size, 8),
  },
  kernelDensity: {
    valid: () => [
      minima.domainGrid(minima.torus(1), { points: 16 }),
      minima.particleMeasure(minima.torus(1), 8, { seed: 1 }),
    ],
  },
  gaussianMixture: { valid: () => [{ samples: 12, numClasses: 3, seed: 0 }] },
  modularAddition: { valid: () => [{ modulus: 5, trainFraction: 0.6 }] },
  separable2d: { valid: () => [{ samples: 10, margin: 0.3 }] },
  sparseLinearClassification: { valid: () => [{ samples: 10, dim: 20, testSamples: 10 }] },
  dense: { valid: () => [{ units: 3 }] },
  expandGrid: {
    valid: () => [[{ name: "lr", values: [0.1, 0.2] }, { name: "seed", values: [0, 1] }]],
    check: (r) => assert.equal((r as unknown[]).length, 4),
  },
  parseSeeds: {
    valid: () => ["0..4"],
    check: (r) => assert.deepEqual(r, [0, 1, 2, 3, 4]),
  },
  parseGridAxis: {
    valid: () => ["lr=0.1,0.2"],
    check: (r) => assert.deepEqual(r, { name: "lr", values: ["0.1", "0.2"] }),
  },
  byProfile: {
    valid: () => [{ fast: { steps: 200 }, full: { steps: 5000 } }, { profile: "fast" }],
    check: (r) => assert.equal((r as { steps: number }).steps, 200),
  },
  sgdSde: {
    valid:
      () => [minima.quadraticOracle({ curvature: [2], noiseStd: 1 }), { lr: 0.1, batchSize: 4 }],
  },
  adamSde: {
    valid: () => [minima.quadraticOracle({ curvature: [1], noiseStd: 1 }), { lr: 0.1, beta1: 0.9 }],
  },
  rmspropSde: {
    valid: () => [minima.quadraticOracle({ curvature: [1, 2], noiseStd: 1 }), { lr: 0.01 }],
  },
  tridiagonalEigen: {
    valid: () => [[2, 2, 2], [-1, -1]],
    // Eigenvalues 2 − 2cos(kπ/4), k = 1, 2, 3.
    check: (r) =>
      [1, 2, 3].forEach((k, i) =>
        near(
          (r as { values: number[] }).values.toSorted((a, b) => a - b)[i],
          2 - 2 * Math.cos(k * Math.PI / 4),
          1e-12,
        )
      ),
  },
  meanFirstPassageTime: {
    valid: () => [() => 0, { lower: 0, from: 0, to: 1 }, { sigma: 2 }],
    skip: ["0"],
  },
  transitionTime: {
    valid: () => [
      [0, 1, 2, 3, 4, 5].map((t) => ({ t, acc: t < 3 ? 0.6 : t === 3 ? 0.7 : 0.9 })),
      { x: "t", y: "acc" },
    ],
  },
  normalizedMargin: {
    valid: () => {
      const d = createDataset([[0.5, 0.25], [-0.5, 0]], [1, -1], { targets: "signed" });
      const model = mlp([2, 1], { bias: false, activation: "identity" });
      return [{ model, loss: minima.crossEntropy, data: d, params: [tf.tensor2d([[3], [4]])] }];
    },
  },
  paramsDistance: {
    valid: () => [[tf.tensor1d([0, 0]), tf.tensor1d([1])], [tf.tensor1d([3, 0]), tf.tensor1d([5])]],
    check: (r) => near(r as number, 5, 1e-12),
  },
  cloneParams: { valid: () => [[tf.tensor1d([1, 2])]] },
  flattenParams: {
    valid: () => [[tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([5])]],
    check: (r) => assert.deepEqual([...(r as Float64Array)], [1, 2, 3, 4, 5]),
  },
  unflattenParams: { valid: () => [Float64Array.of(1, 2, 3), [{ shape: [3] }]] },
  applyUpdates: {
    valid: () => [[tf.tensor1d([1, 2])], [tf.tensor1d([0.5, -1])]],
    check: async (r) => assert.deepEqual([...await (r as tf.Tensor[])[0].data()], [1.5, 1]),
  },
  datasetSubset: {
    valid:
      () => [createDataset([[0], [1], [2], [3]], [0, 1, 0, 1], { targets: "integer" }), [3, 1]],
  },
  contourSegments: {
    valid: () => {
      const xs = Array.from({ length: 5 }, (_, i) => -2 + i);
      return [{ xs, ys: xs, z: xs.map((y) => xs.map((x) => x * x + y * y)) }, [1]];
    },
  },
  texToUnicode: { valid: () => ["\\eta \\le 2/\\lambda"] },
  csvText: {
    valid: () => [[{ a: 1, b: "x,y" }]],
    check: (r) => assert.equal(r, 'a,b\n1,"x,y"\n'),
  },
};
/**
 * The exports fuzzed by their first argument alone (every hostile value, the other arguments left
 * out): a valid call of each is its own module's test.
 */
const FIRST_ARGUMENT_ONLY = [
  "activation",
  "activationLayer",
  "adaptivePreconditioner",
  "addDecayedWeights",
  "alignedNetworkMargin",
  "alignmentStabilityBound",
  "avgPool2d",
  "backendCounters",
  "batchNorm",
  "chain",
  "checkExactHessian",
  "checkParameterValue",
  "claims",
  "condensationDirection",
  "condensationRate",
  "conv2d",
  "countBackend",
  "currentBackend",
  "curveDistance",
  "densityRows",
  "describeParameterType",
  "describeSpec",
  "diagonalLinearNet",
  "displayedOutputs",
  "disposeParams",
  "effectiveLearningRate",
  "escapeTimes",
  "eulerMaruyama",
  "evalMode",
  "exactHessianWarning",
  "explicitOrder15",
  "fillStable",
  "filterNormalizedDirection",
  "flatten",
  "flattenRecord",
  "gd",
  "gitRevision",
  "globalAvgPool2d",
  "gradientDescentTwoCycle",
  "gradientNoiseAlignment",
  "gradientNoiseNonUniformity",
  "gradientNoiseTailIndex",
  "gridSolver",
  "gridFromRows",
  "heavyBall",
  "hessianOperator",
  "histogramDistance",
  "homogeneityDegree",
  "homogeneousNet",
  "hostVectorStore",
  "identity",
  "injectParameters",
  "injectedParametersSource",
  "inputSmoothness",
  "ire",
  "isSeedInterval",
  "isVegaLiteSpec",
  "labelNoise",
  "labelNoiseSgd",
  "langevinDescentAscent",
  "layerNorm",
  "leakyReluMaxMargin2d",
  "leakyReluNet",
  "levyMeanExitTime",
  "levyPath",
  "linearDrift",
  "linearMaxMargin",
  "linearStabilityRegion",
  "liveChart",
  "logCurveDistance",
  "lossAlongDirection",
  "manifoldEffectiveDynamics",
  "manifoldToy",
  "maxPool2d",
  "md",
  "meanFieldResNet",
  "meanFieldTwoLayerNet",
  "memoryLimit",
  "memoryReport",
  "milstein",
  "mixedGan",
  "modeCoverage",
  "modelOracle",
  "monteCarloSgdStability",
  "nativeBackendStatus",
  "nesterov",
  "neuronDirections",
  "nikaidoIsoda",
  "nikaidoIsodaEstimate",
  "normalizeByGlobalNorm",
  "normalizedGd",
  "notebookParameters",
  "optimizerFrom",
  "orientedBars",
  "overlay",
  "pairedNeuronAngle",
  "parameterFromText",
  "parseParametersCell",
  "particleGradientDescent",
  "particleNikaidoIsoda",
  "particleSolver",
  "permutation",
  "phaseWinding",
  "pointRows",
  "preconditionedSharpness",
  "prgd",
  "progressBar",
  "quasistaticLangevin",
  "readRecords",
  "ready",
  "record",
  "reshapeInputs",
  "residualBlock",
  "resnet20",
  "resolveParameters",
  "rmsprop",
  "runInfo",
  "runningStatistics",
  "sampleDensity",
  "sampleWithoutReplacement",
  "samplingFloor",
  "saveFigure",
  "saveParams",
  "scale",
  "scaleByAdam",
  "scaleByRms",
  "scaleBySchedule",
  "scaleInvariantNet",
  "seedToInteger",
  "sequential",
  "simulateManifoldToy",
  "smallCnn",
  "sphere",
  "sphericalSharpness",
  "stable",
  "standardizeInputs",
  "svag",
  "symbolicGradientDescent",
  "symbolicLoss",
  "tailIndex",
  "tensorGame",
  "tex",
  "torus",
  "traceMomentum",
  "trackHessianTrace",
  "trackPreconditionedSharpness",
  "trackSharpness",
  "twoLayerNet",
  "valleyDrift",
  "valleyEffectiveDynamics",
  "vgg",
  "virtualBrownianTree",
  "weightDecay",
  "whitenInputs",
];
for (const name of FIRST_ARGUMENT_ONLY) {
  assert.ok(!(name in ROWS), `${name} has a row and is listed as first-argument-only`);
  ROWS[name] = {};
}

let backendName: string | undefined;
async function restoreBackend() {
  backendName ??= minima.currentBackend().name;
  if (minima.currentBackend().name !== backendName) {
    await minima.useBackend(backendName as minima.BackendRequest);
  }
}
const native = minima.nativeBackendStatus();
const threads = native.available ? native.info.threads : undefined;
function restoreThreads() {
  if (threads !== undefined) minima.setNativeThreads(threads);
}

// ---------------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------------

/** What a call did. */
interface Outcome {
  fn: string;
  where: string;
  value: string;
  kind: "returned" | "threw" | "timed out";
  error?: Error;
  leaked: number;
  nan: boolean;
}

const RAW = [
  /Cannot read propert/,
  /Cannot set propert/,
  /is not a function/,
  /is not iterable/,
  /is not a constructor/,
  /undefined is not/,
  /null is not/,
  /Invalid array length/,
  /Maximum call stack/,
  /Cannot convert undefined or null/,
  /Cannot destructure/,
  /Cannot use 'in' operator/,
  /has already been disposed/,
  /Tensor is disposed/,
  /Cannot create property/,
  /out of memory/i,
];

const TIMEOUT_MS = 5_000;

function tensorsIn(value: unknown, out: Set<tf.Tensor>, seen = new Set<unknown>(), depth = 0) {
  if (value === null || typeof value !== "object" || seen.has(value) || depth > 5) return;
  seen.add(value);
  if (value instanceof tf.Tensor) {
    out.add(value);
    return;
  }
  if (ArrayBuffer.isView(value)) return;
  const entries = value instanceof Map ? [...value.values()] : Object.values(value);
  for (const v of entries.slice(0, 10_000)) tensorsIn(v, out, seen, depth + 1);
}

function hasNaN(value: unknown, seen = new Set<unknown>(), depth = 0): boolean {
  if (typeof value === "number") return Number.isNaN(value);
  if (value === null || typeof value !== "object" || seen.has(value) || depth > 5) return false;
  seen.add(value);
  if (value instanceof tf.Tensor) {
    return !value.isDisposed && value.size < 1e5 && value.dtype !== "string" &&
      (value.dataSync() as Float32Array).some(Number.isNaN);
  }
  if (ArrayBuffer.isView(value)) {
    return (value as unknown as Float64Array).some?.((v: number) => Number.isNaN(v)) ?? false;
  }
  for (const v of Object.values(value).slice(0, 10_000)) {
    if (hasNaN(v, seen, depth + 1)) return true;
  }
  return false;
}

/** Frees what a call returned (tensors, datasets, anything with dispose()). */
function release(value: unknown, inputs: unknown[]) {
  const tensors = new Set<tf.Tensor>();
  tensorsIn([value, inputs], tensors);
  for (const t of tensors) if (!t.isDisposed) t.dispose();
  for (const v of [value, ...inputs]) {
    const d = (v as { dispose?: unknown } | null)?.dispose;
    if (typeof d === "function" && !(v instanceof tf.Tensor)) {
      try {
        (d as () => void).call(v);
      } catch { /* disposed already */ }
    }
  }
}

async function settle(run: () => unknown): Promise<
  { kind: "returned"; value: unknown } | { kind: "threw"; error: Error } | { kind: "timed out" }
> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const value = await Promise.race([
      Promise.resolve().then(run),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(TIMED_OUT), TIMEOUT_MS);
      }),
    ]);
    return { kind: "returned", value };
  } catch (error) {
    if (error === TIMED_OUT) return { kind: "timed out" };
    return { kind: "threw", error: error as Error };
  } finally {
    clearTimeout(timer);
  }
}
const TIMED_OUT = Symbol("timed out");

async function call(
  fn: string,
  where: string,
  value: string,
  args: () => unknown[],
  row: Row,
): Promise<Outcome> {
  const quiet = row.quiet ?? false;
  const f = (minima as Record<string, unknown>)[fn] as (...a: unknown[]) => unknown;
  const once = async () => {
    const before = tf.memory().numTensors;
    const inputs = args();
    const log = console.log, warn = console.warn;
    if (quiet) console.log = console.warn = () => {};
    let result;
    try {
      result = await settle(() => f(...inputs));
    } finally {
      console.log = log;
      console.warn = warn;
    }
    const nan = result.kind === "returned" && hasNaN(result.value);
    release(result.kind === "returned" ? result.value : undefined, inputs);
    await row.after?.();
    // The case's own inputs (fixtures) are freed by release too.
    return { result, nan, leaked: tf.memory().numTensors - before };
  };
  let r = await once();
  // A first call may fill a cache (a compiled kernel, a constant): a leak must repeat.
  if (r.leaked > 0 && r.result.kind !== "timed out") r = await once();
  return {
    fn,
    where,
    value,
    kind: r.result.kind,
    error: r.result.kind === "threw" ? r.result.error : undefined,
    leaked: r.leaked,
    nan: r.nan,
  };
}

function cases(row: Row): { where: string; value: Hostile; args: () => unknown[] }[] {
  const out: { where: string; value: Hostile; args: () => unknown[] }[] = [];
  const skip = new Set(row.skip ?? []);
  if (!row.valid) {
    for (const h of HOSTILE) out.push({ where: "0", value: h, args: () => [h.make()] });
    return out;
  }
  const shape = row.valid();
  release(undefined, shape);
  shape.forEach((arg, i) => {
    if (!skip.has(String(i))) {
      for (const h of HOSTILE) {
        out.push({
          where: String(i),
          value: h,
          args: () => {
            const a = row.valid!();
            release(undefined, [a[i]]);
            a[i] = h.make();
            return a;
          },
        });
      }
    }
    if (arg && typeof arg === "object" && Object.getPrototypeOf(arg) === Object.prototype) {
      for (const key of Object.keys(arg)) {
        if (skip.has(`${i}.${key}`)) continue;
        for (const h of HOSTILE) {
          out.push({
            where: `${i}.${key}`,
            value: h,
            args: () => {
              const a = row.valid!();
              const o = a[i] as Record<string, unknown>;
              release(undefined, [o[key]]);
              a[i] = { ...o, [key]: h.make() };
              return a;
            },
          });
        }
      }
    }
  });
  return out;
}

/** The names of an exported function's parameters, read from its source. */
function parameterNames(fn: string): string[] {
  const source = Function.prototype.toString.call((minima as Record<string, unknown>)[fn]);
  const open = source.indexOf("(");
  let depth = 0, i = open, current = "";
  const names: string[] = [];
  for (; i < source.length; i++) {
    const c = source[i];
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c)) depth--;
    if (depth === 0) break;
    if (depth === 1 && c === ",") {
      names.push(current);
      current = "";
    } else if (i > open) current += c;
  }
  names.push(current);
  return names.map((n) => /^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(n)?.[1] ?? "");
}

/** Why an outcome fails, or undefined when it is acceptable. */
function verdict(o: Outcome, h: Hostile, row: Row): string | undefined {
  if (o.kind === "timed out") return `did not settle within ${TIMEOUT_MS / 1000} s`;
  if (o.leaked !== 0) return `left ${o.leaked} tensors`;
  if (o.kind === "threw") {
    const e = o.error!;
    const typed = e instanceof TypeError || e instanceof RangeError || e instanceof ClaimError ||
      (row.errors === "io" && e instanceof Error && e.message.startsWith("Cannot "));
    if (!typed) return `threw ${e?.constructor?.name ?? typeof e}: ${e?.message}`;
    if (RAW.some((r) => r.test(e.message))) return `raw error: ${e.message}`;
    // A bad field is named ("lr must be …", not only "Cannot train"), or its argument is.
    const [position, field] = o.where.split(".");
    const param = parameterNames(o.fn)[Number(position)];
    if (
      field !== undefined && h.name !== "undefined" && !e.message.includes(field) &&
      !(param && e.message.includes(param))
    ) {
      return `does not name ${field}: ${e.message}`;
    }
    return undefined;
  }
  if (o.nan && !h.nonFinite && !row.nanOk) return "returned NaN";
  return undefined;
}

const exported = Object.entries(minima)
  .filter(([, v]) =>
    typeof v === "function" && !/^class\b/.test(Function.prototype.toString.call(v))
  )
  .map(([k]) => k).sort();

Deno.test("every exported function has a row in the fuzz table", () => {
  const missing = exported.filter((name) => !(name in ROWS));
  const stale = Object.keys(ROWS).filter((name) => !exported.includes(name));
  assert.deepEqual({ missing, stale }, { missing: [], stale: [] });
});

/** Failing cases known today, each with its outcome: the list may only shrink. */
const KNOWN_PATH = new URL("./fuzz_known.json", import.meta.url);

Deno.test("the public API under hostile inputs: a typed error or a sane result, nothing leaked", async () => {
  const mode = Deno.env.get("FUZZ_REPORT");
  const known: Record<string, string> = JSON.parse(await Deno.readTextFile(KNOWN_PATH));
  const failures = new Map<string, string>();
  const checks: string[] = [];
  let total = 0;
  for (const fn of exported) {
    const row = ROWS[fn];
    if (row.valid) {
      const o = await call(fn, "valid", "valid", row.valid, row);
      total++;
      if (o.kind !== "returned") failures.set(`${fn}(valid)`, `${o.kind}: ${o.error?.message}`);
      else if (o.leaked) failures.set(`${fn}(valid)`, `left ${o.leaked} tensors`);
      if (row.check) {
        const args = row.valid();
        const f = (minima as Record<string, unknown>)[fn] as (...a: unknown[]) => unknown;
        let result: unknown;
        try {
          result = await f(...args);
          await row.check(result);
        } catch (error) {
          checks.push(`${fn}: ${(error as Error).message}`);
        } finally {
          release(result, args);
        }
      }
    }
    for (const c of row.refuse ?? []) {
      const o = await call(fn, "refuse", c.name, c.args, row);
      total++;
      const bad = o.kind === "returned"
        ? "returned instead of refusing"
        : verdict(o, { name: c.name, make: () => undefined }, row);
      if (mode === "1") {
        console.error(
          `${bad ? "FAIL" : "ok  "} ${fn} [refuse] ${c.name}: ${o.kind} ${o.error?.message ?? ""}`,
        );
      }
      if (bad) failures.set(`${fn}[refuse] = ${c.name}`, bad.slice(0, 200));
    }
    for (const c of cases(row)) {
      if (mode === "1") console.error(`… ${fn} [${c.where}] = ${c.value.name}`);
      const o = await call(fn, c.where, c.value.name, c.args, row);
      total++;
      const bad = verdict(o, c.value, row);
      if (mode === "1") {
        console.error(
          `${bad ? "FAIL" : "ok  "} ${fn} [${c.where}] = ${c.value.name}: ${o.kind}${
            o.error ? ` ${o.error.constructor?.name}: ${o.error.message.slice(0, 160)}` : ""
          }${bad ? ` -- ${bad}` : ""}`,
        );
      }
      if (bad) failures.set(`${fn}[${c.where}] = ${c.value.name}`, bad.slice(0, 200));
    }
  }
  console.log(
    `${exported.length} functions (${
      exported.filter((f) => ROWS[f].valid).length
    } with a valid call), ${total} cases, ${failures.size} failing`,
  );
  if (mode === "update") {
    await Deno.writeTextFile(
      KNOWN_PATH,
      JSON.stringify(Object.fromEntries([...failures].sort()), null, 2) + "\n",
    );
  }
  assert.deepEqual(checks, [], "valid calls agree with their references");
  const fresh = [...failures].filter(([k]) => !(k in known)).map(([k, v]) => `${k}: ${v}`);
  // A case fixed since is only noted: the list is regenerated by whoever fixes it.
  const fixed = Object.keys(known).filter((k) => !failures.has(k));
  if (fixed.length > 0) {
    console.log(
      `${fixed.length} known failures pass now: FUZZ_REPORT=update deno test -A tests/fuzz_test.ts`,
    );
  }
  if (mode !== "update") {
    assert.deepEqual(fresh, [], "each new failure is a bug to fix (or a row to correct)");
  }
});

Deno.test("a seed fixes a run bit for bit at a given thread count; another seed changes it", async () => {
  const run = async (seed: number) => {
    const d = minima.teacherStudent({ samples: 32, inputDim: 4, seed: 1 });
    const model = mlp([4, 8, 1], { activation: "tanh" });
    const r = await minima.train({ model, loss: mse, data: d }, minima.sgd({ lr: 0.05 }), {
      steps: 10,
      batchSize: 8,
      seed,
    });
    const bits = new Uint32Array(Float32Array.from(await minima.flattenParams(r.params)).buffer);
    r.dispose();
    d.dispose();
    return [...bits];
  };
  const a = await run(3);
  assert.deepEqual(await run(3), a);
  assert.notDeepEqual(await run(4), a);
});
