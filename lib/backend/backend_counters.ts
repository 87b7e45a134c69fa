import { tf, WebGPUBackend } from "./_tfjs.ts";
import { checkCall } from "../_checks.ts";

/**
 * What the backend did: kernel calls, GPU dispatches, host reads and the bytes that crossed
 * between host and device. Cumulative since the library loaded ({@linkcode backendCounters}), or
 * over one block ({@linkcode countBackend}).
 *
 * On `webgpu` the counts are the device's own: a readback is a buffer actually mapped and copied
 * to the host, an upload a host array actually written into a GPU buffer. On `native`, `cpu` and
 * `wasm` the same events are counted where they would cross a device boundary, so a test on a
 * CPU-only machine holds a loop to what it will do on a GPU: a readback is the first read of a
 * tensor that a kernel computed (reading a tensor made from host data, or one already read, is
 * free on every backend), an upload is a tensor made from host data.
 */
export interface BackendCounters {
  /** Kernel calls through tfjs's engine (every op is one or more), on every backend. */
  kernels: number;
  /**
   * Work sent to the device: compute dispatches on `webgpu` (a kernel may dispatch several
   * shaders, or none when tfjs runs it on the CPU); on the other backends, kernel calls.
   */
  dispatches: number;
  /** Blocking reads (`dataSync`, `arraySync`, `bufferSync`) that fetched data from the device. */
  blockingReadbacks: number;
  /** Awaited reads (`data()`, `array()`) that fetched data from the device. */
  awaitedReads: number;
  /** Host arrays copied to the device (tensors made from host data). */
  uploads: number;
  /** Bytes in those uploads. */
  uploadBytes: number;
  /** Bytes fetched by blocking and awaited reads together. */
  downloadBytes: number;
}

/** The counters over one block, from {@linkcode countBackend}. */
export interface CountedRun<T> {
  /** What the block returned (awaited). */
  value: T;
  /** The counts during the block. */
  counters: BackendCounters;
  /** Kernel calls during the block by kernel name (e.g. `{ BatchMatMul: 6, Relu: 2 }`). */
  kernelsByName: Record<string, number>;
  /**
   * Dispatches during the block by the kernel that made them (on `webgpu`; elsewhere the same as
   * `kernelsByName`): where a profile of a GPU pass starts.
   */
  dispatchesByKernel: Record<string, number>;
  /** The backend in use when the block ended. */
  backend: string;
}

const totals: BackendCounters = {
  kernels: 0,
  dispatches: 0,
  blockingReadbacks: 0,
  awaitedReads: 0,
  uploads: 0,
  uploadBytes: 0,
  downloadBytes: 0,
};
const byName = new Map<string, number>();
const dispatchesByName = new Map<string, number>();
/** The outermost kernel running now (WebGPU dispatches are attributed to it). */
let activeKernel: string | undefined;

/**
 * The backend counters since the library loaded: kernel calls, GPU dispatches, blocking and
 * awaited readbacks, and bytes uploaded and downloaded (see {@linkcode BackendCounters} for what
 * each means on each backend). Subtract two snapshots, or use {@linkcode countBackend}.
 *
 * @example A blocking read of a computed tensor is one readback of its bytes
 * ```ts
 * import { backendCounters, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const x = tf.tensor1d([1, 2, 3]);
 * const y = tf.square(x);
 * const before = backendCounters();
 * y.dataSync();
 * y.dataSync(); // already on the host: free
 * const after = backendCounters();
 * assert.equal(after.blockingReadbacks - before.blockingReadbacks, 1);
 * assert.equal(after.downloadBytes - before.downloadBytes, 12);
 * tf.dispose([x, y]);
 * ```
 *
 * @returns A snapshot (a new object; it does not change later).
 */
export function backendCounters(): BackendCounters {
  checkCall("backendCounters", arguments);
  return { ...totals };
}

/**
 * Runs a block and counts what the backend did during it: kernel calls (by name), GPU
 * dispatches, blocking and awaited readbacks, and bytes uploaded and downloaded. Everything that
 * runs until the block settles is counted, including other asynchronous work interleaved with
 * it. Counting is always on and costs an increment per event.
 *
 * @example A training step that never reads its loss back
 * ```ts
 * import { countBackend, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const w = tf.variable(tf.ones([4, 1]));
 * const x = tf.ones([8, 4]);
 * const { counters, kernelsByName } = await countBackend(() => {
 *   tf.tidy(() => {
 *     const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.matMul(x, w))) as tf.Scalar);
 *     w.assign(tf.sub(w, tf.mul(grads[w.name], 0.1)));
 *   });
 * });
 * assert.equal(counters.blockingReadbacks + counters.awaitedReads, 0);
 * assert.ok(counters.kernels > 0 && kernelsByName.BatchMatMul >= 1);
 * tf.dispose([w, x]);
 * ```
 *
 * @param block The code to measure (sync or async).
 * @returns Its value, the counts during it, the kernel calls by name and the backend.
 */
export async function countBackend<T>(
  block: () => T | Promise<T>,
): Promise<CountedRun<T>> {
  checkCall("countBackend", arguments);
  if (typeof block !== "function") {
    throw new TypeError(
      `Cannot count the backend's work: block must be a function (the work to count), current value is ${
        typeof block === "string" ? JSON.stringify(block) : String(block)
      }`,
    );
  }
  const before = backendCounters();
  const namesBefore = new Map(byName);
  const dispatchesBefore = new Map(dispatchesByName);
  const value = await block();
  const after = backendCounters();
  const counters = { ...after };
  for (const key of Object.keys(counters) as (keyof BackendCounters)[]) {
    counters[key] = after[key] - before[key];
  }
  return {
    value,
    counters,
    kernelsByName: delta(byName, namesBefore),
    dispatchesByKernel: delta(dispatchesByName, dispatchesBefore),
    backend: tf.getBackend(),
  };
}

function delta(now: Map<string, number>, before: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, count] of now) {
    const d = count - (before.get(name) ?? 0);
    if (d > 0) out[name] = d;
  }
  return out;
}

/**
 * The outermost tfjs kernel running now, if any (for messages about a dispatch); private to
 * lib/backend, not re-exported by `minima`.
 *
 * @returns The kernel name, e.g. `"BatchMatMul"`, or undefined between kernels.
 */
export function activeKernelName(): string | undefined {
  return activeKernel;
}

// ---------------------------------------------------------------------------------------------
// Instrumentation. tfjs has no hooks for these events, so the few methods through which they all
// pass are wrapped once, at load: the engine's kernel entry, tensor creation from host values and
// its two read paths (for the CPU-side backends), and the WebGPU backend's dispatch, upload and
// read methods (on its prototype, so every instance, including one made after a device loss, is
// counted).

type DataId = object;

interface EngineInternals {
  backendName: string;
  runKernel(name: string, inputs: unknown, attrs: unknown): unknown;
  makeTensor(values: unknown, shape: number[], dtype?: string, backend?: unknown): tf.Tensor;
  readSync(dataId: DataId): unknown;
  read(dataId: DataId): Promise<unknown>;
  state: { tensorInfo: WeakMap<DataId, { backend: unknown; bytes: number }> };
}

interface WebGPUTensorData {
  values: unknown;
  resource: unknown;
  dtype: string;
  shape: number[];
}

interface WebGPUInternals {
  tensorMap: { get(dataId: DataId): WebGPUTensorData | undefined };
}

/** Tensors whose data is on the host already: made from host data, or read once. */
const onHost = new WeakSet<DataId>();

function webgpuBytes(data: WebGPUTensorData): number {
  // float32, int32 and bool are all four bytes a value in tfjs's WebGPU buffers.
  return 4 * data.shape.reduce((a, b) => a * b, 1);
}

function instrumentEngine(): void {
  const engine = tf.engine() as unknown as EngineInternals;
  const runKernel = engine.runKernel;
  engine.runKernel = function (this: EngineInternals, name, inputs, attrs) {
    totals.kernels++;
    byName.set(name, (byName.get(name) ?? 0) + 1);
    if (this.backendName !== "webgpu") {
      totals.dispatches++;
      dispatchesByName.set(name, (dispatchesByName.get(name) ?? 0) + 1);
    }
    const outer = activeKernel;
    activeKernel ??= name;
    try {
      return runKernel.call(this, name, inputs, attrs);
    } finally {
      activeKernel = outer;
    }
  };
  const makeTensor = engine.makeTensor;
  engine.makeTensor = function (this: EngineInternals, values, shape, dtype, backend) {
    const t = makeTensor.call(this, values, shape, dtype, backend);
    const owner = this.state.tensorInfo.get(t.dataId);
    if (!(owner?.backend instanceof WebGPUBackend)) {
      onHost.add(t.dataId);
      if (t.dtype !== "string") {
        totals.uploads++;
        totals.uploadBytes += owner?.bytes ?? 0;
      }
    }
    return t;
  };
  const countRead = (self: EngineInternals, dataId: DataId, blocking: boolean) => {
    const info = self.state.tensorInfo.get(dataId);
    // WebGPU counts its own reads, where they happen; elsewhere count a tensor's first read.
    if (info === undefined || info.backend instanceof WebGPUBackend || onHost.has(dataId)) return;
    onHost.add(dataId);
    if (blocking) totals.blockingReadbacks++;
    else totals.awaitedReads++;
    totals.downloadBytes += info.bytes;
  };
  const readSync = engine.readSync;
  engine.readSync = function (this: EngineInternals, dataId) {
    countRead(this, dataId, true);
    return readSync.call(this, dataId);
  };
  const read = engine.read;
  engine.read = function (this: EngineInternals, dataId) {
    countRead(this, dataId, false);
    return read.call(this, dataId);
  };
}

function instrumentWebGPU(): void {
  const proto = WebGPUBackend.prototype as unknown as Record<string, unknown>;
  type Method = (this: WebGPUInternals, ...args: unknown[]) => unknown;
  const wrap = (name: string, before: (self: WebGPUInternals, args: unknown[]) => void) => {
    const original = proto[name] as Method | undefined;
    if (typeof original !== "function") return;
    proto[name] = function (this: WebGPUInternals, ...args: unknown[]) {
      before(this, args);
      return original.apply(this, args);
    };
  };
  wrap("recordAndSubmit", () => {
    totals.dispatches++;
    const name = activeKernel ?? "(outside a kernel)";
    dispatchesByName.set(name, (dispatchesByName.get(name) ?? 0) + 1);
  });
  wrap("uploadToGPU", (self, [dataId]) => {
    const data = self.tensorMap.get(dataId as DataId);
    if (data && data.resource == null && data.values != null) {
      totals.uploads++;
      totals.uploadBytes += webgpuBytes(data);
    }
  });
  const countRead = (blocking: boolean) => (self: WebGPUInternals, [dataId]: unknown[]) => {
    const data = self.tensorMap.get(dataId as DataId);
    if (
      data && data.values == null && data.resource != null && data.dtype !== "string" &&
      data.dtype !== "complex64"
    ) {
      if (blocking) totals.blockingReadbacks++;
      else totals.awaitedReads++;
      totals.downloadBytes += webgpuBytes(data);
    }
  };
  wrap("readSync", countRead(true));
  wrap("read", countRead(false));
}

instrumentEngine();
instrumentWebGPU();
