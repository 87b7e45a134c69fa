import assert from "node:assert/strict";
import { tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { neuronDirections } from "./neuron_directions.ts";
import { assertClose } from "../_test_util.ts";

/** W [d, m] (columns = neurons) and a [m, 1] from per-neuron vectors. */
function net(ws: number[][], as: number[]) {
  const d = ws[0].length, m = ws.length;
  const W = tf.tensor2d(Array.from({ length: d }, (_, i) => ws.map((w) => w[i])), [d, m]);
  return [W, tf.tensor2d(as.map((a) => [a]), [m, 1])];
}

/** Connected components of the graph cos ≥ t, by breadth-first search (a second algorithm). */
function components(ws: number[][], t: number): number[][] {
  const unit = ws.map((w) => {
    const n = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    return w.map((v) => v / n);
  });
  const seen = new Array(ws.length).fill(false), out: number[][] = [];
  for (let s = 0; s < ws.length; s++) {
    if (seen[s]) continue;
    const comp = [s], queue = [s];
    seen[s] = true;
    while (queue.length) {
      const i = queue.shift()!;
      for (let j = 0; j < ws.length; j++) {
        if (!seen[j] && unit[i].reduce((acc, v, q) => acc + v * unit[j][q], 0) >= t) {
          seen[j] = true;
          comp.push(j);
          queue.push(j);
        }
      }
    }
    out.push(comp.sort((a, b) => a - b));
  }
  return out;
}

Deno.test("neuronDirections: neurons scattered around three centres form three clusters with their mass shares", async () => {
  const rng = new Rng(1), d = 10;
  const centres = [0, 1, 2].map(() => Array.from({ length: d }, () => rng.normal()));
  const ws: number[][] = [], as: number[] = [];
  const sizes = [6, 4, 2];
  centres.forEach((c, k) => {
    for (let j = 0; j < sizes[k]; j++) {
      ws.push(c.map((v) => (1 + k) * (v + 0.005 * rng.normal())));
      as.push(k === 1 ? -1 : 1);
    }
  });
  const params = net(ws, as);
  const r = await neuronDirections(params, { reference: centres[0] });
  assert.equal(r.count, 3);
  // Mass ‖w‖·|a| grows with the centre's scale (1 + k).
  const norms = centres.map((c) => Math.sqrt(c.reduce((s, v) => s + v * v, 0)));
  const mass = sizes.map((s, k) => s * (1 + k) * norms[k]);
  const total = mass.reduce((s, v) => s + v, 0);
  const want = mass.map((v) => v / total).sort((a, b) => b - a);
  r.clusters.forEach((c, i) => assertClose(c.share, want[i], { rtol: 0.01 }, `share ${i}`));
  // Cosines with centre 0: 1 for its neurons, the centres' cosine for the others.
  const cos01 = centres[0].reduce((s, v, i) => s + v * centres[1][i], 0) / (norms[0] * norms[1]);
  assertClose(r.neurons[0].cosine!, 1, { atol: 1e-3 });
  assertClose(r.neurons[6].cosine!, cos01, { atol: 5e-3 });
  assert.deepEqual(r.neurons.slice(6, 10).map((n) => n.sign), [-1, -1, -1, -1]);
  tf.dispose(params);
});

Deno.test("neuronDirections: single-linkage clusters equal the connected components of cos ≥ threshold", async () => {
  const rng = new Rng(4);
  for (const [d, m, t] of [[3, 30, 0.9], [2, 25, 0.99], [5, 20, 0.5]]) {
    const ws = Array.from({ length: m }, () => Array.from({ length: d }, () => rng.normal()));
    const params = net(ws, ws.map(() => 1));
    const r = await neuronDirections(params, { threshold: t });
    const want = components(ws, t);
    assert.equal(r.count, want.length);
    const got = new Map<number, number[]>();
    r.neurons.forEach((n) => got.set(n.cluster!, [...(got.get(n.cluster!) ?? []), n.neuron]));
    const key = (cs: number[][]) => cs.map((c) => c.join(",")).sort().join("|");
    assert.equal(key([...got.values()]), key(want));
    tf.dispose(params);
  }
});

Deno.test("neuronDirections: minShare leaves light neurons out; alignment is the mass-weighted mean |cos|", async () => {
  const ws = [[1, 0], [-2, 0.0001], [0, 1e-4], [0.6, 0.8]];
  const as = [1, 1, 1e-3, 1];
  const params = net(ws, as);
  const r = await neuronDirections(params, { minShare: 0.01, reference: [1, 0] });
  assert.equal(r.neurons[2].cluster, null);
  assert.equal(r.count, 3);
  const m = [1, 2, 1];
  const cos = [1, 1, 0.6];
  assertClose(r.alignment!, (m[0] * cos[0] + m[1] * cos[1] + m[2] * cos[2]) / 4, { rtol: 1e-6 });
  tf.dispose(params);
});

Deno.test("neuronDirections: biases are skipped and several outputs count by their norm", async () => {
  const W = tf.tensor2d([[1, 0], [0, 2]]), b = tf.tensor1d([5, 5]);
  const a = tf.tensor2d([[3, 4], [0, 1]]), c = tf.tensor1d([0, 0]);
  const r = await neuronDirections([W, b, a, c]);
  assert.deepEqual(r.neurons.map((n) => n.outputNorm), [5, 1]);
  assert.deepEqual(r.neurons.map((n) => n.sign), [0, 0]);
  assertClose(r.neurons[0].share, 5 / 7);
  tf.dispose([W, b, a, c]);
});

Deno.test("neuronDirections: invalid arguments throw with exact messages", async () => {
  const W = tf.tensor2d([[1, 0]]), a = tf.tensor2d([[1], [1]]), bad = tf.tensor2d([[1, 2, 3]]);
  await assert.rejects(() => neuronDirections([W]), {
    name: "TypeError",
    message:
      "Cannot measure the neuron directions: params must be a two-layer net's [W [d, m], ..., a [m, k], ...], current value has 1 tensors",
  });
  await assert.rejects(() => neuronDirections([W, bad]), {
    name: "TypeError",
    message:
      "Cannot measure the neuron directions: no output weight matrix of shape [2, k] follows W [1, 2]",
  });
  await assert.rejects(() => neuronDirections([W, a], { threshold: 2 }), {
    name: "RangeError",
    message:
      "Cannot measure the neuron directions: threshold must be in [−1, 1], current value is 2",
  });
  await assert.rejects(() => neuronDirections([W, a], { minShare: 1 }), {
    name: "RangeError",
    message: "Cannot measure the neuron directions: minShare must be in [0, 1), current value is 1",
  });
  await assert.rejects(() => neuronDirections([W, a], { reference: [1, 0] }), {
    name: "RangeError",
    message:
      "Cannot measure the neuron directions: reference must be a non-zero vector of length 1, current length is 2",
  });
  tf.dispose([W, a, bad]);
});
