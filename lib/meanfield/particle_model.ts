/**
 * The interface of mean-field particle models: networks whose parameters are a set of N
 * particles θ₁, …, θ_N entering the output as an average, f = (1/N) Σⱼ φ(θⱼ; ·), so that as N
 * grows the network is described by the distribution of its particles and gradient descent on the
 * particles (each moved by −∇_{θⱼ}(N·L)) approaches a gradient flow of that distribution.
 *
 * The models are plain float64 TypeScript with hand-written gradients (they are small, and
 * thousands of steps at many widths and seeds must run in seconds); their tests check them
 * against tfjs autodiff and finite differences.
 *
 * @module
 */
import type { Seed } from "../random/mod.ts";

/** Regression data for a particle model: inputs (one row per sample) and scalar targets. */
export interface ParticleData {
  /** The inputs, n rows of the model's input dimension. */
  readonly x: readonly (readonly number[])[];
  /** The targets, n numbers. */
  readonly y: readonly number[];
}

/** The loss and its gradient at one point. */
export interface LossAndGradient {
  /** The loss L = (1/2n) Σᵢ (f(xᵢ) − yᵢ)². */
  loss: number;
  /** ∇_θ L, laid out like the parameters (particle after particle). */
  gradient: Float64Array;
}

/** A mean-field particle model (see the module documentation). */
export interface ParticleModel {
  /** A readable description, e.g. `"mean-field two-layer net d=5 m=64 bn relu"`. */
  readonly name: string;
  /** The input dimension d. */
  readonly inputDim: number;
  /** The number of particles N. */
  readonly particles: number;
  /** The numbers in one particle; the parameters are N·particleDim numbers, particle after particle. */
  readonly particleDim: number;
  /**
   * Fresh parameters, the same for the same seed. Models document how their draws nest: a larger
   * model's particles include a smaller one's, so that widths (or depths) can be compared on
   * shared particles.
   *
   * @param seed The seed.
   * @returns The parameters, particle after particle.
   */
  init(seed: Seed): Float64Array;
  /**
   * The outputs f(θ; xᵢ).
   *
   * @param params The parameters.
   * @param x The inputs.
   * @returns One output per input.
   */
  predict(params: Float64Array, x: readonly (readonly number[])[]): Float64Array;
  /**
   * The square loss L = (1/2n) Σᵢ (f(θ; xᵢ) − yᵢ)² and its exact gradient.
   *
   * @param params The parameters.
   * @param data The data.
   * @returns The loss and its gradient.
   */
  lossAndGradient(params: Float64Array, data: ParticleData): LossAndGradient;
}
