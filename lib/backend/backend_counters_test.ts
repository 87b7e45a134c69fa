import assert from "node:assert/strict";
import {
  backendCounters,
  countBackend,
  currentBackend,
  nativeBackendStatus,
  ready,
  tf,
  useBackend,
} from "./mod.ts";
import type { BackendName } from "./mod.ts";

/** The CPU-side backends this machine can run (native only with a BLAS). */
function cpuBackends(): BackendName[] {
  return nativeBackendStatus().available ? ["native", "cpu"] : ["cpu"];
}

async function onBackend<T>(name: BackendName, fn: () => Promise<T>): Promise<T> {
  const previous = currentBackend().name;
  await useBackend(name, { quiet: true });
  try {
    return await fn();
  } finally {
    await useBackend(previous, { quiet: true });
  }
}

Deno.test("countBackend: exact counts of uploads, kernels and reads on the CPU-side backends", async () => {
  for (const name of cpuBackends()) {
    await onBackend(name, async () => {
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]); // made outside: not counted
      const run = await countBackend(async () => {
        const w = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]); // one upload, 24 bytes
        const y = tf.matMul(x, w); // one kernel
        const z = tf.add(y, 1); // the scalar 1 is an upload (4 bytes); one kernel
        assert.deepEqual(Array.from(z.dataSync()), [5, 6, 11, 12]); // one blocking readback
        z.dataSync(); // already on the host
        x.dataSync(); // made from host data: nothing to fetch
        const s = tf.sum(z); // one kernel
        const total = (await s.data())[0]; // one awaited read, 4 bytes
        tf.dispose([w, y, z, s]);
        return total;
      });
      x.dispose();
      assert.equal(run.value, 34);
      assert.equal(run.backend, name);
      assert.deepEqual(run.counters, {
        kernels: 3,
        dispatches: 3,
        blockingReadbacks: 1,
        awaitedReads: 1,
        uploads: 2,
        uploadBytes: 28,
        downloadBytes: 20,
      }, name);
      assert.deepEqual(run.kernelsByName, { BatchMatMul: 1, Add: 1, Sum: 1 }, name);
    });
  }
});

Deno.test("backendCounters: a snapshot does not move, and counters only grow", () => {
  const a = backendCounters();
  const frozen = { ...a };
  tf.tidy(() => tf.square(tf.ones([3])).dataSync());
  const b = backendCounters();
  assert.deepEqual(a, frozen);
  for (const key of Object.keys(a) as (keyof typeof a)[]) assert.ok(b[key] >= a[key], key);
  assert.ok(b.kernels > a.kernels && b.blockingReadbacks === a.blockingReadbacks + 1);
});

Deno.test("countBackend: nested blocks each see their own part; an error propagates", async () => {
  const outer = await countBackend(async () => {
    const inner = await countBackend(() => tf.tidy(() => tf.relu(tf.ones([2])).dataSync()));
    assert.equal(inner.counters.kernels, 1);
    assert.equal(inner.counters.blockingReadbacks, 1);
    tf.tidy(() => tf.neg(tf.ones([2])).dataSync());
  });
  assert.equal(outer.counters.kernels, 2);
  assert.equal(outer.counters.blockingReadbacks, 2);
  await assert.rejects(() => countBackend(() => Promise.reject(new Error("boom"))), {
    message: "boom",
  });
});

// ready() probes the adapter (the backend chosen at a first tensor knows nothing of WebGPU).
const adapter = (await ready()).adapter;

/** The WebGPU adapter, if this machine has one (llvmpipe in CI). */
function hasWebGPU(): boolean {
  return adapter !== undefined;
}

Deno.test({
  name: "countBackend on webgpu: dispatches, uploads and mapped reads are the device's own",
  ignore: !hasWebGPU(),
  fn: () =>
    onBackend("webgpu", async () => {
      const a = tf.tensor2d(new Float32Array(8 * 4).fill(1), [8, 4]);
      const b = tf.tensor2d(new Float32Array(4 * 2).fill(0.5), [4, 2]);
      const run = await countBackend(async () => {
        const c = tf.matMul(a, b); // a and b go up (128 + 32 bytes); one dispatch at least
        const d = tf.relu(c); // on the device: c lives there
        const values = await d.data(); // one buffer mapped: 8·2·4 bytes
        await d.data(); // cached on the host
        tf.dispose([c, d]);
        return values;
      });
      tf.dispose([a, b]);
      assert.deepEqual(Array.from(run.value), new Array(16).fill(2));
      assert.equal(run.backend, "webgpu");
      assert.equal(run.counters.kernels, 2);
      assert.ok(run.counters.dispatches >= 2, `dispatches ${run.counters.dispatches}`);
      assert.equal(run.counters.uploads, 2);
      assert.equal(run.counters.uploadBytes, 160);
      assert.equal(run.counters.awaitedReads, 1);
      assert.equal(run.counters.blockingReadbacks, 0);
      assert.equal(run.counters.downloadBytes, 64);
    }),
});

Deno.test("countBackend names a block that is not a function", async () => {
  // It failed with "block is not a function" after reading the counters.
  await assert.rejects(
    () => countBackend("__proto__" as never),
    new TypeError(
      `Cannot count the backend's work: block must be a function (the work to count), current value is "__proto__"`,
    ),
  );
});
