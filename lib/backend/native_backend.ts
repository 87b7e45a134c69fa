import { tf } from "./_tfjs.ts";
import { openBlas } from "./_blas.ts";
import { attachPool, pool } from "./_native_pool.ts";
import type { NativeKernel } from "./_native_util.ts";
import { elementwiseKernels } from "./_native_elementwise.ts";
import { reduceKernels } from "./_native_reduce.ts";
import { transposeKernels } from "./_native_transpose.ts";
import { matMulKernels } from "./_native_matmul.ts";
import { gatherKernels } from "./_native_gather.ts";
import { convKernels } from "./_native_conv.ts";
import { copyKernels } from "./_native_copy.ts";
import { broadcastKernels } from "./_native_broadcast.ts";
import { reduceMiddleKernels } from "./_native_reduce_middle.ts";
import { fillKernels } from "./_native_fill.ts";
import { indexKernels } from "./_native_index.ts";
import { depthwiseKernels } from "./_native_depthwise.ts";
import { checkCall } from "../_checks.ts";

/** The BLAS behind the `native` backend, as reported by {@linkcode nativeBackendStatus}. */
export interface NativeBlasInfo {
  /** The library, e.g. `"OpenBLAS 0.3.21 (Cooperlake)"`, `"Accelerate"`. */
  blas: string;
  /** The path it was opened from. */
  path: string;
  /** Threads the BLAS uses now. */
  threads: number;
  /** Whether minima can change the thread count (OpenBLAS and MKL: yes). */
  threadsSettable: boolean;
  /** A 256³ sgemm probe at open time, in GFLOP/s (to tell an optimized BLAS from a reference one). */
  gflops: number;
  /** How many tfjs kernels run natively (the rest are the CPU backend's). */
  nativeKernels: number;
}

/** Whether the `native` backend can run, and on what. */
export type NativeBackendStatus =
  | { available: true; info: NativeBlasInfo }
  | { available: false; reason: string };

/** Below this sgemm speed `auto` prefers WASM: such a BLAS is a reference (unoptimized) build. */
export const NATIVE_MIN_GFLOPS = 5;

let registered: NativeBackendStatus | undefined;
let kernelNames: string[] = [];

/**
 * Registers the `native` TensorFlow.js backend (once) and reports on it: the tfjs CPU backend
 * (tensors in JS typed arrays) with its heavy kernels (matrix products, element-wise ops,
 * reductions, transposes, softmax, gathers) replaced by BLAS calls through Deno's FFI and by
 * specialised loops. Every other kernel is the CPU backend's own. A missing or broken BLAS, or
 * FFI not permitted, gives `{ available: false, reason }`, never an exception.
 *
 * Use it through `useBackend("native")` (or `"auto"`, which picks it on CPU-only machines).
 * The BLAS is looked for in `MINIMA_BLAS` (a path), then OpenBLAS, then the system
 * `libblas.so.3` (Linux), or Accelerate (macOS).
 *
 * @example
 * ```ts
 * import { nativeBackendStatus } from "minima";
 * import assert from "node:assert/strict";
 *
 * const status = nativeBackendStatus();
 * if (status.available) assert.ok(status.info.threads >= 1);
 * else assert.match(status.reason, /BLAS|FFI|Deno/);
 * ```
 *
 * @returns Whether it is available, with the BLAS's name, path and threads, or the reason.
 */
export function nativeBackendStatus(): NativeBackendStatus {
  checkCall("nativeBackendStatus", arguments);
  if (registered !== undefined) {
    if (!registered.available) return registered;
    return { available: true, info: currentInfo() };
  }
  const opened = openBlas();
  if (!opened.ok) {
    registered = { available: false, reason: opened.reason };
    return registered;
  }
  const blas = opened.blas;
  const kernels: Record<string, NativeKernel> = {
    ...elementwiseKernels(blas),
    ...reduceKernels(blas),
    ...transposeKernels(blas),
    ...matMulKernels(blas),
    ...gatherKernels(),
    ...convKernels(blas),
    ...copyKernels(),
    ...fillKernels(),
    ...indexKernels(),
    ...depthwiseKernels(blas),
  };
  Object.assign(kernels, broadcastKernels(kernels), reduceMiddleKernels(kernels));
  kernelNames = Object.keys(kernels);
  const cpuFactory = tf.findBackendFactory("cpu");
  if (cpuFactory === null) {
    registered = { available: false, reason: "the tfjs CPU backend is not registered" };
    return registered;
  }
  tf.registerBackend("native", () => {
    const backend = cpuFactory() as unknown as Parameters<typeof attachPool>[0];
    attachPool(backend, pool);
    return backend as unknown as tf.KernelBackend;
  }, 1);
  for (const config of tf.getKernelsForBackend("cpu")) {
    const own = kernels[config.kernelName];
    tf.registerKernel({
      ...config,
      backendName: "native",
      ...(own ? { kernelFunc: own as unknown as tf.KernelFunc } : {}),
    });
  }
  setThreadsInternal = (n) => blas.setThreads(n);
  infoInternal = () => ({
    blas: blas.info.name,
    path: blas.info.path,
    threads: blas.info.threads,
    threadsSettable: blas.info.threadsSettable,
    gflops: blas.info.gflops,
    nativeKernels: kernelNames.length,
  });
  registered = { available: true, info: currentInfo() };
  return registered;
}

let setThreadsInternal: ((n: number) => number) | undefined;
let infoInternal: (() => NativeBlasInfo) | undefined;

function currentInfo(): NativeBlasInfo {
  return infoInternal!();
}

/**
 * Sets the BLAS thread count of the `native` backend (OpenBLAS, MKL; a no-op elsewhere).
 *
 * @example
 * ```ts
 * import { nativeBackendStatus, setNativeThreads } from "minima";
 * import assert from "node:assert/strict";
 *
 * if (nativeBackendStatus().available) {
 *   const before = nativeBackendStatus();
 *   const threads = setNativeThreads(1);
 *   assert.ok(threads >= 1);
 *   if (before.available) setNativeThreads(before.info.threads);
 * }
 * ```
 *
 * @param threads A positive integer.
 * @returns The thread count now in force.
 */
export function setNativeThreads(threads: number): number {
  checkCall("setNativeThreads", arguments);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(
      `Cannot set native threads: threads must be a positive integer, current value is ${threads}`,
    );
  }
  const status = nativeBackendStatus();
  if (!status.available) {
    throw new Error(
      `Cannot set native threads: the native backend is unavailable (${status.reason})`,
    );
  }
  return setThreadsInternal!(threads);
}

/**
 * The names of the kernels the native backend implements itself (the others are the CPU
 * backend's); not re-exported by `minima`, for tests and reports.
 *
 * @returns Kernel names, e.g. `"BatchMatMul"`, `"Relu"`; empty when the backend is unavailable.
 */
export function nativeKernelNames(): string[] {
  nativeBackendStatus();
  return [...kernelNames];
}
