/**
 * The loss at θ + Σ cⱼ dⱼ for given directions, evaluated in chunks. Private to the slices.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import type { ObjectivePoint, Params } from "../nn/mod.ts";
import { chunkLoss, type Chunks, vectorToParams } from "./_autodiff.ts";

/** Direction tensors for the point's parameter shapes. */
export function directionTensors(point: ObjectivePoint, directions: ArrayLike<number>[]): Params[] {
  return directions.map((d) => vectorToParams(d, point.model.paramSpecs));
}

/** L(θ + Σⱼ cⱼ dⱼ) over the chunks. */
export async function shiftedLoss(
  point: ObjectivePoint,
  chunks: Chunks,
  directions: Params[],
  coefficients: number[],
): Promise<number> {
  const shifted = tf.tidy(() =>
    point.params.map((p, j) => {
      let q: tf.Tensor = p;
      directions.forEach((d, k) => {
        if (coefficients[k] !== 0) q = tf.add(q, tf.mul(d[j], coefficients[k]));
      });
      return q === p ? tf.clone(p) : q;
    })
  );
  let total = 0;
  for (const chunk of chunks.chunks) {
    const l = chunkLoss(point.model, point.loss, shifted, chunk, 1 / chunks.n);
    total += (await l.data())[0];
    l.dispose();
  }
  tf.dispose(shifted);
  return total;
}
