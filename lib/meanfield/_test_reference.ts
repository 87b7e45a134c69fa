/**
 * Independent references for the particle models' tests: the same networks written with tfjs
 * operations and differentiated by tfjs autodiff (float32), and central finite differences in
 * float64. Private to the tests.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import type { ParticleData, ParticleModel } from "./particle_model.ts";

/** Seeded regression data: n Gaussian inputs in d dimensions, targets sin(x₁) + x₂/2. */
export function testData(n: number, d: number, seed = 1): ParticleData {
  const rng = new Rng(seed);
  const x = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
  return { x, y: x.map((r) => Math.sin(r[0]) + (d > 1 ? r[1] / 2 : 0)) };
}

/** Central finite differences of the model's loss in every coordinate (step h). */
export function finiteDifferenceGradient(
  model: ParticleModel,
  params: Float64Array,
  data: ParticleData,
  h = 1e-6,
): Float64Array {
  const out = new Float64Array(params.length);
  for (let k = 0; k < params.length; k++) {
    const plus = new Float64Array(params), minus = new Float64Array(params);
    plus[k] += h;
    minus[k] -= h;
    out[k] = (model.lossAndGradient(plus, data).loss - model.lossAndGradient(minus, data).loss) /
      (2 * h);
  }
  return out;
}

/** tfjs's loss and gradient of the two-layer net (float32), laid out particle after particle. */
export function twoLayerByTfjs(
  params: Float64Array,
  data: ParticleData,
  o: { d: number; m: number; batchNorm: boolean; eps: number; c: number; tanh: boolean },
): { loss: number; gradient: Float64Array } {
  const { d, m } = o;
  let result: { loss: number; gradient: Float64Array } | undefined;
  tf.tidy(() => {
    const a0 = tf.tensor1d(Array.from({ length: m }, (_, j) => params[j * (d + 1)]));
    const w0 = tf.tensor2d(
      Array.from(
        { length: m },
        (_, j) => Array.from(params.slice(j * (d + 1) + 1, (j + 1) * (d + 1))),
      ),
    );
    const x = tf.tensor2d(data.x as number[][]);
    const y = tf.tensor1d(data.y as number[]);
    const lossOf = (a: tf.Tensor, w: tf.Tensor) => {
      let z = tf.matMul(x, w as tf.Tensor2D, false, true); // [n, m]
      if (o.batchNorm) {
        const { mean, variance } = tf.moments(z, 0);
        z = tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, o.eps)));
      }
      const act = o.tanh ? tf.tanh(z) : tf.relu(z);
      const f = tf.mul(tf.sum(tf.mul(act, a), 1), o.c);
      return tf.div(tf.mean(tf.square(tf.sub(f, y))), 2) as tf.Scalar;
    };
    const [ga, gw] = tf.grads(lossOf)([a0, w0]).map((g) => g.dataSync());
    const gradient = new Float64Array(m * (d + 1));
    for (let j = 0; j < m; j++) {
      gradient[j * (d + 1)] = ga[j];
      for (let k = 0; k < d; k++) gradient[j * (d + 1) + 1 + k] = gw[j * d + k];
    }
    result = { loss: lossOf(a0, w0).dataSync()[0], gradient };
  });
  return result!;
}

/** tfjs's loss and gradient of the mean-field ResNet (float32), laid out like its parameters. */
export function resnetByTfjs(
  params: Float64Array,
  data: ParticleData,
  o: { d: number; L: number; M: number; c: number; tanh: boolean },
): { loss: number; gradient: Float64Array } {
  const { d, L, M } = o, D = d + 2, p = 2 * D;
  let result: { loss: number; gradient: Float64Array } | undefined;
  tf.tidy(() => {
    const u0 = tf.tensor3d(
      Array.from(
        { length: L },
        (_, l) =>
          Array.from(
            { length: M },
            (_, j) => Array.from(params.slice((l * M + j) * p, (l * M + j) * p + D)),
          ),
      ),
    );
    const w0 = tf.tensor3d(
      Array.from(
        { length: L },
        (_, l) =>
          Array.from(
            { length: M },
            (_, j) => Array.from(params.slice((l * M + j) * p + D, (l * M + j + 1) * p)),
          ),
      ),
    );
    const n = data.x.length;
    const x0 = tf.tensor2d(data.x.map((r) => [...r, 1, 0]));
    const y = tf.tensor1d(data.y as number[]);
    const lossOf = (u: tf.Tensor, w: tf.Tensor) => {
      let x: tf.Tensor = x0;
      for (let l = 0; l < L; l++) {
        const ul = tf.reshape(tf.slice(u, [l, 0, 0], [1, M, D]), [M, D]);
        const wl = tf.reshape(tf.slice(w, [l, 0, 0], [1, M, D]), [M, D]);
        const h = tf.matMul(x as tf.Tensor2D, wl as tf.Tensor2D, false, true); // [n, M]
        const act = o.tanh ? tf.tanh(h) : tf.relu(h);
        x = tf.add(x, tf.mul(tf.matMul(act, ul as tf.Tensor2D), o.c));
      }
      const f = tf.reshape(tf.slice(x, [0, D - 1], [n, 1]), [n]);
      return tf.div(tf.mean(tf.square(tf.sub(f, y))), 2) as tf.Scalar;
    };
    const [gu, gw] = tf.grads(lossOf)([u0, w0]).map((g) => g.dataSync());
    const gradient = new Float64Array(L * M * p);
    for (let q = 0; q < L * M; q++) {
      for (let k = 0; k < D; k++) {
        gradient[q * p + k] = gu[q * D + k];
        gradient[q * p + D + k] = gw[q * D + k];
      }
    }
    result = { loss: lossOf(u0, w0).dataSync()[0], gradient };
  });
  return result!;
}
