import assert from "node:assert/strict";
import { currentBackend, tf, useBackend } from "./mod.ts";
import { nativeBackendStatus, nativeKernelNames } from "./native_backend.ts";
import { BLOCK_BYTES } from "./_native_conv.ts";
import { pool } from "./_native_pool.ts";
import { Rng } from "../random/mod.ts";
import { assertAllClose } from "../_test_util.ts";

const status = nativeBackendStatus();
// As in native_backend_test.ts: skipped without a BLAS, except where the suite requires one.
const ignore = !status.available && Deno.env.get("MINIMA_REQUIRE_NATIVE") !== "1";

/** Seeded N(0, 1) values; with `special`, some NaN, ±Infinity and ±0 mixed in. */
function values(n: number, seed: number, special = false): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n);
  const specials = [NaN, Infinity, -Infinity, 0, -0];
  for (let i = 0; i < n; i++) {
    out[i] = special && rng.uniform() < 0.15
      ? specials[rng.integer(specials.length)]
      : rng.normal();
  }
  return out;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs `fn` on a backend and downloads its results; the previous backend is restored. */
async function on(
  backend: "native" | "cpu",
  fn: () => tf.Tensor[],
): Promise<{ values: number[]; shape: number[] }[]> {
  const previous = currentBackend().name;
  await useBackend(backend, { quiet: true });
  try {
    const ts = tf.tidy(fn);
    const out = [];
    // Plain arrays: deepEqual then compares values (NaN equals NaN), not the bytes of NaNs,
    // whose sign and payload depend on which V8 tier ran the arithmetic.
    for (const t of ts) out.push({ values: Array.from(await t.data()), shape: t.shape });
    tf.dispose(ts);
    return out;
  } finally {
    await useBackend(previous, { quiet: true });
  }
}

type Pad = "same" | "valid" | number | tf.backend_util.ExplicitPadding;

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dilations?: [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
  dataFormat?: "NHWC" | "NCHW";
}

/** The three kernels of a case, run directly (dy is seeded, shaped like the output). */
function convKernels(c: ConvCase, seed: number): tf.Tensor[] {
  const x = tf.tensor4d(values(sizeOf(c.x), seed), c.x);
  const filter = tf.tensor4d(values(sizeOf(c.filter), seed + 1), c.filter);
  const attrs = {
    strides: c.strides,
    pad: c.pad,
    dataFormat: c.dataFormat ?? "NHWC",
    dilations: c.dilations ?? [1, 1],
    dimRoundingMode: c.dimRoundingMode,
  };
  const y = tf.engine().runKernel("Conv2D", { x, filter }, attrs as unknown as tf.NamedAttrMap);
  const out = [y as tf.Tensor];
  const plain = (c.dilations ?? [1, 1]).every((d) => d === 1);
  if (plain) {
    // tfjs's backprop kernels have no dilation attribute.
    const dy = tf.tensor(values(sizeOf((y as tf.Tensor).shape), seed + 2), (y as tf.Tensor).shape);
    out.push(
      tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, {
        ...attrs,
        inputShape: c.x,
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
      tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
        ...attrs,
        filterShape: c.filter,
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
    );
  }
  return out;
}

/** Asserts native and CPU agree within float32 summation error (scaled by the output's size). */
async function assertConvLikeCpu(c: ConvCase, seed: number, what: string): Promise<void> {
  const native = await on("native", () => convKernels(c, seed));
  const cpu = await on("cpu", () => convKernels(c, seed));
  const names = ["Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"];
  assert.equal(native.length, cpu.length);
  for (let i = 0; i < cpu.length; i++) {
    const label = `${what}: ${names[i]}`;
    assert.deepEqual(native[i].shape, cpu[i].shape, `${label} shape`);
    let scale = 0;
    for (const v of cpu[i].values) scale = Math.max(scale, Math.abs(v));
    assertAllClose(
      native[i].values,
      cpu[i].values,
      { rtol: 1e-5, atol: 1e-6 * (1 + scale) },
      label,
    );
  }
}

const CASES: [string, ConvCase][] = [
  ["3×3 same", { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: "same" }],
  ["3×3 valid", { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: "valid" }],
  ["3×3 pad 1 (number)", { x: [3, 5, 5, 2], filter: [3, 3, 2, 3], strides: [1, 1], pad: 1 }],
  ["explicit uneven padding", {
    x: [2, 6, 5, 2],
    filter: [3, 2, 2, 3],
    strides: [1, 1],
    pad: [[0, 0], [2, 0], [1, 3], [0, 0]],
  }],
  ["padding wider than the filter", {
    x: [1, 3, 4, 2],
    filter: [2, 2, 2, 2],
    strides: [1, 1],
    pad: [[0, 0], [3, 2], [2, 4], [0, 0]],
  }],
  ["1×1", { x: [3, 4, 5, 6], filter: [1, 1, 6, 4], strides: [1, 1], pad: "valid" }],
  ["1×1 stride 2", { x: [3, 8, 7, 4], filter: [1, 1, 4, 5], strides: [2, 2], pad: "valid" }],
  ["3×3 stride 2 same", { x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: "same" }],
  ["3×3 stride 2 pad 1", { x: [2, 8, 8, 3], filter: [3, 3, 3, 2], strides: [2, 2], pad: 1 }],
  ["stride [2, 3] valid", {
    x: [2, 9, 10, 2],
    filter: [2, 3, 2, 3],
    strides: [2, 3],
    pad: "valid",
  }],
  ["stride 3 explicit", {
    x: [2, 10, 9, 2],
    filter: [3, 3, 2, 2],
    strides: [3, 3],
    pad: [[0, 0], [1, 2], [0, 1], [0, 0]],
  }],
  ["stride 2, ceil rounding", {
    x: [2, 7, 7, 2],
    filter: [2, 2, 2, 3],
    strides: [2, 2],
    pad: 0,
    dimRoundingMode: "ceil",
  }],
  ["dilation 2 same", {
    x: [2, 8, 7, 2],
    filter: [3, 3, 2, 3],
    strides: [1, 1],
    pad: "same",
    dilations: [2, 2],
  }],
  ["dilation [2, 1] valid", {
    x: [2, 8, 7, 2],
    filter: [3, 2, 2, 3],
    strides: [1, 1],
    pad: "valid",
    dilations: [2, 1],
  }],
  ["batch 1", { x: [1, 6, 6, 3], filter: [3, 3, 3, 2], strides: [1, 1], pad: "same" }],
  ["one channel in and out", { x: [3, 6, 5, 1], filter: [3, 3, 1, 1], strides: [1, 1], pad: 1 }],
  ["a 1×1 image", { x: [4, 1, 1, 3], filter: [1, 1, 3, 2], strides: [1, 1], pad: "same" }],
  ["empty batch", { x: [0, 5, 5, 2], filter: [3, 3, 2, 3], strides: [1, 1], pad: "same" }],
  ["empty batch, stride 2", { x: [0, 6, 6, 2], filter: [3, 3, 2, 3], strides: [2, 2], pad: 1 }],
];

Deno.test({
  name: "native conv: Conv2D and both gradients match the CPU backend on every geometry",
  ignore,
  async fn() {
    for (const [i, [what, c]] of CASES.entries()) await assertConvLikeCpu(c, 100 + 10 * i, what);
  },
});

Deno.test({
  name: "native conv: blocks of one image and of the whole batch give the same results",
  ignore,
  async fn() {
    const saved = BLOCK_BYTES.value;
    try {
      for (const bytes of [1, 1 << 30]) {
        BLOCK_BYTES.value = bytes;
        for (const [i, [what, c]] of CASES.entries()) {
          await assertConvLikeCpu(c, 100 + 10 * i, `${what}, block ${bytes} B`);
        }
      }
    } finally {
      BLOCK_BYTES.value = saved;
    }
  },
});

Deno.test({
  name: "native conv: seeded random geometries match the CPU backend",
  ignore,
  async fn() {
    const rng = new Rng(7);
    let ran = 0;
    while (ran < 40) {
      const n = rng.integer(4), h = 1 + rng.integer(8), w = 1 + rng.integer(8);
      const kh = 1 + rng.integer(3), kw = 1 + rng.integer(3);
      const dilated = rng.uniform() < 0.3;
      const dilations: [number, number] = dilated
        ? [1 + rng.integer(2), 1 + rng.integer(2)]
        : [1, 1];
      const strides: [number, number] = dilated ? [1, 1] : [1 + rng.integer(3), 1 + rng.integer(3)];
      const pads: Pad[] = ["same", "valid", rng.integer(3), [[0, 0], [
        rng.integer(3),
        rng.integer(3),
      ], [
        rng.integer(3),
        rng.integer(3),
      ], [0, 0]]];
      const pad = pads[rng.integer(pads.length)];
      const c: ConvCase = {
        x: [n, h, w, 1 + rng.integer(4)],
        filter: [kh, kw, 0, 1 + rng.integer(4)],
        strides,
        pad,
        dilations,
      };
      c.filter[2] = c.x[3];
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, strides, dilations, pad);
      if (info.outHeight < 1 || info.outWidth < 1) continue;
      await assertConvLikeCpu(c, 500 + ran, `random case ${JSON.stringify(c)}`);
      ran++;
    }
  },
});

Deno.test({
  name: "native conv: NCHW inputs go to the CPU kernel",
  ignore,
  async fn() {
    assert.ok(nativeKernelNames().includes("Conv2D"));
    const c: ConvCase = {
      x: [2, 3, 5, 5],
      filter: [3, 3, 3, 2],
      strides: [1, 1],
      pad: "same",
      dataFormat: "NCHW",
    };
    // The CPU backend's forward kernel supports NCHW; its result is the reference.
    const fwd = () => {
      const x = tf.tensor4d(values(sizeOf(c.x), 1), c.x);
      const filter = tf.tensor4d(values(sizeOf(c.filter), 2), c.filter);
      return [tf.conv2d(x, filter, 1, "same", "NCHW")];
    };
    const native = await on("native", fwd);
    const cpu = await on("cpu", fwd);
    assert.deepEqual(native[0].values, cpu[0].values);
  },
});

Deno.test({
  name: "native conv: Slice and PadV2 equal the CPU backend bit for bit, special values included",
  ignore,
  async fn() {
    const rng = new Rng(11);
    for (let t = 0; t < 40; t++) {
      const rank = 1 + rng.integer(6);
      const shape = Array.from({ length: rank }, () => 1 + rng.integer(4));
      if (t === 0) shape[0] = 0; // empty
      const begin = shape.map((d) => (d === 0 ? 0 : rng.integer(d)));
      const size = shape.map((d, i) => (d === 0 ? 0 : 1 + rng.integer(d - begin[i])));
      const paddings = shape.map(() => [rng.integer(3), rng.integer(3)] as [number, number]);
      const constant = t % 3 === 0 ? -1.5 : 0;
      const run = () => {
        const x = tf.tensor(values(sizeOf(shape), 900 + t, true), shape);
        return [tf.slice(x, begin, size), tf.pad(x, paddings, constant)];
      };
      const native = await on("native", run);
      const cpu = await on("cpu", run);
      for (let i = 0; i < 2; i++) {
        assert.deepEqual(native[i].shape, cpu[i].shape);
        assert.deepEqual(native[i].values, cpu[i].values, `case ${t} ${shape} ${i}`);
      }
    }
  },
});

Deno.test({
  name: "native conv: per-channel broadcasts equal the CPU backend bit for bit",
  ignore,
  async fn() {
    const shapes: [number[], number[]][] = [
      [[4, 5, 6, 16], [16]],
      [[16], [4, 5, 6, 16]],
      [[1, 3, 4, 4, 8], [1, 1, 1, 1, 8]],
      [[1, 1, 1, 1, 8], [1, 3, 4, 4, 8]],
      [[3, 4, 5, 7], [3, 1, 1, 7]],
      [[3, 1, 1, 7], [3, 4, 5, 7]],
      [[2, 3, 3], [1, 3]],
      [[600, 3], [3]], // several tiles
      [[5, 200], [200]], // a long inner dimension: the general kernels
      [[6, 4], [6, 1]], // one value per row (the gradient of a sum over the last axis)
      [[6, 1], [6, 4]],
      [[2, 3, 4, 5], [2, 3, 4, 1]],
      [[3, 4, 5], [3, 1, 5]], // a middle broadcast: the general kernels
    ];
    const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
      ["add", tf.add],
      ["sub", tf.sub],
      ["mul", tf.mul],
      ["div", tf.div],
      ["maximum", tf.maximum],
      ["minimum", tf.minimum],
      ["squaredDifference", tf.squaredDifference],
    ];
    for (const [i, [as, bs]] of shapes.entries()) {
      const run = () => {
        const a = tf.tensor(values(sizeOf(as), 40 + i, true), as);
        const b = tf.tensor(values(sizeOf(bs), 60 + i, true), bs);
        return ops.map(([, f]) => f(a, b));
      };
      const native = await on("native", run);
      const cpu = await on("cpu", run);
      for (let k = 0; k < ops.length; k++) {
        assert.deepEqual(native[k].shape, cpu[k].shape);
        assert.deepEqual(native[k].values, cpu[k].values, `${ops[k][0]} ${as} ${bs}`);
      }
    }
  },
});

Deno.test({
  name: "native conv: sums and means over middle axes match the CPU backend",
  ignore,
  async fn() {
    const cases: [number[], number[], boolean][] = [
      [[4, 5, 6, 8], [1, 2], false], // global average pool
      [[4, 5, 6, 8], [1, 2], true],
      [[3, 4, 5, 6, 2], [1, 2, 3], true], // batch-norm statistics with ghost batches
      [[3, 1, 5, 2], [1, 2], false], // a size-1 axis in the block
      [[2, 3, 4], [1], false],
      [[2, 3, 4], [0, 1], false], // leading: the general kernels
      [[2, 3, 4], [2], false], // trailing: the general kernels
      [[2, 3, 4, 5], [1, 3], false], // not one block: the general kernels
    ];
    for (const [i, [shape, axes, keep]] of cases.entries()) {
      const run = () => {
        const x = tf.tensor(values(sizeOf(shape), 70 + i), shape);
        return [tf.sum(x, axes, keep), tf.mean(x, axes, keep)];
      };
      const native = await on("native", run);
      const cpu = await on("cpu", run);
      for (let k = 0; k < 2; k++) {
        assert.deepEqual(native[k].shape, cpu[k].shape);
        assertAllClose(native[k].values, cpu[k].values, { rtol: 1e-6, atol: 1e-6 }, `${shape}`);
      }
    }
  },
});

Deno.test({
  name: "native conv: a conv step leaks no tensors and pooled outputs are never overwritten",
  ignore,
  async fn() {
    const previous = currentBackend().name;
    await useBackend("native", { quiet: true });
    try {
      const x = tf.tensor4d(values(4 * 8 * 8 * 3, 1), [4, 8, 8, 3]);
      const w1 = tf.variable(tf.tensor4d(values(3 * 3 * 3 * 8, 2), [3, 3, 3, 8]));
      const w2 = tf.variable(tf.tensor4d(values(3 * 3 * 8 * 4, 3), [3, 3, 8, 4]));
      const loss = () =>
        tf.tidy(() => {
          const h = tf.relu(tf.conv2d(x, w1, 1, "same"));
          const y = tf.conv2d(h, w2, 2, "same");
          return tf.mean(
            tf.square(tf.pad(tf.slice(y, [0, 1, 0, 0], [4, 3, 4, 4]), [[0, 0], [1, 0], [
              0,
              0,
            ], [0, 0]])),
          ) as tf.Scalar;
        });
      const step = () =>
        tf.tidy(() => {
          const { grads } = tf.variableGrads(loss);
          w1.assign(tf.sub(w1, tf.mul(grads[w1.name], 0.01)));
          w2.assign(tf.sub(w2, tf.mul(grads[w2.name], 0.01)));
        });
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 4; i++) step();
      assert.equal(tf.memory().numTensors, before);

      // A convolution's output, downloaded and sliced, survives later convolutions of its size.
      const y = tf.conv2d(x, w1, 1, "same");
      const downloaded = y.dataSync();
      const copy = Float32Array.from(downloaded);
      const view = tf.slice(y, [1, 0, 0, 0], [2, 8, 8, 8]);
      const viewBefore = Float32Array.from(view.dataSync());
      y.dispose();
      const reused = pool.stats.reused;
      for (let i = 0; i < 4; i++) {
        tf.tidy(() => tf.conv2d(tf.mul(x, i + 2) as tf.Tensor4D, w1, 1, "same"));
      }
      assert.ok(pool.stats.reused > reused, "the pool reused arrays");
      assert.deepEqual(downloaded, copy);
      assert.deepEqual(view.dataSync(), viewBefore);
      tf.dispose([view, x, w1, w2]);
    } finally {
      await useBackend(previous, { quiet: true });
    }
  },
});

Deno.test({
  name: "native conv: argMax, argMin, oneHot and constant fills equal the CPU backend",
  ignore,
  async fn() {
    const run = () => {
      const x = tf.tensor(values(5 * 6 * 4, 31, true), [5, 6, 4]);
      // Ties: the first index wins on both backends.
      const ties = tf.tensor2d([[1, 3, 3, 0], [2, 2, 2, 2], [-1, -1, 0, 0]]);
      const idx = tf.argMax(x, 2);
      return [
        tf.cast(idx, "float32"),
        tf.cast(tf.argMin(x, -1), "float32"),
        tf.cast(tf.argMax(ties, 1), "float32"),
        tf.cast(tf.argMin(ties, 1), "float32"),
        tf.cast(tf.argMax(x, 1), "float32"), // not the last axis: the CPU kernel
        tf.oneHot(idx, 4),
        tf.oneHot(tf.tensor1d([0, 3, -1, 7, 2], "int32"), 5, 2, -1),
        tf.fill([300, 3], 0.25),
        tf.zerosLike(x),
        tf.onesLike(x),
      ];
    };
    const native = await on("native", run);
    const cpu = await on("cpu", run);
    assert.equal(native.length, cpu.length);
    for (let i = 0; i < cpu.length; i++) {
      assert.deepEqual(native[i].shape, cpu[i].shape, `output ${i}`);
      assert.deepEqual(native[i].values, cpu[i].values, `output ${i}`);
    }
  },
});

Deno.test({
  name: "native conv: depthwise convolutions and their input gradient match the CPU backend",
  ignore,
  async fn() {
    const cases: [string, number[], number[], [number, number], Pad, [number, number]][] = [
      ["multiplier 3, same", [2, 6, 5, 4], [3, 3, 4, 3], [1, 1], "same", [1, 1]],
      ["multiplier 1, valid", [3, 5, 6, 2], [2, 3, 2, 1], [1, 1], "valid", [1, 1]],
      ["stride 2, explicit", [2, 7, 7, 3], [3, 3, 3, 2], [2, 2], [[0, 0], [1, 0], [0, 2], [
        0,
        0,
      ]], [1, 1]],
      ["dilation 2", [2, 8, 7, 2], [3, 2, 2, 2], [1, 1], "same", [2, 2]],
      ["a filter as large as the image", [3, 6, 6, 4], [6, 6, 4, 2], [1, 1], "valid", [1, 1]],
    ];
    for (const [i, [what, xs, fs, strides, pad, dilations]] of cases.entries()) {
      const run = () => {
        const x = tf.tensor4d(values(sizeOf(xs), 300 + i), xs as [number, number, number, number]);
        const f = tf.tensor4d(values(sizeOf(fs), 320 + i), fs as [number, number, number, number]);
        const y = tf.depthwiseConv2d(x, f, strides, pad, "NHWC", dilations);
        const out = [y as tf.Tensor];
        if (dilations[0] === 1 && dilations[1] === 1) {
          const dy = tf.tensor(values(y.size, 340 + i), y.shape);
          out.push(
            tf.engine().runKernel("DepthwiseConv2dNativeBackpropInput", { dy, filter: f }, {
              strides,
              pad,
              dilations,
              inputShape: xs,
            } as unknown as tf.NamedAttrMap) as tf.Tensor,
          );
        }
        return out;
      };
      const native = await on("native", run);
      const cpu = await on("cpu", run);
      for (let k = 0; k < cpu.length; k++) {
        assert.deepEqual(native[k].shape, cpu[k].shape, what);
        assertAllClose(native[k].values, cpu[k].values, { rtol: 1e-5, atol: 1e-5 }, `${what} ${k}`);
      }
    }
  },
});
