import { Rng, type Seed } from "../random/mod.ts";
import { activationPair, type ParticleActivation } from "./_activation.ts";
import { checkData, checkInputs, checkParams, checkPositiveInteger } from "./_checks.ts";
import type { LossAndGradient, ParticleData, ParticleModel } from "./particle_model.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode meanFieldTwoLayerNet}. */
export interface MeanFieldTwoLayerNetOptions {
  /**
   * Normalize each neuron's pre-activation over the batch (BatchNorm without affine parameters):
   * zᵢⱼ = (wⱼ·xᵢ − μⱼ)/√(vⱼ + ε), μⱼ and vⱼ the mean and biased variance of wⱼ·xᵢ over the n
   * inputs given. Without it zᵢⱼ = wⱼ·xᵢ.
   * @default {true}
   */
  batchNorm?: boolean;
  /**
   * ε of the normalization. With ε = 0 the network is exactly invariant to each wⱼ ↦ c·wⱼ, c > 0.
   * @default {0}
   */
  eps?: number;
  /**
   * The output factor c in f = c Σⱼ aⱼ σ(zⱼ): `"mean-field"`, c = 1/m; `"ntk"`, c = 1/√m.
   * @default {"mean-field"}
   */
  scaling?: "mean-field" | "ntk";
  /**
   * The activation σ.
   * @default {"relu"}
   */
  activation?: ParticleActivation;
}

/** A neuron-by-neuron view of the parameters. */
export interface TwoLayerNeurons {
  /** The output weights aⱼ. */
  outputWeights: Float64Array;
  /** The norms ‖wⱼ‖. */
  norms: Float64Array;
  /** The unit directions wⱼ/‖wⱼ‖, m rows of d (row-major). */
  directions: Float64Array;
}

/** The radial part of each neuron's input-weight gradient. */
export interface RadialComponents {
  /** wⱼ·∇_{wⱼ}L, one per neuron. */
  radial: Float64Array;
  /** ‖wⱼ‖·‖∇_{wⱼ}L‖, the largest |wⱼ·∇_{wⱼ}L| can be (for a relative measure). */
  scale: Float64Array;
}

/** The two-layer particle model of {@linkcode meanFieldTwoLayerNet}. */
export interface MeanFieldTwoLayerNet extends ParticleModel {
  /** The width m (= particles). */
  readonly width: number;
  /** Whether the pre-activations are batch-normalized. */
  readonly batchNorm: boolean;
  /**
   * The parameters neuron by neuron: output weights, norms and unit directions.
   *
   * @param params The parameters.
   * @returns The neurons.
   */
  neurons(params: Float64Array): TwoLayerNeurons;
  /**
   * The radial components wⱼ·∇_{wⱼ}L of a gradient, with the scale ‖wⱼ‖‖∇_{wⱼ}L‖ they are
   * bounded by. With batch normalization and ε = 0 every radial component vanishes.
   *
   * @param params The parameters.
   * @param gradient A gradient laid out like the parameters.
   * @returns Radial components and scales, one per neuron.
   */
  radialComponents(params: Float64Array, gradient: Float64Array): RadialComponents;
}

/**
 * A two-layer network in the mean-field scaling, with or without batch normalization of each
 * neuron's pre-activation (Ma and Ying's setting):
 * f(x) = (1/m) Σⱼ aⱼ σ(BN(wⱼ·x)), particle j = (aⱼ, wⱼ) ∈ ℝ^{1+d}.
 *
 * With BN (and ε = 0) each neuron is invariant to the scale of wⱼ, so **[derived]**
 * wⱼ·∇_{wⱼ}L = 0: the gradient has no radial part, gradient descent moves each wⱼ tangentially
 * (its norm grows only at second order, ‖wⱼ − ηg‖² = ‖wⱼ‖² + η²‖g‖²), and the neurons
 * effectively live on the sphere. With ε > 0 the radial part is n·mean(gz)·ε/(v + ε) per neuron
 * (g the gradient in z). On inputs whitened over the batch (mean 0, covariance I) BN(w·x) =
 * w·x/‖w‖ exactly, the network without BN evaluated at the directions.
 *
 * Initialization: aⱼ ~ N(0, 1) and wⱼ uniform on the unit sphere, drawn particle after particle
 * from one stream, so the first m particles of a wider network are those of width m (widths
 * compare on shared particles).
 *
 * @see Ma, Ying, "A Riemannian mean field formulation for two-layer neural networks with batch
 * normalization", arXiv:2110.08725.
 *
 * @example The radial part of the gradient vanishes with BN
 * ```ts
 * import { meanFieldTwoLayerNet } from "minima";
 * import assert from "node:assert/strict";
 *
 * const data = { x: [[1, 0], [0, 2], [-1, 1], [2, 1]], y: [1, -1, 0, 0.5] };
 * const net = meanFieldTwoLayerNet(2, 8);
 * const params = net.init(0);
 * const { gradient } = net.lossAndGradient(params, data);
 * const { radial, scale } = net.radialComponents(params, gradient);
 * assert.ok(radial.every((r, j) => Math.abs(r) <= 1e-12 * scale[j]));
 * ```
 *
 * @param inputDim The input dimension d.
 * @param width The number of neurons m.
 * @param options Batch normalization, ε, output scaling and activation.
 * @returns The particle model.
 */
export function meanFieldTwoLayerNet(
  inputDim: number,
  width: number,
  options: MeanFieldTwoLayerNetOptions = {},
): MeanFieldTwoLayerNet {
  checkCall("meanFieldTwoLayerNet", arguments);
  const what = "build the mean-field two-layer net";
  const d = checkPositiveInteger(what, "inputDim", inputDim);
  const m = checkPositiveInteger(what, "width", width);
  const batchNorm = options.batchNorm ?? true;
  if (typeof batchNorm !== "boolean") {
    throw new TypeError(
      `Cannot ${what}: batchNorm must be a boolean, current value is ${batchNorm}`,
    );
  }
  const eps = options.eps ?? 0;
  if (!(Number.isFinite(eps) && eps >= 0)) {
    throw new RangeError(`Cannot ${what}: eps must be a number ≥ 0, current value is ${eps}`);
  }
  const scaling = options.scaling ?? "mean-field";
  if (scaling !== "mean-field" && scaling !== "ntk") {
    throw new TypeError(
      `Cannot ${what}: scaling must be "mean-field" or "ntk", current value is ${
        JSON.stringify(scaling)
      }`,
    );
  }
  const activationName = options.activation ?? "relu";
  const sigma = activationPair(what, activationName);
  const c = scaling === "mean-field" ? 1 / m : 1 / Math.sqrt(m);
  const p = d + 1;
  const model: MeanFieldTwoLayerNet = {
    name: `mean-field two-layer net d=${d} m=${m}${batchNorm ? " bn" : ""} ${activationName}${
      scaling === "ntk" ? " (1/√m)" : ""
    }`,
    inputDim: d,
    particles: m,
    particleDim: p,
    width: m,
    batchNorm,
    init(seed: Seed): Float64Array {
      const rng = new Rng(seed);
      const theta = new Float64Array(m * p);
      for (let j = 0; j < m; j++) {
        theta[j * p] = rng.normal();
        let norm2 = 0;
        for (let k = 0; k < d; k++) {
          const v = rng.normal();
          theta[j * p + 1 + k] = v;
          norm2 += v * v;
        }
        const norm = Math.sqrt(norm2);
        for (let k = 0; k < d; k++) theta[j * p + 1 + k] /= norm;
      }
      return theta;
    },
    predict(params, x) {
      const w = `apply the ${model.name}`;
      checkParams(w, model, params);
      checkInputs(w, x, d);
      return forward(params, flatten(x, d), x.length, w).f;
    },
    lossAndGradient(params: Float64Array, data: ParticleData): LossAndGradient {
      const w = `differentiate the ${model.name}`;
      checkParams(w, model, params);
      checkData(w, data, d);
      const n = data.x.length;
      const x = flatten(data.x, d);
      const { f, z, s } = forward(params, x, n, w);
      const r = new Float64Array(n);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const e = f[i] - data.y[i];
        loss += e * e;
        r[i] = e / n;
      }
      loss /= 2 * n;
      const gradient = new Float64Array(m * p);
      const g = new Float64Array(n);
      for (let j = 0; j < m; j++) {
        const a = params[j * p];
        let ga = 0, gMean = 0, gzMean = 0;
        for (let i = 0; i < n; i++) {
          const zi = z[j * n + i];
          ga += r[i] * sigma.value(zi);
          g[i] = c * r[i] * a * sigma.derivative(zi);
          gMean += g[i];
          gzMean += g[i] * zi;
        }
        gradient[j * p] = c * ga;
        gMean /= n;
        gzMean /= n;
        // ∂L/∂hᵢ for hᵢ = wⱼ·xᵢ: through BN, (gᵢ − mean g − zᵢ·mean(g z))/s.
        for (let i = 0; i < n; i++) {
          const dh = batchNorm ? (g[i] - gMean - z[j * n + i] * gzMean) / s[j] : g[i];
          if (dh === 0) continue;
          for (let k = 0; k < d; k++) gradient[j * p + 1 + k] += dh * x[i * d + k];
        }
      }
      return { loss, gradient };
    },
    neurons(params) {
      checkParams(`read the neurons of the ${model.name}`, model, params);
      const outputWeights = new Float64Array(m), norms = new Float64Array(m);
      const directions = new Float64Array(m * d);
      for (let j = 0; j < m; j++) {
        outputWeights[j] = params[j * p];
        let n2 = 0;
        for (let k = 0; k < d; k++) n2 += params[j * p + 1 + k] ** 2;
        norms[j] = Math.sqrt(n2);
        for (let k = 0; k < d; k++) directions[j * d + k] = params[j * p + 1 + k] / norms[j];
      }
      return { outputWeights, norms, directions };
    },
    radialComponents(params, gradient) {
      const w = `compute the radial components for the ${model.name}`;
      checkParams(w, model, params);
      checkParams(w, model, gradient);
      const radial = new Float64Array(m), scale = new Float64Array(m);
      for (let j = 0; j < m; j++) {
        let dot = 0, ww = 0, gg = 0;
        for (let k = 0; k < d; k++) {
          const wk = params[j * p + 1 + k], gk = gradient[j * p + 1 + k];
          dot += wk * gk;
          ww += wk * wk;
          gg += gk * gk;
        }
        radial[j] = dot;
        scale[j] = Math.sqrt(ww * gg);
      }
      return { radial, scale };
    },
  };

  /** Outputs, pre-activations z (neuron-major, m × n) and the normalizers s. */
  function forward(params: Float64Array, x: Float64Array, n: number, w: string) {
    const f = new Float64Array(n), z = new Float64Array(m * n), s = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      const off = j * p + 1;
      let mean = 0;
      for (let i = 0; i < n; i++) {
        let h = 0;
        for (let k = 0; k < d; k++) h += params[off + k] * x[i * d + k];
        z[j * n + i] = h;
        mean += h;
      }
      s[j] = 1;
      if (batchNorm) {
        mean /= n;
        let v = 0;
        for (let i = 0; i < n; i++) v += (z[j * n + i] - mean) ** 2;
        v /= n;
        if (!(v + eps > 0)) {
          throw new RangeError(
            `Cannot ${w}: neuron ${j} has zero variance over the batch of ${n} (batch normalization needs at least 2 distinct inputs along each wⱼ, or eps > 0)`,
          );
        }
        s[j] = Math.sqrt(v + eps);
        for (let i = 0; i < n; i++) z[j * n + i] = (z[j * n + i] - mean) / s[j];
      }
      const a = params[j * p];
      for (let i = 0; i < n; i++) f[i] += c * a * sigma.value(z[j * n + i]);
    }
    return { f, z, s };
  }
  return Object.freeze(model);
}

function flatten(x: readonly (readonly number[])[], d: number): Float64Array {
  const out = new Float64Array(x.length * d);
  x.forEach((row, i) => out.set(row, i * d));
  return out;
}
