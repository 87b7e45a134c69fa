import assert from "node:assert/strict";
import { currentBackend, tf, useBackend } from "./mod.ts";
import { nativeBackendStatus, nativeKernelNames, setNativeThreads } from "./native_backend.ts";
import { openBlas } from "./_blas.ts";
import { pool } from "./_native_pool.ts";
import { simplifyPermutation } from "./_native_transpose.ts";
import { Rng } from "../random/mod.ts";
import { assertAllClose, TOL } from "../_test_util.ts";

const status = nativeBackendStatus();
// Where no BLAS can be opened these tests cannot run; `deno task test` installs OpenBLAS and sets
// MINIMA_REQUIRE_NATIVE=1, so there a missing BLAS fails the run instead of skipping it.
const ignore = !status.available && Deno.env.get("MINIMA_REQUIRE_NATIVE") !== "1";

/** Random float32 values; with `special`, some NaN, ±Infinity, ±0 and exact integers mixed in. */
function values(n: number, seed: number, special = false): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n);
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2];
  for (let i = 0; i < n; i++) {
    out[i] = special && rng.uniform() < 0.2 ? specials[rng.integer(specials.length)] : rng.normal();
  }
  return out;
}

interface Result {
  values: number[];
  shape: number[];
  dtype: string;
}

/** Runs `fn` on a backend and downloads its result; the previous backend is restored. */
async function on(backend: "native" | "cpu", fn: () => tf.Tensor): Promise<Result> {
  const previous = currentBackend().name;
  await useBackend(backend, { quiet: true });
  try {
    const t = tf.tidy(fn);
    const result = { values: Array.from(await t.data()), shape: t.shape, dtype: t.dtype };
    t.dispose();
    return result;
  } finally {
    await useBackend(previous, { quiet: true });
  }
}

/** Asserts native and CPU give identical values (NaN, ±0 included), shapes and dtypes. */
async function assertSameAsCpu(fn: () => tf.Tensor, what: string): Promise<void> {
  const native = await on("native", fn);
  const cpu = await on("cpu", fn);
  assert.deepEqual(native.shape, cpu.shape, `${what}: shape`);
  assert.equal(native.dtype, cpu.dtype, `${what}: dtype`);
  assert.deepEqual(native.values, cpu.values, `${what}: values`);
}

/** Asserts native and CPU agree within float32 tolerance. */
async function assertCloseToCpu(
  fn: () => tf.Tensor,
  what: string,
  rtol: number = TOL.float32,
): Promise<void> {
  const native = await on("native", fn);
  const cpu = await on("cpu", fn);
  assert.deepEqual(native.shape, cpu.shape, `${what}: shape`);
  assertAllClose(native.values, cpu.values, { rtol, atol: rtol }, what);
}

/** Float64 batched matmul with NumPy broadcasting of the batch dimensions. */
function matMulReference(
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  transA: boolean,
  transB: boolean,
): { values: Float64Array; bound: Float64Array; shape: number[] } {
  const ar = aShape.length;
  const br = bShape.length;
  const m = transA ? aShape[ar - 1] : aShape[ar - 2];
  const k = transA ? aShape[ar - 2] : aShape[ar - 1];
  const n = transB ? bShape[br - 2] : bShape[br - 1];
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const pad = (s: number[]) => [...new Array(rank - s.length).fill(1), ...s];
  const pa = pad(batchA);
  const pb = pad(batchB);
  const batchOut = pa.map((d, i) => Math.max(d, pb[i]));
  const total = batchOut.reduce((x, y) => x * y, 1);
  const out = new Float64Array(total * m * n);
  const bound = new Float64Array(total * m * n);
  for (let t = 0; t < total; t++) {
    let rest = t;
    let ia = 0;
    let ib = 0;
    let sa = 1;
    let sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const idx = rest % batchOut[d];
      rest = Math.floor(rest / batchOut[d]);
      ia += (pa[d] === 1 ? 0 : idx) * sa;
      ib += (pb[d] === 1 ? 0 : idx) * sb;
      sa *= pa[d];
      sb *= pb[d];
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let abs = 0;
        for (let p = 0; p < k; p++) {
          const av = a[ia * m * k + (transA ? p * m + i : i * k + p)];
          const bv = b[ib * k * n + (transB ? j * k + p : p * n + j)];
          s += av * bv;
          abs += Math.abs(av * bv);
        }
        out[t * m * n + i * n + j] = s;
        bound[t * m * n + i * n + j] = abs;
      }
    }
  }
  return { values: out, bound, shape: [...batchOut, m, n] };
}

Deno.test({
  name: "native backend: opens a BLAS and reports it",
  ignore,
  fn() {
    assert.ok(status.available);
    if (!status.available) return;
    assert.ok(status.info.threads >= 1);
    assert.ok(status.info.gflops > 0);
    assert.ok(status.info.nativeKernels >= 40);
    for (const k of ["BatchMatMul", "_FusedMatMul", "Transpose", "Sum", "Relu", "Step"]) {
      assert.ok(nativeKernelNames().includes(k), k);
    }
  },
});

Deno.test("native backend: a missing or broken BLAS gives a one-line reason, never a throw", () => {
  const missing = openBlas(["/nonexistent/libblas.so.3"]);
  assert.equal(missing.ok, false);
  if (!missing.ok) {
    assert.match(missing.reason, /^no BLAS could be opened \(\/nonexistent\/libblas\.so\.3: /);
    assert.ok(!missing.reason.includes("\n"));
  }
  // A real shared library without CBLAS symbols (the C math library).
  const libm = Deno.build.os === "darwin" ? "libm.dylib" : "libm.so.6";
  const broken = openBlas([libm]);
  assert.equal(broken.ok, false);
  if (!broken.ok) assert.match(broken.reason, /^no BLAS could be opened \(libm.*cblas_/);
  // A file that is not a library at all.
  const notALibrary = openBlas([new URL(import.meta.url).pathname]);
  assert.equal(notALibrary.ok, false);
});

Deno.test({
  name: "native backend: auto falls back to WASM with the reason when no BLAS opens",
  ignore: Deno.build.os === "windows",
  async fn() {
    const code = `
      import { currentBackend } from "${new URL("./mod.ts", import.meta.url).href}";
      const r = currentBackend();
      console.log(JSON.stringify({ name: r.name, skipped: r.skipped }));`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", code],
      env: { MINIMA_BLAS: "/nonexistent/libopenblas.so.0", MINIMA_BACKEND: "" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const report = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
    assert.notEqual(report.name, "native");
    const native = report.skipped.find((s: { name: string }) => s.name === "native");
    assert.match(native.reason, /\/nonexistent\/libopenblas\.so\.0/);
  },
});

Deno.test({
  name: "native backend: useBackend reports the BLAS and sets threads",
  ignore,
  async fn() {
    const previous = currentBackend().name;
    const report = await useBackend("native", { quiet: true, threads: 1 });
    assert.equal(report.name, "native");
    assert.equal(report.native?.threads, 1);
    assert.match(report.summary, /^backend native \(.+, 1 threads\)/);
    const again = await useBackend("native", { quiet: true, threads: 2 });
    assert.equal(again.native?.threads, 2);
    await useBackend(previous, { quiet: true });
  },
});

Deno.test("native backend: setNativeThreads rejects a bad count with its value", () => {
  assert.throws(() => setNativeThreads(0), {
    name: "RangeError",
    message: "Cannot set native threads: threads must be a positive integer, current value is 0",
  });
  assert.throws(() => setNativeThreads(1.5), {
    name: "RangeError",
    message: "Cannot set native threads: threads must be a positive integer, current value is 1.5",
  });
});

Deno.test({
  name: "native backend: matMul matches float64 on random, transposed, batched and empty shapes",
  ignore,
  async fn() {
    // [aShape (before transposes), bShape, transA, transB]
    const cases: [number[], number[]][] = [
      [[7, 5], [5, 3]],
      [[1, 1], [1, 1]],
      [[1, 9], [9, 1]],
      [[33, 70], [70, 41]],
      [[4, 6, 5], [4, 5, 3]], // batched
      [[4, 6, 5], [5, 3]], // left batch only (one stacked gemm)
      [[6, 5], [4, 5, 3]], // right batch only
      [[2, 1, 6, 5], [3, 5, 3]], // broadcast batch dims [2,1] × [3] → [2,3]
      [[1, 3, 2, 4], [2, 1, 4, 2]],
      [[0, 5], [5, 3]], // empty rows
      [[4, 0], [0, 3]], // empty inner dimension: zeros
      [[4, 5], [5, 0]],
    ];
    let seed = 1;
    for (const [aBase, bBase] of cases) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const swap = (s: number[], t: boolean) =>
            t ? [...s.slice(0, -2), s.at(-1)!, s.at(-2)!] : s;
          const aShape = swap(aBase, transA);
          const bShape = swap(bBase, transB);
          const a = values(aShape.reduce((x, y) => x * y, 1), seed++);
          const b = values(bShape.reduce((x, y) => x * y, 1), seed++);
          const what = `matMul ${aShape}${transA ? "ᵀ" : ""} × ${bShape}${transB ? "ᵀ" : ""}`;
          const native = await on(
            "native",
            () => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), transA, transB),
          );
          const ref = matMulReference(a, aShape, b, bShape, transA, transB);
          assert.deepEqual(native.shape, ref.shape, what);
          assert.equal(native.values.length, ref.values.length, what);
          for (let i = 0; i < ref.values.length; i++) {
            const err = Math.abs(native.values[i] - ref.values[i]);
            assert.ok(err <= 1e-6 * (1 + ref.bound[i]), `${what}[${i}]: error ${err}`);
          }
        }
      }
    }
  },
});

Deno.test({
  name: "native backend: fused matMul with bias and each activation matches the CPU backend",
  ignore,
  async fn() {
    const a = values(6 * 5, 11);
    const b = values(5 * 4, 12);
    const bias = values(4, 13);
    const bias2d = values(6 * 4, 14);
    const activations = ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"] as const;
    for (const activation of activations) {
      for (const [transA, transB] of [[false, false], [true, false], [false, true]]) {
        for (const biasKind of ["none", "row", "full"] as const) {
          await assertCloseToCpu(() =>
            tf.fused.matMul({
              a: transA ? tf.tensor(a, [6, 5]).transpose() : tf.tensor(a, [6, 5]),
              b: transB ? tf.tensor(b, [5, 4]).transpose() : tf.tensor(b, [5, 4]),
              transposeA: transA,
              transposeB: transB,
              bias: biasKind === "none"
                ? undefined
                : biasKind === "row"
                ? tf.tensor(bias, [4])
                : tf.tensor(bias2d, [6, 4]),
              activation,
              leakyreluAlpha: 0.3,
            }), `fused ${activation} ${transA} ${transB} ${biasKind}`);
        }
      }
    }
    // prelu is left to the CPU kernel: still correct.
    await assertCloseToCpu(
      () =>
        tf.fused.matMul({
          a: tf.tensor(a, [6, 5]),
          b: tf.tensor(b, [5, 4]),
          activation: "prelu",
          preluActivationWeights: tf.tensor(bias, [4]),
        }),
      "fused prelu",
    );
  },
});

const BINARY_OPS: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ["add", tf.add],
  ["sub", tf.sub],
  ["mul", tf.mul],
  ["div", tf.div],
  ["maximum", tf.maximum],
  ["minimum", tf.minimum],
  ["squaredDifference", tf.squaredDifference],
  ["pow", tf.pow],
  ["greater", tf.greater],
  ["greaterEqual", tf.greaterEqual],
  ["less", tf.less],
  ["lessEqual", tf.lessEqual],
  ["equal", tf.equal],
  ["notEqual", tf.notEqual],
];

Deno.test({
  name: "native backend: binary ops equal the CPU backend bit for bit under broadcasting",
  ignore,
  async fn() {
    const shapes: [number[], number[]][] = [
      [[5, 7], [5, 7]],
      [[5, 7], []],
      [[], [5, 7]],
      [[5, 7], [7]],
      [[5, 7], [5, 1]],
      [[5, 1], [5, 7]],
      [[7], [5, 7]],
      [[2, 1, 3], [4, 1]],
      [[2, 3, 4, 5], [3, 1, 5]],
      [[1, 1], [1]],
      [[0, 3], [3]],
      // Large enough for the BLAS paths (copy + axpy / scal / ger).
      [[64, 96], [64, 96]],
      [[64, 96], []],
      [[], [64, 96]],
      [[64, 96], [96]],
      [[64, 96], [64, 1]],
      [[96], [64, 96]],
      [[64, 1], [64, 96]],
    ];
    let seed = 100;
    for (const [name, op] of BINARY_OPS) {
      for (const [as, bs] of shapes) {
        const a = values(as.reduce((x, y) => x * y, 1), seed++, true);
        const b = values(bs.reduce((x, y) => x * y, 1), seed++, true);
        await assertSameAsCpu(
          () => op(tf.tensor(a, as), tf.tensor(b, bs)),
          `${name} ${JSON.stringify(as)} ${JSON.stringify(bs)}`,
        );
      }
    }
    // Scalars 0 and NaN keep IEEE semantics (BLAS would skip alpha = 0).
    const big = values(64 * 96, 7, true);
    for (const c of [0, -0, NaN, Infinity]) {
      await assertSameAsCpu(() => tf.mul(tf.tensor(big, [64, 96]), tf.scalar(c)), `mul by ${c}`);
      await assertSameAsCpu(() => tf.add(tf.tensor(big, [64, 96]), tf.scalar(c)), `add ${c}`);
      await assertSameAsCpu(() => tf.sub(tf.scalar(c), tf.tensor(big, [64, 96])), `${c} sub`);
    }
    // int32 goes to the CPU kernel and stays int32.
    await assertSameAsCpu(() => tf.add(tf.tensor([1, 2, 3], [3], "int32"), 5), "int32 add");
    // float32 tensors whose values are a cast bool (Uint8Array underneath).
    await assertSameAsCpu(
      () => tf.mul(tf.greater(tf.tensor(big, [64, 96]), 0).cast("float32"), 3),
      "mul of a cast bool",
    );
  },
});

Deno.test({
  name: "native backend: unary ops equal the CPU backend bit for bit, special values included",
  ignore,
  async fn() {
    const x = values(3000, 200, true);
    const ops: [string, (t: tf.Tensor) => tf.Tensor][] = [
      ["relu", tf.relu],
      ["relu6", tf.relu6],
      ["step", (t) => tf.step(t)],
      ["step alpha", (t) => tf.step(t, 0.25)],
      ["leakyRelu", (t) => tf.leakyRelu(t, 0.1)],
      ["elu", tf.elu],
      ["selu", tf.selu],
      ["sigmoid", tf.sigmoid],
      ["softplus", tf.softplus],
      ["tanh", tf.tanh],
      ["exp", tf.exp],
      ["expm1", tf.expm1],
      ["log", tf.log],
      ["log1p", tf.log1p],
      ["sqrt", tf.sqrt],
      ["rsqrt", tf.rsqrt],
      ["square", tf.square],
      ["neg", tf.neg],
      ["abs", tf.abs],
      ["sign", tf.sign],
      ["reciprocal", tf.reciprocal],
      ["sin", tf.sin],
      ["cos", tf.cos],
      ["floor", tf.floor],
      ["ceil", tf.ceil],
      ["clipByValue", (t) => tf.clipByValue(t, -0.5, 0.75)],
    ];
    for (const [name, op] of ops) {
      await assertSameAsCpu(() => op(tf.tensor(x, [30, 100])), name);
      await assertSameAsCpu(() => op(tf.tensor([], [0, 4])), `${name} empty`);
    }
    await assertSameAsCpu(() => tf.abs(tf.tensor([-3, 4], [2], "int32")), "int32 abs");
  },
});

Deno.test({
  name: "native backend: reductions match the CPU backend over every axis pattern",
  ignore,
  async fn() {
    const shapes = [[7], [6, 9], [3, 4, 5], [2, 3, 4, 5], [300, 40], [1, 50, 1]];
    let seed = 300;
    for (const shape of shapes) {
      const x = values(shape.reduce((a, b) => a * b, 1), seed++);
      const axesList: (number | number[] | undefined)[] = [undefined, 0, -1];
      if (shape.length >= 3) axesList.push([0, 1], [1], [1, 2], [0, 2]);
      for (const axis of axesList) {
        for (const keepDims of [false, true]) {
          const what = `${shape} axis ${JSON.stringify(axis)} keepDims ${keepDims}`;
          await assertCloseToCpu(() => tf.sum(tf.tensor(x, shape), axis, keepDims), `sum ${what}`);
          await assertCloseToCpu(
            () => tf.mean(tf.tensor(x, shape), axis, keepDims),
            `mean ${what}`,
          );
          await assertSameAsCpu(() => tf.max(tf.tensor(x, shape), axis, keepDims), `max ${what}`);
          await assertSameAsCpu(() => tf.min(tf.tensor(x, shape), axis, keepDims), `min ${what}`);
        }
      }
    }
    const special = values(200, 9, true);
    await assertSameAsCpu(() => tf.max(tf.tensor(special, [20, 10]), 1), "max with NaN");
    await assertSameAsCpu(() => tf.min(tf.tensor(special, [20, 10]), 0), "min with NaN");
    await assertSameAsCpu(() => tf.sum(tf.tensor([], [0, 3]), 0), "sum of empty");
    await assertSameAsCpu(() => tf.sum(tf.tensor([1, 2, 3], [3], "int32")), "int32 sum");
  },
});

Deno.test({
  name: "native backend: softmax equals the CPU backend bit for bit",
  ignore,
  async fn() {
    const x = values(40 * 10, 400);
    await assertSameAsCpu(() => tf.softmax(tf.tensor(x, [40, 10])), "softmax 2-D");
    await assertSameAsCpu(() => tf.softmax(tf.tensor(x, [4, 10, 10])), "softmax 3-D");
    await assertSameAsCpu(() => tf.softmax(tf.tensor([1000, 0, -1000], [3])), "softmax extreme");
  },
});

Deno.test("transpose plan: size-1 axes dropped, neighbouring axes merged", () => {
  assert.deepEqual(simplifyPermutation([2, 3, 4], [0, 2, 1]), { dims: [2, 3, 4], perm: [0, 2, 1] });
  assert.deepEqual(simplifyPermutation([2, 3, 4], [1, 2, 0]), { dims: [2, 12], perm: [1, 0] });
  assert.deepEqual(simplifyPermutation([2, 1, 4], [2, 1, 0]), { dims: [2, 4], perm: [1, 0] });
  assert.deepEqual(simplifyPermutation([5, 6], [0, 1]), { dims: [30], perm: [0] });
});

Deno.test({
  name: "native backend: transposes equal the CPU backend for every permutation up to rank 4",
  ignore,
  async fn() {
    const permutations = (n: number): number[][] =>
      n === 1
        ? [[0]]
        : permutations(n - 1).flatMap((p) =>
          Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)])
        );
    const shapes = [[40, 50], [3, 4, 5], [2, 1, 3, 4], [2, 3, 4, 5], [1, 1], [0, 3]];
    let seed = 500;
    for (const shape of shapes) {
      const x = values(shape.reduce((a, b) => a * b, 1), seed++);
      for (const perm of permutations(shape.length)) {
        await assertSameAsCpu(() => tf.transpose(tf.tensor(x, shape), perm), `${shape} ${perm}`);
      }
    }
  },
});

Deno.test({
  name: "native backend: addN equals the CPU backend",
  ignore,
  async fn() {
    for (const n of [10, 5000]) {
      const xs = [values(n, 1), values(n, 2), values(n, 3)];
      await assertSameAsCpu(() => tf.addN(xs.map((x) => tf.tensor(x))), `addN ${n}`);
    }
  },
});

Deno.test({
  name: "native backend: gather equals the CPU backend on every axis and dtype",
  ignore,
  async fn() {
    const x = values(6 * 5 * 4, 1000);
    const shape = [6, 5, 4];
    for (const axis of [0, 1, 2, -1]) {
      const dim = shape.at(axis)!;
      const picks = [dim - 1, 0, 1, 1, dim - 1];
      await assertSameAsCpu(
        () => tf.gather(tf.tensor(x, shape), tf.tensor1d(picks, "int32"), axis),
        `gather axis ${axis}`,
      );
      await assertSameAsCpu(
        () =>
          tf.gather(
            tf.tensor(x, shape),
            tf.tensor2d([picks.slice(0, 2), picks.slice(2, 4)], [2, 2], "int32"),
            axis,
          ),
        `gather 2-D indices axis ${axis}`,
      );
    }
    await assertSameAsCpu(
      () => tf.gather(tf.tensor([1, 2, 3, 4], [2, 2], "int32"), tf.tensor1d([1, 0], "int32")),
      "gather int32",
    );
    await assertSameAsCpu(
      () => tf.gather(tf.tensor([1, 2, 3, 4], [2, 2]), tf.tensor1d([], "int32")),
      "gather nothing",
    );
    await assertSameAsCpu(
      () =>
        tf.gather(
          tf.tensor(x.subarray(0, 60), [3, 20]),
          tf.tensor2d([[1, 2], [3, 4], [0, 5]], [3, 2], "int32"),
          1,
          1,
        ),
      "gather with batchDims 1 (CPU kernel)",
    );
    const previous = currentBackend().name;
    await useBackend("native", { quiet: true });
    try {
      assert.throws(
        () => tf.gather(tf.tensor([1, 2, 3], [3]), tf.tensor1d([3], "int32")),
        { message: "GatherV2: the index value 3 is not in [0, 2]" },
      );
    } finally {
      await useBackend(previous, { quiet: true });
    }
  },
});

/** A ReLU MLP's mean squared loss as a function of its flat parameters. */
function mlpLoss(x: tf.Tensor2D, y: tf.Tensor2D, sizes: number[]) {
  return (...params: tf.Tensor[]): tf.Scalar => {
    let h: tf.Tensor = x;
    for (let l = 0; l + 1 < sizes.length; l++) {
      h = tf.add(tf.matMul(h, params[2 * l]), params[2 * l + 1]);
      if (l + 2 < sizes.length) h = tf.relu(h);
    }
    return tf.mean(tf.square(tf.sub(h, y)));
  };
}

function mlpParams(sizes: number[], seed: number): { shape: number[]; values: Float32Array }[] {
  const out = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const w = values(sizes[l] * sizes[l + 1], seed + l);
    for (let i = 0; i < w.length; i++) w[i] /= Math.sqrt(sizes[l]);
    out.push({ shape: [sizes[l], sizes[l + 1]], values: w });
    out.push({ shape: [sizes[l + 1]], values: values(sizes[l + 1], seed + 50 + l) });
  }
  return out;
}

Deno.test({
  name: "native backend: MLP gradients and a double-backprop HVP match the CPU backend",
  ignore,
  async fn() {
    const sizes = [12, 16, 16, 3];
    const x = values(20 * 12, 600);
    const y = values(20 * 3, 601);
    const p = mlpParams(sizes, 610);
    const v = p.map((q, i) => values(q.values.length, 700 + i));
    const run = () => {
      const params = p.map((q) => tf.tensor(q.values, q.shape));
      const loss = mlpLoss(tf.tensor2d(x, [20, 12]), tf.tensor2d(y, [20, 3]), sizes);
      const grads = tf.grads(loss)(params);
      // Hv = ∇(∇L·v), through tf.grads twice.
      const hv = tf.grads((...ps: tf.Tensor[]) => {
        const g = tf.grads(loss)(ps);
        return tf.addN(g.map((gi, i) => tf.sum(tf.mul(gi, tf.tensor(v[i], p[i].shape)))));
      })(params);
      return tf.concat([...grads, ...hv].map((t) => t.flatten()));
    };
    await assertCloseToCpu(run, "gradient and HVP", 1e-4);
  },
});

Deno.test({
  name: "native backend: a training step leaks no tensors and the pool never overwrites live data",
  ignore,
  async fn() {
    const previous = currentBackend().name;
    await useBackend("native", { quiet: true });
    try {
      const sizes = [20, 64, 5];
      const params = mlpParams(sizes, 800).map((q) => tf.variable(tf.tensor(q.values, q.shape)));
      const x = tf.tensor2d(values(64 * 20, 801), [64, 20]);
      const y = tf.tensor2d(values(64 * 5, 802), [64, 5]);
      const loss = mlpLoss(x, y, sizes);
      const step = () =>
        tf.tidy(() => {
          const grads = tf.grads(loss)(params);
          params.forEach((w, i) => w.assign(tf.sub(w, tf.mul(grads[i], 0.05))));
        });
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) step();
      assert.equal(tf.memory().numTensors, before);

      // Downloaded values and slices (views of a pooled buffer) survive later kernels.
      const a = tf.relu(tf.tensor2d(values(100 * 60, 803), [100, 60]));
      const downloaded = a.dataSync();
      const copy = Float32Array.from(downloaded);
      const slice = a.slice([10, 0], [20, 60]);
      const sliceBefore = Float32Array.from(slice.dataSync());
      a.dispose();
      const reusedBefore = pool.stats.reused;
      for (let i = 0; i < 5; i++) {
        tf.tidy(() => {
          tf.relu(tf.tensor2d(values(6000, 900 + i), [100, 60]));
        });
      }
      assert.ok(pool.stats.reused > reusedBefore, "the pool reused arrays");
      assert.deepEqual(downloaded, copy);
      assert.deepEqual(slice.dataSync(), sliceBefore);
      slice.dispose();
      tf.dispose([x, y, ...params]);
    } finally {
      await useBackend(previous, { quiet: true });
    }
  },
});
