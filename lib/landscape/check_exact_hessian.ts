import { tf } from "../backend/mod.ts";
import type { Model, Objective, Params } from "../nn/mod.ts";
import { disposeParams } from "../nn/mod.ts";
import { Rng, type Seed } from "../random/mod.ts";
import {
  accumulate,
  type Chunk,
  chunkGradient,
  chunkHvp,
  makeChunks,
  vectorToParams,
} from "./_autodiff.ts";
import { checkObjective, checkParams } from "./_point.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode checkExactHessian}. */
export interface CheckExactHessianOptions {
  /**
   * Samples in the probe (the first ones of the data).
   * @default {8}
   */
  samples?: number;
  /**
   * Random directions v compared.
   * @default {2}
   */
  products?: number;
  /**
   * Relative error ‖Hv_exact − Hv_fd‖/‖Hv_fd‖ above which they disagree.
   * @default {0.01}
   */
  tolerance?: number;
  /**
   * The first finite-difference step ε (the other is ε/2), along unit directions; 10 and 100
   * times smaller steps are tried when these two disagree.
   * @default {1e-2}
   */
  step?: number;
  /**
   * Seed of the directions (and of the parameters, for an objective without them).
   * @default {0}
   */
  seed?: Seed;
}

/** What {@linkcode checkExactHessian} found. */
export interface CheckExactHessianResult {
  /**
   * `"agree"`: double backprop matched finite differences; `"disagree"`: it did not where
   * finite differences were consistent; `"failed"`: double backprop threw (see `error`);
   * `"inconclusive"`: finite differences at two steps disagreed with each other in every
   * direction (kinks of ReLU or max near the probe point), so nothing was decided.
   */
  verdict: "agree" | "disagree" | "failed" | "inconclusive";
  /** The largest relative error of the exact product among conclusive directions (NaN if none). */
  relativeError: number;
  /**
   * Kernels recorded during the forward pass whose tfjs gradient uses their saved output (for
   * example Tanh, Exp, Sigmoid, Softmax): the usual culprits, named in warnings.
   */
  suspects: string[];
  /** The error double backprop threw, when it did. */
  error?: string;
  /** Samples in the probe. */
  samples: number;
  /** Directions whose finite differences were consistent. */
  conclusive: number;
  /**
   * What decided the verdict: `"model"`, the probe on the model itself; `"kernels"`, the suspect
   * kernels tested alone (when kinks made the model's probe inconclusive); `"none"`.
   */
  decidedBy: "model" | "kernels" | "none";
}

/** The kernels whose registered gradient reads their own output (tfjs 4.22: Tanh, Exp, ...). */
function savesOutput(kernel: string): boolean {
  const config = tf.getGradient(kernel) as { outputsToSave?: boolean[] } | undefined;
  return !!config?.outputsToSave?.some(Boolean);
}

/** What to use instead of a kernel that breaks double backprop. */
const REPLACEMENTS: Record<string, string> = {
  Tanh: "exactOps.tanh",
  Sigmoid: "exactOps.sigmoid",
  Exp: "exactOps.exp",
  Softmax: "exactOps.softmax",
  LogSoftmax: "exactOps.logSoftmax",
  MaxPool: "maxPool2d",
};

/**
 * Compares exact Hessian-vector products (double backprop, as every Hessian measurement in
 * minima computes them) with central finite differences of the gradient on a small probe, to
 * detect models whose operations are not twice differentiable in tfjs. tfjs computes the
 * gradients of tanh, exp, sigmoid, softmax and a few more from their saved output, and a second
 * backward pass then loses part of the second derivative silently (a tanh network's sharpness
 * came out 1.3% low); other gradients (of conv2d, pooling, max) cannot be differentiated at all
 * and throw. minima's own layers and `exactOps` avoid both; a custom model may not.
 *
 * Per direction v (unit norm), with steps ε and ε/2: FD(ε) = (∇L(θ + εv) − ∇L(θ − εv))/(2ε). If
 * FD(ε) and FD(ε/2) agree to a quarter of the tolerance (no kink in between; else the steps are
 * tried 10 and 100 times smaller), the exact Hv must agree with them; if it does not, the verdict
 * is "disagree", and `suspects` lists the kernels on the tape that save their output for their
 * gradient.
 *
 * `hessianOperator` (and so sharpness, topHessianEigenvalues, hessianTrace and
 * hessianSpectralDensity) runs this once per model in exact mode and warns when it disagrees.
 *
 * @example A network built with tf.tanh is caught; one built with exactOps.tanh passes
 * ```ts
 * import { checkExactHessian, createDataset, exactOps, mse, tf, type Model } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[1, 2], [0.5, -1], [-1, 0.3]], [[0.2], [-0.4], [0.1]]);
 * const net = (tanh: (t: tf.Tensor) => tf.Tensor): Model => ({
 *   name: "tanh net", inputDim: 2, outputDim: 1, numParams: 6, perSampleParams: false,
 *   paramSpecs: [
 *     { name: "W1", shape: [2, 2], role: "weight", layer: 0 },
 *     { name: "W2", shape: [2, 1], role: "weight", layer: 1 },
 *   ],
 *   init: () => [tf.tensor2d([[0.9, -0.7], [0.4, 1.1]]), tf.tensor2d([[1.3], [-0.8]])],
 *   apply: (p, x) => tf.matMul(tanh(tf.matMul(x as tf.Tensor2D, p[0] as tf.Tensor2D)), p[1] as tf.Tensor2D),
 * });
 * const plain = await checkExactHessian({ model: net(tf.tanh), loss: mse, data });
 * assert.equal(plain.verdict, "disagree");
 * assert.deepEqual(plain.suspects, ["Tanh"]);
 * const exact = await checkExactHessian({ model: net(exactOps.tanh), loss: mse, data });
 * assert.equal(exact.verdict, "agree");
 * data.dispose();
 * ```
 *
 * @param point The model, loss and data, with parameters (or without: `model.init(seed)`).
 * @param options Probe size, directions, tolerance, steps and seed.
 * @returns The verdict, the error and the suspect kernels.
 */
export async function checkExactHessian(
  point: Objective & { params?: Params },
  options: CheckExactHessianOptions = {},
): Promise<CheckExactHessianResult> {
  checkCall("checkExactHessian", arguments);
  const what = "check the exact Hessian";
  checkObjective(point, what);
  const products = options.products ?? 2;
  const tolerance = options.tolerance ?? 0.01;
  const step = options.step ?? 1e-2;
  const seed = options.seed ?? 0;
  let samples = Math.min(options.samples ?? 8, point.data.n);
  for (const [name, v, min] of [["samples", samples, 1], ["products", products, 1]] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(
        `Cannot ${what}: ${name} must be a positive integer, current value is ${v}`,
      );
    }
  }
  for (const [name, v] of [["tolerance", tolerance], ["step", step]] as const) {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new RangeError(
        `Cannot ${what}: ${name} must be a positive number, current value is ${v}`,
      );
    }
  }
  const { model, loss } = point;
  // A ghost batch of one sample cannot be normalized: keep groups of at least two.
  const group = model.batchStatistics;
  if (group !== undefined && Number.isFinite(group) && samples % group === 1 && samples > 1) {
    samples--;
  }
  const own = point.params === undefined;
  const params = point.params ?? model.init(seed);
  if (!own) checkParams(point, params, what);
  const chunks = makeChunks(point.data, samples, samples, what, model);
  const settings = { products, tolerance, step, seed };
  try {
    const chunk = chunks.chunks[0];
    const onTape = tapeKernels(model, loss, params, chunk).filter(savesOutput);
    const found = await probe(model, loss, params, chunk, settings);
    const result: CheckExactHessianResult = {
      ...found,
      suspects: onTape,
      samples,
      decidedBy: found.verdict === "inconclusive" ? "none" : "model",
    };
    if (found.verdict === "agree" || onTape.length === 0) return result;
    // Test each suspect alone in a smooth two-layer network: it names the culprits when the
    // model disagreed, and decides when kinks made the model's own probe inconclusive.
    const verdicts = await Promise.all(onTape.map((k) => kernelVerdict(k, settings)));
    const culprits = onTape.filter((_, i) => verdicts[i].verdict !== "agree");
    if (found.verdict === "inconclusive") {
      const broken = verdicts.filter((v) => v.verdict === "disagree" || v.verdict === "failed");
      if (broken.length === 0) return result;
      return {
        ...result,
        verdict: broken.some((v) => v.verdict === "disagree") ? "disagree" : "failed",
        relativeError: Math.max(...broken.map((v) => v.relativeError)),
        ...(broken.some((v) => v.error) ? { error: broken.find((v) => v.error)!.error } : {}),
        suspects: onTape.filter((_, i) => broken.includes(verdicts[i])),
        decidedBy: "kernels",
      };
    }
    return { ...result, suspects: culprits.length > 0 ? culprits : onTape };
  } finally {
    chunks.dispose();
    if (own) disposeParams(params);
  }
}

interface ProbeSettings {
  products: number;
  tolerance: number;
  step: number;
  seed: Seed;
}

type ProbeResult = Pick<
  CheckExactHessianResult,
  "verdict" | "relativeError" | "conclusive" | "error"
>;

/** Exact against finite-difference HVPs of one model on one chunk. */
async function probe(
  model: Model,
  loss: Objective["loss"],
  params: Params,
  chunk: Chunk,
  settings: ProbeSettings,
): Promise<ProbeResult> {
  const { tolerance, step } = settings;
  const d = model.numParams;
  const scale = 1 / chunk.n;
  const rng = new Rng(settings.seed);
  let worst = 0, conclusive = 0;
  for (let r = 0; r < settings.products; r++) {
    const v = rng.fillNormal(new Float64Array(d));
    let norm = 0;
    for (let i = 0; i < d; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < d; i++) v[i] /= norm;
    let exact: Float64Array;
    try {
      exact = await hvp(model, loss, params, chunk, scale, v);
    } catch (e) {
      releaseFailedTape();
      return { verdict: "failed", relativeError: NaN, conclusive, error: (e as Error).message };
    }
    // Steps ε and ε/2, then 10 and 100 times smaller where a kink lies between (ReLU, max).
    for (const eps of [step, step / 10, step / 100]) {
      const fd1 = await finiteDifference(model, loss, params, chunk, scale, v, eps);
      const fd2 = await finiteDifference(model, loss, params, chunk, scale, v, eps / 2);
      if (relative(fd1, fd2) > tolerance / 4) continue;
      conclusive++;
      worst = Math.max(worst, relative(exact, fd2));
      break;
    }
  }
  if (conclusive === 0) return { verdict: "inconclusive", relativeError: NaN, conclusive };
  return { verdict: worst > tolerance ? "disagree" : "agree", relativeError: worst, conclusive };
}

/**
 * After a gradient that threw, what tfjs's engine would have freed at the end of a successful
 * one: the tensors the tape kept for the backward pass (its saved inputs and outputs).
 */
function releaseFailedTape(): void {
  const engine = tf.engine() as unknown as {
    state: { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
  };
  const { state } = engine;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null;
}

/** Each suspect kernel through the tfjs op that runs it, on [n, k] pre-activations. */
const HARNESS: Record<string, (z: tf.Tensor) => tf.Tensor> = {
  Tanh: (z) => tf.tanh(z),
  Sigmoid: (z) => tf.sigmoid(z),
  Exp: (z) => tf.exp(tf.mul(z, 0.5)),
  Elu: (z) => tf.elu(z),
  Softmax: (z) => tf.softmax(z),
  LogSoftmax: (z) => tf.logSoftmax(z),
  Pow: (z) => tf.pow(tf.add(tf.square(z), 1), 1.5),
  Max: (z) => tf.max(z, -1, true),
  Min: (z) => tf.min(z, -1, true),
};

/**
 * A kernel alone: the probe on a two-layer network f = K(x W1) W2 (3 inputs, 4 units, 2 outputs,
 * 6 samples), smooth away from its own kinks, so finite differences decide.
 */
async function kernelVerdict(kernel: string, settings: ProbeSettings): Promise<ProbeResult> {
  const op = HARNESS[kernel];
  if (!op) return { verdict: "inconclusive", relativeError: NaN, conclusive: 0 };
  const rng = new Rng(`${settings.seed}/${kernel}`);
  const draw = (shape: number[], s: number) =>
    tf.tensor(
      rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))).map((v) => s * v),
      shape,
    );
  const x = draw([6, 3], 1), y = draw([6, 2], 1);
  const params = [draw([3, 4], 0.8), draw([4, 2], 0.8)];
  const units = kernel === "Max" || kernel === "Min" ? 1 : 4;
  const model: Model = {
    name: `${kernel} alone`,
    inputDim: 3,
    outputDim: 2,
    paramSpecs: [
      { name: "W1", shape: [3, 4], role: "weight", layer: 0 },
      { name: "W2", shape: [4, 2], role: "weight", layer: 1 },
    ],
    numParams: 20,
    perSampleParams: false,
    init: () => [],
    apply: (ps, xs) =>
      tf.tidy(() => {
        const h = op(tf.matMul(xs as tf.Tensor2D, ps[0] as tf.Tensor2D));
        const w2 = units === 1 ? tf.slice(ps[1], [0, 0], [1, 2]) : ps[1];
        return tf.matMul(h as tf.Tensor2D, w2 as tf.Tensor2D);
      }),
  };
  const squared = {
    name: "squared error",
    perSample: (f: tf.Tensor2D, t: tf.Tensor) => tf.sum(tf.square(tf.sub(f, t)), 1) as tf.Tensor1D,
  };
  try {
    return await probe(model, squared, params, { x, y, n: 6, owned: false }, settings);
  } finally {
    tf.dispose([x, y, ...params]);
  }
}

/**
 * A one-line warning for a verdict other than "agree" or "inconclusive", naming the suspect
 * kernels and what to use instead; undefined when there is nothing to warn about.
 */
export function exactHessianWarning(
  model: Model,
  result: CheckExactHessianResult,
): string | undefined {
  checkCall("exactHessianWarning", arguments);
  if (
    result === null || typeof result !== "object" || typeof result.verdict !== "string" ||
    !Array.isArray(result.suspects)
  ) {
    throw new TypeError(
      `Cannot word the warning: result must be what checkExactHessian returned, current value is ${
        typeof result === "string" ? JSON.stringify(result) : String(result)
      }`,
    );
  }
  if (result.verdict === "agree" || result.verdict === "inconclusive") return undefined;
  const names = result.suspects.join(", ");
  const one = result.suspects.length === 1;
  const instead = result.suspects.length > 0
    ? `; use ${
      result.suspects.map((s) => REPLACEMENTS[s] ?? `a custom-gradient ${s}`).join(", ")
    } instead`
    : "";
  let found: string;
  if (result.verdict === "failed") {
    found = `double backprop failed (${result.error})${names ? `, with ${names} on the tape` : ""}`;
  } else if (result.decidedBy === "kernels") {
    found = `${names} on its tape ${
      one ? "breaks" : "break"
    } double backprop (alone in a test network, exact and finite-difference Hessian-vector products differ by ${
      result.relativeError.toExponential(1)
    }; kinks made the model's own check inconclusive)`;
  } else {
    found = `exact Hessian-vector products disagree with finite differences (relative error ${
      result.relativeError.toExponential(1)
    })${
      names
        ? `: ${names} ${one ? "computes its" : "compute their"} gradient from ${
          one ? "its" : "their"
        } output, which double backprop does not differentiate`
        : ": no operation known to break double backprop was recorded"
    }`;
  }
  return `minima: model "${model.name}": ${found}${instead}`;
}

/** The kernels recorded on the gradient tape by one forward pass of the loss. */
function tapeKernels(
  model: Model,
  loss: Objective["loss"],
  params: Params,
  chunk: Chunk,
): string[] {
  const engine = tf.engine() as unknown as { state: { activeTape: { kernelName: string }[] } };
  let names: string[] = [];
  tf.tidy(() => {
    tf.grads((...ps: tf.Tensor[]) => {
      const value = tf.sum(loss.perSample(model.apply(ps, chunk.x), chunk.y)) as tf.Scalar;
      names = engine.state.activeTape.map((node) => node.kernelName);
      return value;
    })(params);
  });
  return [...new Set(names)];
}

async function hvp(
  model: Model,
  loss: Objective["loss"],
  params: Params,
  chunk: Chunk,
  scale: number,
  v: Float64Array,
): Promise<Float64Array> {
  const vt = vectorToParams(v, model.paramSpecs);
  try {
    const hv = chunkHvp(model, loss, params, vt, chunk, scale);
    const out = new Float64Array(v.length);
    await accumulate(out, hv);
    tf.dispose(hv);
    return out;
  } finally {
    tf.dispose(vt);
  }
}

async function finiteDifference(
  model: Model,
  loss: Objective["loss"],
  params: Params,
  chunk: Chunk,
  scale: number,
  v: Float64Array,
  eps: number,
): Promise<Float64Array> {
  const out = new Float64Array(v.length);
  const vt = vectorToParams(v, model.paramSpecs);
  try {
    for (const sign of [1, -1]) {
      const shifted = tf.tidy(() => params.map((p, j) => tf.add(p, tf.mul(sign * eps, vt[j]))));
      const { value, grads } = chunkGradient(model, loss, shifted, chunk, scale);
      await accumulate(out, grads, sign / (2 * eps));
      tf.dispose([value, ...grads, ...shifted]);
    }
  } finally {
    tf.dispose(vt);
  }
  return out;
}

function relative(a: Float64Array, b: Float64Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return den > 0 ? Math.sqrt(num / den) : num > 0 ? Infinity : 0;
}
