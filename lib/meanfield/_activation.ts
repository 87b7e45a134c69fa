/**
 * The activations of the particle models, with their derivatives, in float64. Private.
 *
 * @module
 */

/** The activations the particle models take. */
export type ParticleActivation = "relu" | "tanh";

/** σ and σ' as plain functions. */
export interface ActivationPair {
  value(z: number): number;
  derivative(z: number): number;
}

/** σ and σ' for a name (σ'(0) = 0 for relu, as tfjs and PyTorch take it). */
export function activationPair(what: string, name: unknown): ActivationPair {
  if (name === "relu") {
    return { value: (z) => (z > 0 ? z : 0), derivative: (z) => (z > 0 ? 1 : 0) };
  }
  if (name === "tanh") {
    return {
      value: Math.tanh,
      derivative: (z) => {
        const t = Math.tanh(z);
        return 1 - t * t;
      },
    };
  }
  throw new TypeError(
    `Cannot ${what}: activation must be "relu" or "tanh", current value is ${JSON.stringify(name)}`,
  );
}
