import assert from "node:assert/strict";
import { currentBackend, nativeBackendStatus, ready, tf, useBackend } from "./mod.ts";
import { minimaKernelsEnabled } from "./_webgpu_matmul.ts";

// ready() probes the adapter (the backend chosen at a first tensor knows nothing of WebGPU).
const noAdapter = (await ready()).adapter === undefined;
const cpuPath = nativeBackendStatus().available ? "native" : "wasm";

Deno.test({
  name: "webgpu: a lost device is one named error, then minima runs on the CPU and can start again",
  ignore: noAdapter,
  fn: async () => {
    const previous = currentBackend().name;
    await useBackend("webgpu", { quiet: true });
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    assert.deepEqual(Array.from(await tf.matMul(a, a).data()), [7, 10, 15, 22]);
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
    try {
      device.destroy(); // what a driver reset looks like to WebGPU
      const expected =
        "Cannot compute on WebGPU: the WebGPU device was lost (destroyed: device was lost); its " +
        "tensors are gone and minima moved to the CPU (see currentBackend()): load the data and " +
        "initialize the model again";
      await assert.rejects(() => tf.matMul(a, a).data(), { message: expected });
      await device.lost;
      await new Promise((resolve) => setTimeout(resolve, 0));
      // The next call runs on the CPU path, and the report says why.
      const report = currentBackend();
      assert.equal(report.name, cpuPath);
      assert.deepEqual(report.skipped[0], {
        name: "webgpu",
        reason: "the WebGPU device was lost (destroyed: device was lost)",
      });
      assert.match(report.summary, /skipped webgpu: the WebGPU device was lost \(destroyed/);
      assert.deepEqual(warnings, [
        `minima: the WebGPU device was lost (destroyed: device was lost); moved to ${cpuPath}`,
      ]);
      const b = tf.tensor1d([1, 2, 3]);
      assert.deepEqual(Array.from(await tf.square(b).data()), [1, 4, 9]);
      // A tensor of the lost device cannot be moved to the CPU: the same one line.
      assert.throws(() => tf.add(a, 1), { message: expected });
      // WebGPU itself is not gone: asking for it again starts a fresh device.
      await useBackend("webgpu", { quiet: true });
      assert.notEqual((tf.backend() as unknown as { device: GPUDevice }).device, device);
      assert.deepEqual(Array.from(await tf.square(b).data()), [1, 4, 9]);
      b.dispose();
    } finally {
      console.warn = warn;
      a.dispose();
      await useBackend(previous, { quiet: true });
    }
  },
});

Deno.test({
  name: "webgpu: a buffer over the adapter's limit is refused before dispatch, naming the fix",
  ignore: noAdapter,
  fn: async () => {
    const previous = currentBackend().name;
    await useBackend("webgpu", { quiet: true });
    try {
      const limits = (tf.backend() as unknown as { device: GPUDevice }).device.limits;
      const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
      const name = limits.maxStorageBufferBindingSize <= limits.maxBufferSize
        ? "maxStorageBufferBindingSize"
        : "maxBufferSize";
      const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
      // An output of one float more than the limit, from two small inputs.
      const cols = Math.floor(limit / 4 / 8192) + 1;
      const bytes = 4 * 8192 * cols;
      const x = tf.ones([8192, 1]);
      const y = tf.ones([1, cols]);
      assert.throws(() => tf.matMul(x, y), {
        name: "RangeError",
        // minima's kernel writes the product as [batch·rows, columns]; tfjs's as [batch, rows, columns].
        message:
          `Cannot run BatchMatMul on WebGPU: a tensor of shape [${
            minimaKernelsEnabled() ? "" : "1, "
          }8192, ${cols}] needs ` +
          `${bytes} bytes (${mib(bytes)}), over the adapter's ${name} of ${limit} bytes ` +
          `(${mib(limit)}); pass a smaller chunkSize (fewer samples per pass) or use a smaller ` +
          "batch or model",
      });
      tf.dispose([x, y]);
      // Below the limit the same kernel runs.
      const small = tf.tidy(() => tf.matMul(tf.ones([4, 1]), tf.ones([1, 3])));
      assert.deepEqual(Array.from(await small.data()), new Array(12).fill(1));
      small.dispose();
    } finally {
      await useBackend(previous, { quiet: true });
    }
  },
});
