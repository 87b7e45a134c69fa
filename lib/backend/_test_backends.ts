/**
 * Test support: run a test that is about one of tfjs's own kernels on a backend that has it.
 * tfjs's WASM backend has no Conv2DBackpropFilter, for example, so a test of that kernel runs on
 * the CPU backend when the suite was moved to WASM.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { currentBackend, useBackend } from "./use_backend.ts";

/**
 * Runs `fn` on the current backend when it registers every kernel named, else on the CPU
 * backend, and switches back afterwards.
 *
 * @param kernels tfjs kernel names the test needs.
 * @param fn The test body.
 * @returns What `fn` returned.
 */
export async function withKernels<T>(kernels: string[], fn: () => T | Promise<T>): Promise<T> {
  await tf.ready();
  const backend = tf.getBackend();
  if (kernels.every((k) => tf.getKernel(k, backend) !== undefined)) return await fn();
  const previous = currentBackend().name;
  await useBackend("cpu", { quiet: true });
  try {
    return await fn();
  } finally {
    await useBackend(previous, { quiet: true });
  }
}
