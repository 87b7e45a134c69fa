/**
 * Model outputs over a data set (or a subset), chunked, as float64 rows. Private to landscape/.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import type { Model, Params } from "../nn/mod.ts";
import type { Chunks } from "./_autodiff.ts";

/** f(θ; xᵢ) for every sample of the chunks, row-major [n, k], with params scaled by `scale`. */
export async function outputsOver(
  model: Model,
  params: Params,
  chunks: Chunks,
  scale = 1,
): Promise<Float64Array> {
  const k = model.outputDim;
  const out = new Float64Array(chunks.n * k);
  let offset = 0;
  const scaled = scale === 1 ? params : tf.tidy(() => params.map((p) => tf.mul(p, scale)));
  try {
    for (const chunk of chunks.chunks) {
      const f = tf.tidy(() => model.apply(scaled, chunk.x));
      out.set(await f.data() as Float32Array, offset);
      offset += chunk.n * k;
      f.dispose();
    }
  } finally {
    if (scale !== 1) tf.dispose(scaled);
  }
  return out;
}

/** ‖θ‖₂ over all tensors, in float64. */
export async function paramNorm(params: Params): Promise<number> {
  let s = 0;
  for (const p of params) {
    const v = await p.data() as Float32Array;
    for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  }
  return Math.sqrt(s);
}
