import type { Params } from "../nn/mod.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode neuronDirections}. */
export interface NeuronDirectionsOptions {
  /**
   * Two neurons belong to one cluster when the cosine of their input weights is at least this
   * (single linkage: chains of such pairs form one cluster).
   * @default {0.99}
   */
  threshold?: number;
  /**
   * Neurons whose share of the total mass Σₖ ‖wₖ‖·‖aₖ‖ is below this are left out of the clusters
   * (they still appear in `neurons`).
   * @default {0}
   */
  minShare?: number;
  /** A direction to measure every neuron's cosine with (e.g. the max-margin direction w*). */
  reference?: ArrayLike<number>;
}

/** One neuron of {@linkcode neuronDirections}. */
export interface NeuronRow {
  /** Its index k. */
  neuron: number;
  /** ‖wₖ‖, the norm of its input weights. */
  inputNorm: number;
  /** ‖aₖ‖, the norm of its output weights (|aₖ| for one output). */
  outputNorm: number;
  /** The sign of aₖ for a one-output net, else 0. */
  sign: number;
  /** ‖wₖ‖·‖aₖ‖ over the sum of it over all neurons. */
  share: number;
  /** The cosine of wₖ with the reference direction, or null without one. */
  cosine: number | null;
  /** The cluster it belongs to (0 = the heaviest), or null if left out by `minShare`. */
  cluster: number | null;
  /** Lets the row go into a table. */
  [key: string]: number | null;
}

/** A cluster of neurons pointing the same way. */
export interface NeuronCluster {
  /** The neurons in it. */
  size: number;
  /** Its share of the total mass. */
  share: number;
  /** The mass-weighted mean of its unit directions, normalized. */
  direction: Float64Array;
  /** The cosine of `direction` with the reference, or null without one. */
  cosine: number | null;
}

/** What {@linkcode neuronDirections} returns. */
export interface NeuronDirectionsResult {
  /** One row per neuron. */
  neurons: NeuronRow[];
  /** The clusters, heaviest first. */
  clusters: NeuronCluster[];
  /** The number of clusters. */
  count: number;
  /**
   * The mass-weighted mean of |cos(wₖ, reference)| over the clustered neurons, or null without a
   * reference: 1 when every neuron points along ±reference.
   */
  alignment: number | null;
}

/**
 * The directions of a two-layer network's neurons, f(x) = Σₖ aₖ σ(wₖ·x (+ bₖ)), and how they
 * cluster: small initialization makes neurons condense onto a few directions before they grow;
 * on symmetric separable data leaky ReLU neurons end aligned to ±w*. Reads the first weight
 * matrix W [d, m] (column k is wₖ) and the output weights, the next [m, k] tensor (`mlp`,
 * `homogeneousNet`, `twoLayerNet`, `leakyReluNet` layouts). Biases are ignored.
 *
 * Clusters are single-linkage: neurons i, j are joined when cos(wᵢ, wⱼ) ≥ `threshold`.
 *
 * @see Wang, Ma, "Understanding multi-phase optimization dynamics and rich nonlinear behaviors of
 * ReLU networks", NeurIPS 2023, arXiv 2305.12467.
 *
 * @example Three neurons, two pointing the same way
 * ```ts
 * import { neuronDirections, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const W = tf.tensor2d([[1, 2, 0], [0, 0, 1]]); // w₀ = (1, 0), w₁ = (2, 0), w₂ = (0, 1)
 * const a = tf.tensor2d([[1], [0.5], [-1]]);
 * const r = await neuronDirections([W, a], { reference: [1, 0] });
 * assert.equal(r.count, 2);
 * assert.deepEqual(r.clusters.map((c) => c.size), [2, 1]);
 * assert.deepEqual(r.neurons.map((n) => n.cosine), [1, 1, 0]);
 * tf.dispose([W, a]);
 * ```
 *
 * @param params The parameters of a two-layer net.
 * @param options The cluster threshold, the mass cut and a reference direction.
 * @returns Per-neuron rows, the clusters and their count.
 */
export async function neuronDirections(
  params: Params,
  options: NeuronDirectionsOptions = {},
): Promise<NeuronDirectionsResult> {
  checkCall("neuronDirections", arguments);
  const what = "Cannot measure the neuron directions";
  if (!Array.isArray(params) || params.length < 2 || params[0]?.rank !== 2) {
    throw new TypeError(
      `${what}: params must be a two-layer net's [W [d, m], ..., a [m, k], ...], current value has ${
        Array.isArray(params) ? params.length : "no"
      } tensors`,
    );
  }
  const [d, m] = params[0].shape as [number, number];
  const out = params.slice(1).find((p) => p.rank === 2 && p.shape[0] === m);
  if (!out) {
    throw new TypeError(
      `${what}: no output weight matrix of shape [${m}, k] follows W [${d}, ${m}]`,
    );
  }
  const k = out.shape[1] as number;
  const threshold = options.threshold ?? 0.99;
  if (!(threshold >= -1 && threshold <= 1)) {
    throw new RangeError(`${what}: threshold must be in [−1, 1], current value is ${threshold}`);
  }
  const minShare = options.minShare ?? 0;
  if (!(minShare >= 0 && minShare < 1)) {
    throw new RangeError(`${what}: minShare must be in [0, 1), current value is ${minShare}`);
  }
  let reference: Float64Array | null = null;
  if (options.reference !== undefined) {
    reference = Float64Array.from(options.reference);
    const norm = Math.sqrt(dot(reference, reference));
    if (reference.length !== d || !(norm > 0)) {
      throw new RangeError(
        `${what}: reference must be a non-zero vector of length ${d}, current length is ${reference.length}`,
      );
    }
    for (let i = 0; i < d; i++) reference[i] /= norm;
  }
  const W = await params[0].data();
  const A = await out.data();
  const units: Float64Array[] = [];
  const rows: NeuronRow[] = [];
  let totalMass = 0;
  const masses: number[] = [];
  for (let j = 0; j < m; j++) {
    const u = new Float64Array(d);
    for (let i = 0; i < d; i++) u[i] = W[i * m + j];
    const inputNorm = Math.sqrt(dot(u, u));
    if (inputNorm > 0) { for (let i = 0; i < d; i++) u[i] /= inputNorm; }
    let outSq = 0;
    for (let c = 0; c < k; c++) outSq += A[j * k + c] ** 2;
    const outputNorm = Math.sqrt(outSq);
    units.push(u);
    masses.push(inputNorm * outputNorm);
    totalMass += inputNorm * outputNorm;
    rows.push({
      neuron: j,
      inputNorm,
      outputNorm,
      sign: k === 1 ? Math.sign(A[j]) : 0,
      share: 0,
      cosine: reference ? dot(u, reference) : null,
      cluster: null,
    });
  }
  rows.forEach((r, j) => (r.share = totalMass > 0 ? masses[j] / totalMass : 1 / m));
  const kept = rows.filter((r) => r.share >= minShare && r.inputNorm > 0).map((r) => r.neuron);
  // Single linkage by union–find.
  const parent = new Map(kept.map((j) => [j, j]));
  const find = (j: number): number => {
    while (parent.get(j) !== j) j = parent.get(j)!;
    return j;
  };
  for (let x = 0; x < kept.length; x++) {
    for (let y = x + 1; y < kept.length; y++) {
      if (dot(units[kept[x]], units[kept[y]]) >= threshold) {
        const [rx, ry] = [find(kept[x]), find(kept[y])];
        if (rx !== ry) parent.set(Math.max(rx, ry), Math.min(rx, ry));
      }
    }
  }
  const groups = new Map<number, number[]>();
  for (const j of kept) {
    const root = find(j);
    groups.set(root, [...(groups.get(root) ?? []), j]);
  }
  const clusters = [...groups.values()].map((members) => {
    const direction = new Float64Array(d);
    let share = 0;
    for (const j of members) {
      share += rows[j].share;
      for (let i = 0; i < d; i++) direction[i] += rows[j].share * units[j][i];
    }
    const norm = Math.sqrt(dot(direction, direction));
    if (norm > 0) { for (let i = 0; i < d; i++) direction[i] /= norm; }
    return { members, size: members.length, share, direction };
  }).sort((p, q) => q.share - p.share || p.members[0] - q.members[0]);
  clusters.forEach((c, index) => c.members.forEach((j) => (rows[j].cluster = index)));
  let alignment: number | null = null;
  if (reference) {
    const keptShare = kept.reduce((s, j) => s + rows[j].share, 0);
    alignment = keptShare > 0
      ? kept.reduce((s, j) => s + rows[j].share * Math.abs(rows[j].cosine!), 0) / keptShare
      : null;
  }
  return {
    neurons: rows,
    clusters: clusters.map((c) => ({
      size: c.size,
      share: c.share,
      direction: c.direction,
      cosine: reference ? dot(c.direction, reference) : null,
    })),
    count: clusters.length,
    alignment,
  };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
