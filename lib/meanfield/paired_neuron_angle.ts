import type { TwoLayerNeurons } from "./mean_field_two_layer_net.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode pairedNeuronAngle}. */
export interface PairedNeuronAngleOptions {
  /**
   * Compare the first `count` neurons of each (a narrower network's neurons are the first ones
   * of a wider network started from the same seed).
   * @default {the smaller of the two widths}
   */
  count?: number;
}

/** The angles between paired neurons. */
export interface PairedNeuronAngleResult {
  /** The mean angle, in radians. */
  mean: number;
  /** The angle of each pair, in radians. */
  angles: Float64Array;
}

/**
 * The angle between neuron j's direction in one network and neuron j's in another,
 * arccos(uⱼ·vⱼ), averaged over the pairs: how far apart two runs from shared initial particles
 * have moved the same neurons on the sphere (with and without batch normalization, or at widths
 * m and 2m).
 *
 * @example
 * ```ts
 * import { pairedNeuronAngle } from "minima";
 * import assert from "node:assert/strict";
 *
 * const a = { outputWeights: new Float64Array(2), norms: new Float64Array(2), directions: Float64Array.from([1, 0, 0, 1]) };
 * const b = { ...a, directions: Float64Array.from([0, 1, 0, 1]) };
 * const r = pairedNeuronAngle(a, b);
 * assert.ok(Math.abs(r.mean - Math.PI / 4) < 1e-15); // π/2 and 0
 * ```
 *
 * @param a The neurons of one network (`neurons(params)` of a `meanFieldTwoLayerNet`).
 * @param b The neurons of the other, in the same input dimension.
 * @param options How many pairs.
 * @returns The mean angle and each pair's.
 */
export function pairedNeuronAngle(
  a: TwoLayerNeurons,
  b: TwoLayerNeurons,
  options: PairedNeuronAngleOptions = {},
): PairedNeuronAngleResult {
  checkCall("pairedNeuronAngle", arguments);
  const what = "compare the neuron directions";
  const ma = a?.norms?.length, mb = b?.norms?.length;
  if (
    !ma || !mb || !(a.directions instanceof Float64Array) || !(b.directions instanceof Float64Array)
  ) {
    throw new TypeError(
      `Cannot ${what}: a and b must be neurons ({ outputWeights, norms, directions })`,
    );
  }
  const d = a.directions.length / ma;
  if (b.directions.length / mb !== d) {
    throw new RangeError(
      `Cannot ${what}: the networks must have the same input dimension, current dimensions are ${d} and ${
        b.directions.length / mb
      }`,
    );
  }
  const count = options.count ?? Math.min(ma, mb);
  if (!Number.isInteger(count) || count < 1 || count > Math.min(ma, mb)) {
    throw new RangeError(
      `Cannot ${what}: count must be an integer in [1, ${
        Math.min(ma, mb)
      }], current value is ${count}`,
    );
  }
  const angles = new Float64Array(count);
  let sum = 0;
  for (let j = 0; j < count; j++) {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += a.directions[j * d + k] * b.directions[j * d + k];
    angles[j] = Math.acos(Math.max(-1, Math.min(1, dot)));
    sum += angles[j];
  }
  return { mean: sum / count, angles };
}
