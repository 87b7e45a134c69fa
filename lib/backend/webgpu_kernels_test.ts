/**
 * minima's WGSL kernels against the CPU backend, on the WebGPU adapter at hand (llvmpipe in CI):
 * the matrix product with every transpose, batched and broadcast batches, empty, 1 × 1 and
 * ragged shapes, each tile size, fused bias and activations; the column sum over leading axes;
 * and the int32 hand-off to tfjs's kernels. Shapes are few: a software
 * adapter compiles each new shader for seconds.
 *
 * @module
 */
import assert from "node:assert/strict";
import { currentBackend, ready, tf, useBackend } from "./mod.ts";
import { minimaMatMulRuns } from "./_webgpu_matmul.ts";
import { minimaColumnSumRuns } from "./_webgpu_reduce.ts";
import { Rng } from "../random/mod.ts";

// ready() probes the adapter (the backend chosen at a first tensor knows nothing of WebGPU).
const ignore = (await ready()).adapter === undefined;
const U = 2 ** -24; // float32 unit roundoff

interface Operand {
  values: Float32Array;
  shape: number[];
}

function operand(rng: Rng, shape: number[]): Operand {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return { values, shape };
}

type Op = (t: tf.Tensor[]) => tf.Tensor;

/** Runs op on a backend from host copies; returns the values, the shape and minima's runs. */
async function runOn(name: "webgpu" | "cpu", op: Op, inputs: Operand[]) {
  await useBackend(name, { quiet: true });
  const before = minimaMatMulRuns + minimaColumnSumRuns;
  const out = tf.tidy(() => op(inputs.map((x) => tf.tensor(x.values, x.shape))));
  const values = await out.data();
  const shape = out.shape;
  out.dispose();
  return { values, shape, runs: minimaMatMulRuns + minimaColumnSumRuns - before };
}

/**
 * op on WebGPU equals op on the CPU backend within the float32 error bound of a length-K dot
 * product, 2·K·u·Σ|aₖbₖ| (bounded here by 2·K·u·(|x| + K·max|a|·max|b|)); minima's kernel ran.
 */
async function check(op: Op, inputs: Operand[], k: number, expectRuns = 1): Promise<void> {
  const previous = currentBackend().name;
  try {
    const cpu = await runOn("cpu", op, inputs);
    const gpu = await runOn("webgpu", op, inputs);
    assert.deepEqual(gpu.shape, cpu.shape);
    assert.equal(gpu.runs, expectRuns, "minima's kernel ran");
    const maxIn = Math.max(
      1,
      ...inputs.map((x) => x.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0)),
    );
    for (let i = 0; i < cpu.values.length; i++) {
      const bound = 2 * (k + 2) * U * (Math.abs(cpu.values[i]) + k * maxIn * maxIn) + 1e-30;
      assert.ok(
        Math.abs(gpu.values[i] - cpu.values[i]) <= bound,
        `entry ${i}: ${gpu.values[i]} vs ${cpu.values[i]} (bound ${bound})`,
      );
    }
  } finally {
    await useBackend(previous, { quiet: true });
  }
}

const matMul = (ta: boolean, tb: boolean): Op => ([a, b]) => tf.matMul(a, b, ta, tb);

Deno.test({
  name: "webgpu matMul: every transpose on a ragged 37×53·53×29 product",
  ignore,
  fn: async () => {
    const rng = new Rng(1);
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const a = operand(rng, ta ? [53, 37] : [37, 53]);
      const b = operand(rng, tb ? [29, 53] : [53, 29]);
      await check(matMul(ta, tb), [a, b], 53);
    }
  },
});

Deno.test({
  name: "webgpu matMul: batched, broadcast batches, 1×1 and empty shapes",
  ignore,
  fn: async () => {
    const rng = new Rng(2);
    // Batched, and a batch of one broadcast against three (also across ranks).
    await check(matMul(false, false), [operand(rng, [3, 5, 7]), operand(rng, [3, 7, 4])], 7);
    await check(matMul(false, false), [operand(rng, [1, 5, 7]), operand(rng, [3, 7, 4])], 7);
    await check(matMul(false, false), [operand(rng, [5, 7]), operand(rng, [2, 3, 7, 4])], 7);
    await check(matMul(false, false), [operand(rng, [1, 1]), operand(rng, [1, 1])], 1);
    // Empty outputs dispatch nothing; an empty inner dimension gives zeros.
    await check(matMul(false, false), [operand(rng, [0, 5]), operand(rng, [5, 3])], 5);
    await check(matMul(false, false), [operand(rng, [4, 5]), operand(rng, [5, 0])], 5);
    await check(matMul(false, false), [operand(rng, [4, 0]), operand(rng, [0, 3])], 0);
  },
});

Deno.test({
  name: "webgpu matMul: the 64 and 128 tiles (chosen when the product is large enough)",
  ignore,
  fn: async () => {
    const rng = new Rng(3);
    // 32 batches of 70×70: 128 workgroups of 64²; of 130×130: 128 workgroups of 128².
    await check(matMul(false, false), [operand(rng, [32, 70, 9]), operand(rng, [32, 9, 70])], 9);
    await check(matMul(false, false), [operand(rng, [32, 130, 9]), operand(rng, [1, 9, 130])], 9);
  },
});

Deno.test({
  name: "webgpu fused matMul: bias and relu, sigmoid, leaky relu in the same pass",
  ignore,
  fn: async () => {
    const rng = new Rng(4);
    const a = operand(rng, [37, 53]);
    const bT = operand(rng, [29, 53]);
    const bias = operand(rng, [29]);
    for (const activation of ["relu", "sigmoid", "leakyrelu"] as const) {
      await check(
        ([x, w, c]) =>
          tf.fused.matMul({
            a: x,
            b: w,
            transposeB: true,
            bias: c,
            activation,
            leakyreluAlpha: 0.1,
          }),
        [a, bT, bias],
        53,
      );
    }
    // A single bias value, broadcast.
    await check(
      ([x, w, c]) => tf.fused.matMul({ a: x, b: w, transposeB: true, bias: c }),
      [a, bT, operand(rng, [1])],
      53,
    );
  },
});

Deno.test({
  name: "webgpu matMul: int32 goes to tfjs's kernel, with the same result",
  ignore,
  fn: async () => {
    const previous = currentBackend().name;
    await useBackend("webgpu", { quiet: true });
    try {
      const before = minimaMatMulRuns;
      const c = tf.tidy(() =>
        tf.matMul(
          tf.tensor2d([1, 2, 3, 4], [2, 2], "int32"),
          tf.tensor2d([5, 6, 7, 8], [2, 2], "int32"),
        )
      );
      assert.deepEqual(Array.from(await c.data()), [19, 22, 43, 50]);
      assert.equal(c.dtype, "int32");
      assert.equal(minimaMatMulRuns, before);
      c.dispose();
    } finally {
      await useBackend(previous, { quiet: true });
    }
  },
});

Deno.test({
  name: "webgpu sum over leading axes: one pass, against the CPU backend",
  ignore,
  fn: async () => {
    const rng = new Rng(5);
    // The bias gradient [n, w] → [w], several leading axes, keepDims, a ragged column count.
    await check(([x]) => tf.sum(x, 0), [operand(rng, [1000, 70])], 1000);
    await check(([x]) => tf.sum(x, [0, 1]), [operand(rng, [3, 5, 7, 2])], 15);
    await check(([x]) => tf.sum(x, 0, true), [operand(rng, [9, 1])], 9);
    // Innermost axes, all axes and a leading axis of one stay tfjs's.
    await check(([x]) => tf.sum(x, 1), [operand(rng, [9, 4])], 4, 0);
    await check(([x]) => tf.sum(x), [operand(rng, [9, 4])], 36, 0);
    await check(([x]) => tf.sum(x, 0), [operand(rng, [1, 4])], 1, 0);
  },
});

Deno.test({
  name: "webgpu kernels: a float32 tensor cast from int32 (its buffer still int32) goes to tfjs's",
  ignore,
  fn: async () => {
    // tfjs casts int32 → float32 without converting the buffer; read as f32 it gave zeros.
    const rng = new Rng(6);
    const identity = () =>
      tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], "int32"), 3), "float32");
    await check(([x]) => tf.matMul(x, identity()), [operand(rng, [4, 6])], 6, 0);
    await check(([x]) => tf.matMul(identity(), x, true, false), [operand(rng, [6, 5])], 6, 0);
    await check(() => tf.sum(identity(), 0), [operand(rng, [1])], 6, 0);
  },
});

Deno.test({
  name: "webgpu matMul: thin products (a side ≤ 4, K ≤ 64) with every transpose, batches and bias",
  ignore,
  fn: async () => {
    const rng = new Rng(8);
    // A Krylov combination [1, k]·[k, d], and its transposed forms.
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const a = operand(rng, ta ? [20, 2] : [2, 20]);
      const b = operand(rng, tb ? [1500, 20] : [20, 1500]);
      await check(matMul(ta, tb), [a, b], 20);
    }
    // Thin on the other side, a broadcast batch, and a fused bias with relu.
    await check(matMul(false, true), [operand(rng, [700, 30]), operand(rng, [3, 30])], 30);
    await check(matMul(false, false), [operand(rng, [3, 2, 5]), operand(rng, [1, 5, 300])], 5);
    await check(
      ([x, w, c]) => tf.fused.matMul({ a: x, b: w, bias: c, activation: "relu" }),
      [operand(rng, [1, 40]), operand(rng, [40, 200]), operand(rng, [200])],
      40,
    );
  },
});

Deno.test({
  name: "webgpu matMul: a tiny output over a long inner dimension goes to tfjs's split-K kernel",
  ignore,
  fn: async () => {
    const rng = new Rng(9);
    // Inner products of Krylov vectors, [k, d]·[d, b]: tfjs's kernel runs (0 runs of minima's).
    await check(matMul(false, true), [operand(rng, [6, 5000]), operand(rng, [2, 5000])], 5000, 0);
  },
});
