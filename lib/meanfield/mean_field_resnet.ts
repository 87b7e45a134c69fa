import { Rng, type Seed } from "../random/mod.ts";
import { activationPair, type ParticleActivation } from "./_activation.ts";
import { checkData, checkInputs, checkParams, checkPositiveInteger } from "./_checks.ts";
import type { LossAndGradient, ParticleData, ParticleModel } from "./particle_model.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode meanFieldResNet}. */
export interface MeanFieldResNetOptions {
  /**
   * The residual blocks L.
   * @default {8}
   */
  depth?: number;
  /**
   * The particles per block M.
   * @default {8}
   */
  width?: number;
  /**
   * The factor on each block: `"1/L"`, x_{l+1} = x_l + (1/L)(1/M) Σⱼ uⱼ σ(wⱼ·x_l) (the
   * mean-field ResNet, which has a limit as L → ∞); `"none"`, the same without 1/L.
   * @default {"1/L"}
   */
  residualScaling?: "1/L" | "none";
  /**
   * The activation σ.
   * @default {"tanh"}
   */
  activation?: ParticleActivation;
}

/** The deep residual particle model of {@linkcode meanFieldResNet}. */
export interface MeanFieldResNet extends ParticleModel {
  /** The blocks L. */
  readonly depth: number;
  /** The particles per block M. */
  readonly width: number;
  /** The dimension D = d + 2 of the residual stream. */
  readonly streamDim: number;
}

/**
 * A deep residual network in the mean-field scaling of Lu, Ma, Lu, Lu and Ying, with the input
 * carried by a stream of dimension D = d + 2:
 *
 * x₀ = (x, 1, 0),  x_{l+1} = x_l + (1/L)(1/M) Σⱼ u_{l,j} σ(w_{l,j}·x_l),  f(x) = (x_L)_D,
 *
 * particle (l, j) = (u_{l,j}, w_{l,j}) ∈ ℝ^{2D}, N = L·M particles. The constant coordinate
 * gives each unit a bias; the output is read from the last coordinate, which starts at 0, so all
 * of f is built by the blocks. With `residualScaling: "none"` the 1/L is dropped. As L grows the
 * scaled network approaches an ODE in the depth variable s = l/L ∈ [0, 1], and gradient descent
 * on the particles (each moved by −∇(N·L)) a gradient flow of their distribution over (s, θ).
 *
 * Initialization: u ~ N(0, I_D), w ~ N(0, I_D/D). Each block's particles are drawn from a
 * stream keyed by its depth position l/L in lowest terms, so the network of depth 2L contains
 * the blocks of depth L at its even positions (depths compare on shared particles).
 *
 * @see Lu, Ma, Lu, Lu, Ying, "A mean-field analysis of deep ResNet and beyond: towards provable
 * optimization via overparameterization from depth", ICML 2020, arXiv:2003.05508.
 *
 * @example Depth 8 contains the blocks of depth 4
 * ```ts
 * import { meanFieldResNet } from "minima";
 * import assert from "node:assert/strict";
 *
 * const shallow = meanFieldResNet(2, { depth: 4, width: 3 });
 * const deep = meanFieldResNet(2, { depth: 8, width: 3 });
 * const a = shallow.init(0), b = deep.init(0);
 * const block = shallow.width * shallow.particleDim; // numbers per block
 * assert.deepEqual(b.slice(2 * block, 3 * block), a.slice(block, 2 * block)); // s = 1/4
 * const f = shallow.predict(a, [[0.5, -1]]);
 * assert.equal(f.length, 1);
 * ```
 *
 * @param inputDim The input dimension d.
 * @param options Depth, width, residual scaling and activation.
 * @returns The particle model.
 */
export function meanFieldResNet(
  inputDim: number,
  options: MeanFieldResNetOptions = {},
): MeanFieldResNet {
  checkCall("meanFieldResNet", arguments);
  const what = "build the mean-field ResNet";
  const d = checkPositiveInteger(what, "inputDim", inputDim);
  const L = checkPositiveInteger(what, "depth", options.depth ?? 8);
  const M = checkPositiveInteger(what, "width", options.width ?? 8);
  const scaling = options.residualScaling ?? "1/L";
  if (scaling !== "1/L" && scaling !== "none") {
    throw new TypeError(
      `Cannot ${what}: residualScaling must be "1/L" or "none", current value is ${
        JSON.stringify(scaling)
      }`,
    );
  }
  const activationName = options.activation ?? "tanh";
  const sigma = activationPair(what, activationName);
  const D = d + 2;
  const p = 2 * D;
  const c = scaling === "1/L" ? 1 / (L * M) : 1 / M;
  const model: MeanFieldResNet = {
    name: `mean-field ResNet d=${d} L=${L} M=${M} ${activationName}${
      scaling === "none" ? " (no 1/L)" : ""
    }`,
    inputDim: d,
    particles: L * M,
    particleDim: p,
    depth: L,
    width: M,
    streamDim: D,
    init(seed: Seed): Float64Array {
      new Rng(seed); // validates the seed, which the streams below only see as text
      const theta = new Float64Array(L * M * p);
      const scale = 1 / Math.sqrt(D);
      for (let l = 0; l < L; l++) {
        const g = gcd(l, L);
        const rng = new Rng(`${seedKey(seed)}:${l / g}/${L / g}`);
        for (let j = 0; j < M; j++) {
          const off = (l * M + j) * p;
          for (let k = 0; k < D; k++) theta[off + k] = rng.normal();
          for (let k = 0; k < D; k++) theta[off + D + k] = scale * rng.normal();
        }
      }
      return theta;
    },
    predict(params, x) {
      const w = `apply the ${model.name}`;
      checkParams(w, model, params);
      checkInputs(w, x, d);
      const out = new Float64Array(x.length);
      const stream = new Float64Array((L + 1) * D), h = new Float64Array(L * M);
      x.forEach((row, i) => {
        forwardAll(params, row, stream, h);
        out[i] = stream[L * D + D - 1];
      });
      return out;
    },
    lossAndGradient(params: Float64Array, data: ParticleData): LossAndGradient {
      const w = `differentiate the ${model.name}`;
      checkParams(w, model, params);
      checkData(w, data, d);
      const n = data.x.length;
      const gradient = new Float64Array(L * M * p);
      const stream = new Float64Array((L + 1) * D);
      const h = new Float64Array(L * M);
      const delta = new Float64Array(D);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        forwardAll(params, data.x[i], stream, h);
        const e = stream[L * D + D - 1] - data.y[i];
        loss += e * e;
        delta.fill(0);
        delta[D - 1] = e / n;
        for (let l = L - 1; l >= 0; l--) {
          const xl = l * D;
          // δ_l = δ_{l+1} + c Σⱼ (uⱼ·δ_{l+1}) σ'(hⱼ) wⱼ, with the parameter gradients on the way.
          const update = new Float64Array(D);
          for (let j = 0; j < M; j++) {
            const off = (l * M + j) * p;
            const hj = h[l * M + j];
            const a = sigma.value(hj);
            let ud = 0;
            for (let k = 0; k < D; k++) {
              ud += params[off + k] * delta[k];
              gradient[off + k] += c * a * delta[k];
            }
            const back = c * ud * sigma.derivative(hj);
            if (back === 0) continue;
            for (let k = 0; k < D; k++) {
              gradient[off + D + k] += back * stream[xl + k];
              update[k] += back * params[off + D + k];
            }
          }
          for (let k = 0; k < D; k++) delta[k] += update[k];
        }
      }
      return { loss: loss / (2 * n), gradient };
    },
  };

  /** The stream x₀ … x_L (rows of D) and the pre-activations of every block. */
  function forwardAll(
    params: Float64Array,
    row: readonly number[],
    stream: Float64Array,
    h: Float64Array,
  ): void {
    stream.fill(0, 0, D);
    for (let k = 0; k < d; k++) stream[k] = row[k];
    stream[d] = 1;
    for (let l = 0; l < L; l++) {
      const xl = l * D, next = xl + D;
      for (let k = 0; k < D; k++) stream[next + k] = stream[xl + k];
      for (let j = 0; j < M; j++) {
        const off = (l * M + j) * p;
        let hj = 0;
        for (let k = 0; k < D; k++) hj += params[off + D + k] * stream[xl + k];
        h[l * M + j] = hj;
        const a = c * sigma.value(hj);
        if (a === 0) continue;
        for (let k = 0; k < D; k++) stream[next + k] += a * params[off + k];
      }
    }
  }
  return Object.freeze(model);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function seedKey(seed: Seed): string {
  return typeof seed === "number" ? `n${seed}` : `s${seed}`;
}
