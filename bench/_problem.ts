/**
 * The problems the benchmarks hand to their Python references: float32 inputs, integer labels,
 * weights and a vector v, made from a seed and written as one flat float32 file that the
 * reference reads back in the same order.
 *
 * @module
 */
import { Rng } from "../lib/random/mod.ts";

/** Inputs, labels, weights and a vector v, all float32. */
export interface ReferenceProblem {
  x: Float32Array;
  labels: Int32Array;
  params: { shape: number[]; values: Float32Array }[];
  v: Float32Array;
}

/**
 * An MLP problem: inputs in [0, 1), labels among the last width's classes, weights uniform in
 * ±1/√fan-in (as `mlp` initializes) and a standard normal v, drawn from one seeded stream.
 *
 * @param sizes The widths, input first.
 * @param n The sample count.
 * @param seed The seed.
 * @returns The problem.
 */
export function makeMlpProblem(sizes: number[], n: number, seed: number): ReferenceProblem {
  const rng = new Rng(seed);
  const x = new Float32Array(n * sizes[0]);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = rng.integer(sizes.at(-1)!);
  const params = [];
  let dim = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const bound = 1 / Math.sqrt(sizes[l]);
    for (const shape of [[sizes[l], sizes[l + 1]], [sizes[l + 1]]]) {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < values.length; i++) values[i] = bound * (2 * rng.uniform() - 1);
      params.push({ shape, values });
      dim += values.length;
    }
  }
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = rng.normal();
  return { x, labels, params, v };
}

/**
 * Writes the problem as the references read it: x, labels, parameters and (with `withV`) v,
 * concatenated as float32.
 *
 * @param path The file.
 * @param p The problem.
 * @param withV Whether v is written too.
 */
export async function writeReferenceProblem(
  path: string,
  p: ReferenceProblem,
  withV: boolean,
): Promise<void> {
  const parts = [p.x, Float32Array.from(p.labels), ...p.params.map((q) => q.values)];
  if (withV) parts.push(p.v);
  const all = new Float32Array(parts.reduce((s, a) => s + a.length, 0));
  let off = 0;
  for (const a of parts) {
    all.set(a, off);
    off += a.length;
  }
  await Deno.writeFile(path, new Uint8Array(all.buffer));
}
