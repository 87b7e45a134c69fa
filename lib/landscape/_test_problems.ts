/**
 * Tiny problems for landscape and optim tests: a tfjs point and its float64 twin at the same θ.
 * Private to the test suites.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import { createDataset } from "../data/mod.ts";
import {
  crossEntropy,
  disposeParams,
  flattenParams,
  mlp,
  mse,
  type ObjectivePoint,
} from "../nn/mod.ts";
import type { Loss64, Mlp64 } from "../nn/_float64_reference.ts";
import { Rng } from "../random/mod.ts";

/** A tiny problem with inputs, targets, the point and θ as float32 values read back. */
export interface TinyProblem {
  point: ObjectivePoint;
  xs: number[][];
  ys: number[][];
  theta: Float64Array;
  dispose(): void;
}

/** Random inputs N(0, 1), targets for the loss, and a generic θ (LeCun init + N(0, 0.01) noise). */
export async function tinyProblem(
  net: Mlp64,
  lossName: Loss64,
  n: number,
  seed: number,
  targets: "real" | "one-hot" | "signed" = "real",
): Promise<TinyProblem> {
  const rng = new Rng(seed);
  const [d, k] = [net.sizes[0], net.sizes.at(-1)!];
  const xs = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
  let ys: number[][];
  let data;
  if (targets === "real") {
    ys = Array.from({ length: n }, () => Array.from({ length: k }, () => rng.normal()));
    data = createDataset(xs, ys);
  } else if (targets === "one-hot") {
    const labels = xs.map((_, i) => i % k);
    ys = labels.map((l) => Array.from({ length: k }, (_, j) => (j === l ? 1 : 0)));
    data = createDataset(xs, labels, { targets: "one-hot", numClasses: k });
  } else {
    const labels = xs.map((_, i) => (i % 2 ? 1 : -1));
    ys = labels.map((l) => [l]);
    data = createDataset(xs, labels, { targets: "signed" });
  }
  const model = mlp(net.sizes, {
    activation: net.activation as "tanh",
    bias: net.bias,
    init: "lecun",
    outputScale: net.outputScale,
  });
  const init = model.init(seed);
  const theta0 = (await flattenParams(init)).map((v) => v + 0.1 * rng.normal());
  disposeParams(init);
  const params: tf.Tensor[] = [];
  let off = 0;
  for (const s of model.paramSpecs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    params.push(tf.tensor(Float32Array.from(theta0.slice(off, off + size)), s.shape as number[]));
    off += size;
  }
  const point: ObjectivePoint = {
    model,
    loss: lossName === "mse" ? mse : crossEntropy,
    data,
    params,
  };
  return {
    point,
    xs,
    ys,
    theta: await flattenParams(params),
    dispose: () => {
      disposeParams(params);
      data.dispose();
    },
  };
}
