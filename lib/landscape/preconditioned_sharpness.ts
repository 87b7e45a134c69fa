import { lanczos, type LinearOperator, powerIteration } from "../linalg/mod.ts";
import type { ObjectivePoint, Params } from "../nn/mod.ts";
import { hessianOperator } from "./hessian_operator.ts";
import { checkParams, checkPoint } from "./_point.ts";
import type { SharpnessOptions, SharpnessResult } from "./sharpness.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode preconditionedSharpness}: those of `sharpness`. */
export type PreconditionedSharpnessOptions = SharpnessOptions;

/**
 * The preconditioned sharpness λ_max(P⁻¹H) of an adaptive optimizer with diagonal preconditioner
 * P (Adam and RMSprop step along −ηP⁻¹·(gradient or its average)): the top eigenvalue of the
 * symmetric P^{-1/2} H P^{-1/2}, which has the eigenvalues of P⁻¹H, from exact Hessian-vector
 * products u ↦ P^{-1/2} H (P^{-1/2} u) by Lanczos or power iteration.
 *
 * With P frozen, Adam (β₁, EMA momentum) on a quadratic is stable iff
 * λ_max(P⁻¹H) < (2 + 2β₁)/((1 − β₁)η), which is 38/η for β₁ = 0.9; Cohen et al. report the
 * preconditioned sharpness of full-batch Adam rising to that threshold and hovering there, the
 * adaptive edge of stability. Get P from the optimizer's state with `adaptivePreconditioner`
 * (P = √v̂ + ε; the bias correction of m, which tends to 1, is left out).
 *
 * @see Cohen et al., "Adaptive gradient methods at the edge of stability", arXiv:2207.14484.
 *
 * @example A linear model with H = diag(4, 1)/2 and P = diag(2, 1/8): P⁻¹H = diag(1, 4)
 * ```ts
 * import { createDataset, mlp, mse, preconditionedSharpness, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = createDataset([[2, 0], [0, 1]], [[0], [0]]);
 * const model = mlp([2, 1], { bias: false, activation: "identity" });
 * const params = [tf.tensor2d([[0.3], [-0.2]])];
 * const P = [tf.tensor2d([[2], [0.125]])];
 * const { value } = await preconditionedSharpness({ model, loss: mse, data, params }, P);
 * assert.ok(Math.abs(value - 4) < 1e-4);
 * tf.dispose([params, P]);
 * data.dispose();
 * ```
 *
 * @param point The model, loss, data and parameters.
 * @param preconditioner P, one positive tensor per parameter tensor and of its shape (e.g. from
 *   `adaptivePreconditioner`); not modified or disposed.
 * @param options Method, tolerance, start vector, subset and chunk size, as for `sharpness`.
 * @returns λ_max(P⁻¹H) as `value`, with the unit top eigenvector of P^{-1/2}HP^{-1/2}.
 */
export async function preconditionedSharpness(
  point: ObjectivePoint,
  preconditioner: Params,
  options: PreconditionedSharpnessOptions = {},
): Promise<SharpnessResult> {
  checkCall("preconditionedSharpness", arguments);
  const what = "measure the preconditioned sharpness";
  checkPoint(point, what);
  checkParams(point, preconditioner, what, "preconditioner");
  const method = options.method ?? "lanczos";
  if (method !== "lanczos" && method !== "power") {
    throw new TypeError(
      `Cannot ${what}: method must be "lanczos" or "power", current value is ${
        JSON.stringify(method)
      }`,
    );
  }
  // d = P^{-1/2}, flattened like flattenParams.
  const d = new Float64Array(point.model.numParams);
  let offset = 0;
  for (const p of preconditioner) {
    const values = await p.data();
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!(v > 0) || !Number.isFinite(v)) {
        throw new RangeError(
          `Cannot ${what}: preconditioner entries must be positive and finite, entry ${
            offset + i
          } is ${v}`,
        );
      }
      d[offset + i] = 1 / Math.sqrt(v);
    }
    offset += values.length;
  }
  const op = hessianOperator(point, options);
  try {
    const scaled: LinearOperator = {
      dim: op.dim,
      matvec: async (u: Float64Array) => {
        const v = new Float64Array(u.length);
        for (let i = 0; i < u.length; i++) v[i] = d[i] * u[i];
        const hv = await op.matvec(v);
        for (let i = 0; i < hv.length; i++) hv[i] *= d[i];
        return hv;
      },
    };
    const common = {
      k: 1,
      tol: options.tol ?? 1e-3,
      seed: options.seed,
      startVector: options.startVector,
      onProgress: options.onProgress,
    };
    const r = method === "lanczos"
      ? await lanczos(scaled, {
        ...common,
        maxIterations: options.maxIterations ?? Math.min(op.dim, 50),
      })
      : await powerIteration(scaled, { ...common, maxIterations: options.maxIterations ?? 100 });
    return {
      value: r.values[0],
      vector: r.vectors[0],
      residual: r.residuals[0],
      iterations: r.iterations,
      converged: r.converged,
      trusted: r.trusted,
      warnings: r.warnings,
      method,
      samples: op.samples,
    };
  } finally {
    op.dispose();
  }
}
