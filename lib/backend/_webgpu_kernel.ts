/**
 * What minima's WebGPU kernel files share: the shapes of tfjs's kernel arguments as they see them,
 * the replacement of a kernel registered for the webgpu backend, and the float32 buffer test.
 * Private to `lib/backend/`.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";

/** A TensorInfo as kernels see it. */
export interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

/** The part of tfjs's WebGPU backend minima's kernels call. */
export interface WebGPUBackendLike {
  runWebGPUProgram(
    program: object,
    inputs: Info[],
    dtype: string,
    uniforms?: { type: string; data: number[] }[],
  ): Info;
}

/**
 * Replaces the webgpu backend's kernel `kernelName` by `wrap(original)`, keeping its
 * registration's other fields; nothing when the backend has no such kernel. F is the kernel
 * function's type as the caller reads its arguments.
 *
 * @param kernelName tfjs's kernel name.
 * @param wrap Makes the replacement from the original kernel function.
 */
export function overrideWebGPUKernel<F>(kernelName: string, wrap: (original: F) => F): void {
  const config = tf.getKernel(kernelName, "webgpu");
  if (config === undefined) return;
  const original = config.kernelFunc as unknown as F;
  tf.unregisterKernel(kernelName, "webgpu");
  tf.registerKernel({ ...config, kernelFunc: wrap(original) as unknown as tf.KernelFunc });
}

/**
 * Whether a tensor is float32 and so is its GPU buffer. tfjs casts int32 to float32 without
 * converting the data (the buffer stays int32, read through converting getters); minima's shaders
 * read their buffers as f32, so such an input goes to tfjs's kernel.
 */
export function floatBuffer(backend: unknown, x: Info): boolean {
  const map = (backend as { tensorMap?: { get(id: object): { dtype: string } | undefined } })
    .tensorMap;
  return x.dtype === "float32" && (map?.get(x.dataId)?.dtype ?? x.dtype) === "float32";
}
