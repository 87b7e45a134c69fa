import { tf } from "./tf.ts";
import { checkCall } from "../_checks.ts";

/** Tensor memory held by TensorFlow.js right now. */
export interface MemoryReport {
  /** Live tensors. */
  numTensors: number;
  /** Bytes held by live tensors. */
  numBytes: number;
  /** The backend that holds them. */
  backend: string;
}

/**
 * Reports the live tensors and bytes, to find leaks (`numTensors` must not grow across a call).
 *
 * @example
 * ```ts
 * import { memoryReport, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const before = memoryReport().numTensors;
 * tf.tidy(() => {
 *   tf.ones([3]).add(1); // intermediates are freed when tidy returns
 * });
 * assert.equal(memoryReport().numTensors, before);
 * ```
 *
 * @returns The tensor count, bytes and backend.
 */
export function memoryReport(): MemoryReport {
  checkCall("memoryReport", arguments);
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() };
}
