import assert from "node:assert/strict";
import { Rng } from "./rng.ts";
import { permutation, sampleWithoutReplacement } from "./permutation.ts";

Deno.test("permutation is a permutation and every position is uniform", () => {
  const rng = new Rng(0);
  const counts = Array.from({ length: 4 }, () => new Array(4).fill(0));
  const n = 40_000;
  for (let r = 0; r < n; r++) {
    const p = permutation(rng, 4);
    assert.deepEqual([...p].sort(), [0, 1, 2, 3]);
    p.forEach((v, i) => counts[i][v]++);
  }
  for (const row of counts) for (const c of row) assert.ok(Math.abs(c / n - 0.25) < 0.012, `${c}`);
});

Deno.test("sampleWithoutReplacement draws distinct indices with uniform inclusion", () => {
  const rng = new Rng(1);
  const hits = new Array(10).fill(0);
  const n = 20_000;
  for (let r = 0; r < n; r++) {
    const s = sampleWithoutReplacement(rng, 10, 3);
    assert.equal(new Set(s).size, 3);
    for (const i of s) hits[i]++;
  }
  // Each index is included with probability 3/10.
  for (const h of hits) assert.ok(Math.abs(h / n - 0.3) < 0.015, `${h}`);
  assert.throws(() => sampleWithoutReplacement(rng, 5, 6), /k must be an integer in \[0, n = 5\]/);
  assert.throws(() => permutation(rng, -1), /n must be a non-negative integer/);
});
