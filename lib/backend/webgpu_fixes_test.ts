/**
 * tfjs's WebGPU AddN and Transpose, as minima corrects them, against float64 sums and index
 * arithmetic (on the software adapter in CI).
 *
 * @module
 */
import assert from "node:assert/strict";
import { currentBackend, ready, tf, useBackend } from "./mod.ts";
import { ADD_N_GROUP } from "./_webgpu_fixes.ts";
import { Rng } from "../random/mod.ts";

const noAdapter = (await ready()).adapter === undefined;

async function onWebGPU(fn: () => Promise<void>): Promise<void> {
  const previous = currentBackend().name;
  await useBackend("webgpu", { quiet: true });
  try {
    await fn();
  } finally {
    await useBackend(previous, { quiet: true });
  }
}

Deno.test({
  name: "webgpu AddN sums every input (tfjs's shader summed the first 7), leaking no tensor",
  ignore: noAdapter,
  fn: () =>
    onWebGPU(async () => {
      const rng = new Rng(11);
      for (const k of [2, ADD_N_GROUP, ADD_N_GROUP + 1, 13, 20]) {
        const values = Array.from({ length: k }, () =>
          Float32Array.from({ length: 6 }, () => rng.normal()));
        const xs = values.map((v) =>
          tf.tensor1d(v)
        );
        const before = tf.memory().numTensors;
        const sum = tf.addN(xs);
        const got = await sum.data();
        assert.equal(tf.memory().numTensors, before + 1, `k = ${k}`);
        for (let j = 0; j < 6; j++) {
          const want = values.reduce((s, v) => s + v[j], 0);
          assert.ok(
            Math.abs(got[j] - want) < 1e-5 * k,
            `k = ${k}, entry ${j}: ${got[j]} vs ${want}`,
          );
        }
        tf.dispose([...xs, sum]);
      }
    }),
});

Deno.test({
  name: "webgpu transposes a matrix with a side over 16·65535 (tfjs's tiled transpose refused it)",
  ignore: noAdapter,
  fn: () =>
    onWebGPU(async () => {
      const rows = 1_048_577, cols = 3;
      const x = tf.tidy(() => tf.reshape(tf.range(0, rows * cols), [rows, cols]));
      const t = tf.transpose(x);
      assert.deepEqual(t.shape, [cols, rows]);
      const values = await t.data();
      // t[j][i] = x[i][j] = i·cols + j.
      for (const [j, i] of [[0, 0], [1, 0], [2, 5], [0, rows - 1], [2, rows - 1], [1, 700_001]]) {
        assert.equal(values[j * rows + i], i * cols + j, `t[${j}][${i}]`);
      }
      const back = tf.transpose(t);
      assert.deepEqual(back.shape, [rows, cols]);
      const again = await back.data();
      assert.equal(again[(rows - 1) * cols + 2], (rows - 1) * cols + 2);
      tf.dispose([x, t, back]);
    }),
});
