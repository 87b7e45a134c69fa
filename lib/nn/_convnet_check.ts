/**
 * A model against its float64 twin at the same parameters: outputs, loss, gradient and
 * Hessian-vector products (tfjs double backprop against central differences of the float64
 * gradient). Private to the test suites.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { crossEntropy } from "./cross_entropy.ts";
import { mse } from "./mse.ts";
import { disposeParams, flattenParams, unflattenParams } from "./params.ts";
import type { Loss, Model, Params } from "./types.ts";
import type { ModelState } from "./layer.ts";
import type { Loss64 } from "./_float64_reference.ts";
import {
  type Context64,
  hvpConv64,
  lossAndGradConv64,
  type Op64,
  type T64,
} from "./_float64_convnet.ts";

/** Relative errors ‖a − b‖/‖b‖ of each quantity, float32 against float64. */
export interface CheckResult {
  outputs: number;
  loss: number;
  gradient: number;
  /** The worst of the HVPs. */
  hvp: number;
  /** θ, inputs and targets used (for further checks). */
  theta: Float64Array;
  x: T64;
  ys: number[][];
}

/** Options of {@linkcode checkAgainst64}. */
export interface CheckOptions {
  samples?: number;
  seed?: number;
  loss?: Loss64;
  /** Random directions for HVPs. */
  vectors?: number;
  /** Noise added to every initial parameter (so BN's γ = 1, β = 0 are generic). */
  jitter?: number;
  /** Eval mode with these running statistics (float64 copies are taken). */
  state?: ModelState;
  /** Inputs' scale. */
  inputScale?: number;
}

export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
}

/** Runs the comparison; every tensor made is disposed. */
export async function checkAgainst64(
  model: Model,
  net: Op64,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const n = options.samples ?? 3;
  const rng = new Rng(options.seed ?? 0);
  const shape = [n, ...(model.inputShape ?? [model.inputDim])];
  const x: T64 = {
    data: new Float64Array(shape.reduce((a, b) => a * b, 1)).map(() =>
      (options.inputScale ?? 1) * rng.normal()
    ),
    shape,
  };
  const k = model.outputDim;
  const lossName = options.loss ?? "mse";
  const ys = Array.from(
    { length: n },
    (_, i) =>
      lossName === "mse"
        ? Array.from({ length: k }, () => rng.normal())
        : Array.from({ length: k }, (_, j) => (j === i % k ? 1 : 0)),
  );
  if (net.size !== model.numParams) {
    throw new Error(`reference has ${net.size} parameters, model ${model.numParams}`);
  }
  const init = model.init(options.seed ?? 0);
  const theta = await flattenParams(init);
  disposeParams(init);
  const jitter = options.jitter ?? 0.1;
  for (let i = 0; i < theta.length; i++) theta[i] = Math.fround(theta[i] + jitter * rng.normal());
  const xt = tf.tensor(Float32Array.from(x.data), shape);
  const yt = tf.tensor2d(ys.flat(), [n, k]);
  const loss: Loss = lossName === "mse" ? mse : crossEntropy;
  const params = unflattenParams(theta, model.paramSpecs);
  const ctx: Context64 = options.state
    ? {
      mode: "eval",
      state: await Promise.all(options.state.map(async (s) => Float64Array.from(await s.data()))),
    }
    : { mode: "train" };
  const apply = (ps: Params) =>
    options.state ? model.applyEval!(ps, options.state, xt) : model.apply(ps, xt);
  const objective = (...ps: tf.Tensor[]) => tf.mean(loss.perSample(apply(ps), yt)) as tf.Scalar;
  try {
    const ref = lossAndGradConv64(net, lossName, theta, x, ys, ctx);
    const [out, value, grads] = tf.tidy(() => {
      const g = tf.grads(objective)(params);
      return [apply(params), objective(...params), tf.concat(g.map((t) => tf.reshape(t, [-1])))];
    });
    const result: CheckResult = {
      outputs: relativeError(await out.data(), ref.outputs.data),
      loss: Math.abs((await value.data())[0] - ref.value) / Math.abs(ref.value),
      gradient: relativeError(await grads.data(), ref.grad),
      hvp: 0,
      theta,
      x,
      ys,
    };
    tf.dispose([out, value, grads]);
    for (let r = 0; r < (options.vectors ?? 3); r++) {
      const v = Float64Array.from({ length: theta.length }, () => rng.normal());
      const want = hvpConv64(net, lossName, theta, x, ys, v, 1e-5, ctx);
      // Central differences that cross a kink (ReLU, max) are wrong by jump/(2h): two steps
      // that disagree say so, and the instance must change, not the tolerance.
      const finer = hvpConv64(net, lossName, theta, x, ys, v, 1e-6, ctx);
      if (relativeError(finer, want) > 1e-6) {
        throw new Error(
          `${model.name}: the float64 reference crosses a kink at this instance (steps 1e-5 and 1e-6 disagree by ${
            relativeError(finer, want).toExponential(1)
          }); choose another seed`,
        );
      }
      const vt = unflattenParams(v, model.paramSpecs);
      const hv = tf.tidy(() => {
        const h = tf.grads((...ps: tf.Tensor[]) => {
          const g = tf.grads(objective)(ps);
          // Not tf.addN, which sums only its first 7 inputs on tfjs-webgpu 4.22.
          return g.map((gj, j) => tf.sum(tf.mul(gj, vt[j]))).reduce((a, b) =>
            tf.add(a, b)
          ) as tf.Scalar;
        })(params);
        return tf.concat(h.map((t) => tf.reshape(t, [-1])));
      });
      result.hvp = Math.max(result.hvp, relativeError(await hv.data(), want));
      tf.dispose([hv, ...vt]);
    }
    return result;
  } finally {
    tf.dispose([xt, yt, ...params]);
  }
}

/**
 * Asserts a model matches its float64 twin: outputs, loss and gradient to 1e-5, Hessian-vector
 * products to 1e-4 (relative), and that the double-backprop passes leave no tensor behind.
 */
export async function assertMatches64(
  model: Model,
  net: Op64,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const before = tf.memory().numTensors;
  const r = await checkAgainst64(model, net, options);
  const after = tf.memory().numTensors;
  const fail = (what: string, v: number, tol: number) => {
    if (!(v <= tol)) throw new Error(`${model.name}: ${what} relative error ${v} > ${tol}`);
  };
  fail("outputs", r.outputs, 1e-5);
  fail("loss", r.loss, 1e-5);
  fail("gradient", r.gradient, 1e-5);
  fail("Hessian-vector product", r.hvp, 1e-4);
  if (after !== before) throw new Error(`${model.name}: ${after - before} tensors leaked`);
  return r;
}
