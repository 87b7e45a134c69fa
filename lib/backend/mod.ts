/**
 * Choosing and reporting the TensorFlow.js backend, and the `tf` namespace everyone else uses.
 * Importing starts no backend: the first tensor starts the best one that starts synchronously
 * (native, else cpu), and {@linkcode ready} (called by the data loaders and `train`) or
 * {@linkcode useBackend} runs the full choice, webgpu (a real adapter) → native → wasm → cpu.
 *
 * ```ts
 * import { ready, tf } from "minima/backend";
 * import assert from "node:assert/strict";
 *
 * const report = await ready();
 * assert.equal(tf.getBackend(), report.name);
 * ```
 *
 * @module
 */
export {
  type AdapterInfo,
  BACKEND_NAMES,
  type BackendName,
  type BackendReport,
  type BackendRequest,
  currentBackend,
  ready,
  useBackend,
  type UseBackendOptions,
  WASM_THREADS_UNAVAILABLE,
} from "./use_backend.ts";
export * from "./memory.ts";
export { memoryLimit, setMemoryLimit } from "./memory_limit.ts";
export {
  type BackendCounters,
  backendCounters,
  countBackend,
  type CountedRun,
} from "./backend_counters.ts";
export {
  type NativeBackendStatus,
  nativeBackendStatus,
  type NativeBlasInfo,
  setNativeThreads,
} from "./native_backend.ts";
export { tf } from "./tf.ts";
