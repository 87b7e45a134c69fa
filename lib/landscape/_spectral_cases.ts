/**
 * Small models with exact float64 Hessians for the spectral cross-check suite and the miss-rate
 * measurement: each case is a tfjs point with its exact Hessian (float64, independent of tfjs),
 * its eigen-decomposition and, for the gradient-noise checks, exact per-sample gradients and
 * Hessians. Private to the tests and the measurement scripts.
 *
 * A case only has to say how to build its point and its exact float64 quantities, so other model
 * families (convolutional networks, with a float64 reference of their own) join the suite by
 * adding cases to {@linkcode CROSS_CHECK_CASES}.
 *
 * @module
 */
import type { ObjectivePoint } from "../nn/mod.ts";
import { type Loss64, lossAndGrad64, type Mlp64 } from "../nn/_float64_reference.ts";
import { jacobiEigen } from "../linalg/_internal.ts";
import { mlpHessian64 } from "./_float64_hvp.ts";
import { tinyProblem } from "./_test_problems.ts";

/** A built case: the point and its exact float64 quantities. */
export interface BuiltCase {
  name: string;
  point: ObjectivePoint;
  /** The parameter count d. */
  d: number;
  /** The samples n. */
  n: number;
  /** The exact Hessian of the mean loss, d×d row-major. */
  hessian: Float64Array;
  /** Its eigenvalues, ascending. */
  eigenvalues: Float64Array;
  /** Its unit eigenvectors, `eigenvectors[i]` for `eigenvalues[i]`. */
  eigenvectors: Float64Array[];
  /** The exact per-sample gradients ∇ℓᵢ (n vectors of length d). */
  perSampleGradients(): Float64Array[];
  /** The exact per-sample Hessians ∇²ℓᵢ (n matrices d×d). */
  perSampleHessians(): Float64Array[];
  dispose(): void;
}

/** A model family's recipe for a case. */
export interface ExactCase {
  name: string;
  build(): Promise<BuiltCase>;
}

/** A case from an MLP with the float64 R-operator Hessian (tinyProblem's data and θ). */
export function mlpCase(
  net: Mlp64,
  loss: Loss64,
  targets: "real" | "one-hot" | "signed",
  n: number,
  seed: number,
): ExactCase {
  const name = `mlp ${net.sizes.join("-")} ${net.activation} ${loss} n=${n} seed ${seed}`;
  return {
    name,
    async build(): Promise<BuiltCase> {
      const p = await tinyProblem(net, loss, n, seed, targets);
      const hessian = mlpHessian64(net, loss, p.theta, p.xs, p.ys);
      const d = p.theta.length;
      const { values, vectors } = jacobiEigen(hessian, d);
      return {
        name,
        point: p.point,
        d,
        n,
        hessian,
        eigenvalues: values,
        eigenvectors: vectors,
        perSampleGradients: () =>
          p.xs.map((x, i) => lossAndGrad64(net, loss, p.theta, [x], [p.ys[i]]).grad),
        perSampleHessians: () =>
          p.xs.map((x, i) => mlpHessian64(net, loss, p.theta, [x], [p.ys[i]])),
        dispose: p.dispose,
      };
    },
  };
}

/**
 * The suite's models, d from 124 to 193: ReLU and tanh, MSE and cross-entropy, one and two
 * hidden layers, at generic points (LeCun initialization plus noise).
 */
export const CROSS_CHECK_CASES: ExactCase[] = [
  mlpCase({ sizes: [4, 10, 10, 3], activation: "relu" }, "mse", "real", 24, 1),
  mlpCase({ sizes: [3, 12, 8, 2], activation: "tanh" }, "mse", "real", 24, 2),
  mlpCase({ sizes: [4, 8, 8, 3], activation: "relu" }, "cross-entropy", "one-hot", 24, 3),
  mlpCase({ sizes: [5, 12, 4], activation: "tanh" }, "cross-entropy", "one-hot", 24, 4),
];
