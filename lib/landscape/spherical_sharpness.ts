import { tf } from "../backend/mod.ts";
import { lanczos, type LinearOperator } from "../linalg/mod.ts";
import type { ObjectivePoint } from "../nn/mod.ts";
import { hessianOperator } from "./hessian_operator.ts";
import { paramNorm } from "./_outputs.ts";
import { checkPoint } from "./_point.ts";
import { homogeneityDegree } from "./homogeneity_degree.ts";
import type { SharpnessOptions } from "./sharpness.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode sphericalSharpness}. */
export interface SphericalSharpnessOptions
  extends Omit<SharpnessOptions, "method" | "startVector"> {
  /**
   * Check first that the model is scale-invariant (outputs unchanged when θ is scaled); the
   * spherical sharpness is defined for any model but means something only for those.
   * @default {true}
   */
  checkInvariance?: boolean;
  /** A start vector for Lanczos (e.g. the previous measurement's `vector`). */
  startVector?: ArrayLike<number>;
}

/** The spherical sharpness and how it was found. */
export interface SphericalSharpnessResult {
  /** λ_max of the Hessian at θ/‖θ‖ restricted to the sphere's tangent space. */
  value: number;
  /** Its unit eigenvector (tangent to the sphere at θ/‖θ‖), flattened like `flattenParams`. */
  vector: Float64Array;
  /** ‖θ‖₂. */
  norm: number;
  /** ‖θ‖², so that the sharpness of L at θ itself is value/normSquared. */
  normSquared: number;
  /** ‖Hv − λv‖ of the returned pair. */
  residual: number;
  /** Hessian-vector products used. */
  iterations: number;
  /** Whether the residual met the tolerance. */
  converged: boolean;
}

/**
 * The spherical sharpness of a scale-invariant loss (L(cθ) = L(θ)): the top eigenvalue of the
 * Hessian at the unit-norm point u = θ/‖θ‖, restricted to the tangent space of the sphere,
 * S(θ) = λ_max(P ∇²L(u) P) with P = I − uuᵀ. Scale invariance gives ∇²L(θ) = ∇²L(u)/‖θ‖² (and
 * ∇²L(θ)θ = −∇L(θ) = 0 near minima), so gradient descent at rate η is at the edge of stability
 * when S·η/‖θ‖² ≈ 2: the effective learning rate η/‖θ‖² sets the sharpness it tolerates. Lyu, Li
 * and Arora show that GD with weight decay on such losses reaches that edge and then keeps reducing
 * S. Hessian-vector products are minima's exact ones at u, projected by P, handed to Lanczos.
 *
 * @see Lyu, Li, Arora, "Understanding the generalization benefit of normalization layers:
 * sharpness reduction", NeurIPS 2022, arXiv 2206.07085.
 *
 * @example Doubling θ does not change the spherical sharpness
 * ```ts
 * import { disposeParams, mse, scaleInvariantNet, sphericalSharpness, teacherStudent, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = teacherStudent({ samples: 16, inputDim: 3 });
 * const model = scaleInvariantNet([3, 6, 1]);
 * const params = model.init(0), doubled = params.map((p) => tf.mul(p, 2));
 * const a = await sphericalSharpness({ model, loss: mse, data, params });
 * const b = await sphericalSharpness({ model, loss: mse, data, params: doubled });
 * assert.ok(Math.abs(a.value - b.value) < 1e-3 * a.value);
 * assert.ok(Math.abs(b.normSquared - 4 * a.normSquared) < 1e-3 * b.normSquared);
 * disposeParams([params, doubled]);
 * data.dispose();
 * ```
 *
 * @param point A scale-invariant model, its loss, data and parameters.
 * @param options Lanczos settings, samples, and whether to check invariance.
 * @returns The spherical sharpness, its eigenvector and ‖θ‖.
 */
export async function sphericalSharpness(
  point: ObjectivePoint,
  options: SphericalSharpnessOptions = {},
): Promise<SphericalSharpnessResult> {
  checkCall("sphericalSharpness", arguments);
  const what = "measure the spherical sharpness";
  checkPoint(point, what);
  if (options.checkInvariance ?? true) {
    const h = await homogeneityDegree(point);
    if (!(h.homogeneous && Math.abs(h.degree) < 1e-2)) {
      throw new TypeError(
        `Cannot ${what}: the model must be scale-invariant, f(cθ) = f(θ) (found ${
          Number.isFinite(h.degree)
            ? `degree ${h.degree.toFixed(3)}, relative error ${h.relativeError.toPrecision(2)}`
            : "every output is 0"
        }); use scaleInvariantNet, or pass checkInvariance: false to measure anyway`,
      );
    }
  }
  const norm = await paramNorm(point.params);
  if (!(norm > 0)) {
    throw new RangeError(`Cannot ${what}: θ must be nonzero, current norm is ${norm}`);
  }
  const unitParams = tf.tidy(() => point.params.map((p) => tf.div(p, norm)));
  const op = hessianOperator({ ...point, params: unitParams }, options);
  try {
    const u = new Float64Array(op.dim);
    let offset = 0;
    for (const p of unitParams) {
      u.set(await p.data() as Float32Array, offset);
      offset += p.size;
    }
    let uu = 0;
    for (let i = 0; i < u.length; i++) uu += u[i] * u[i];
    const project = (v: Float64Array): Float64Array => {
      let c = 0;
      for (let i = 0; i < v.length; i++) c += u[i] * v[i];
      c /= uu;
      const out = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = v[i] - c * u[i];
      return out;
    };
    const tangent: LinearOperator = {
      dim: op.dim,
      matvec: async (v: Float64Array) => project(await op.matvec(project(v))),
    };
    const r = await lanczos(tangent, {
      k: 1,
      maxIterations: options.maxIterations ?? Math.min(op.dim, 50),
      tol: options.tol ?? 1e-3,
      seed: options.seed,
      startVector: options.startVector === undefined
        ? undefined
        : project(Float64Array.from(options.startVector)),
      onProgress: options.onProgress,
    });
    return {
      value: r.values[0],
      vector: r.vectors[0],
      norm,
      normSquared: norm * norm,
      residual: r.residuals[0],
      iterations: r.iterations,
      converged: r.converged,
    };
  } finally {
    op.dispose();
    tf.dispose(unitParams);
  }
}
