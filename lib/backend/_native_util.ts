/**
 * What the native kernels share: the slice of the tfjs CPU backend they use, reading inputs as
 * Float32Array, and falling back to the CPU backend's own kernel. Private to `lib/backend/`.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";

/** A tensor as kernels see it (tfjs `TensorInfo`). */
export interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

/** The part of tfjs's `MathBackendCPU` the native kernels use. */
export interface CpuBackend {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: string, values: unknown): Info;
  disposeIntermediateTensorInfo(info: Info): void;
}

/** A kernel's arguments (tfjs `KernelFunc` parameters). */
export interface KernelArgs {
  inputs: Record<string, Info | undefined>;
  backend: CpuBackend;
  attrs?: Record<string, unknown>;
}

/** A kernel implementation. */
export type NativeKernel = (args: KernelArgs) => Info | Info[];

/**
 * The values of a float32 tensor as a Float32Array. The CPU backend can label Uint8Array or
 * Int32Array values float32 (a `cast` from bool or int32 relabels without copying); those are
 * copied here so the hot loops only ever see Float32Array.
 *
 * @param backend The CPU backend.
 * @param t The tensor.
 * @returns Its values (the backend's own array when already float32: never write to it).
 */
export function f32(backend: CpuBackend, t: Info): Float32Array {
  const values = backend.data.get(t.dataId).values;
  if (values instanceof Float32Array) return values;
  return Float32Array.from(values as ArrayLike<number>);
}

/** Product of the dimensions. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * The CPU backend's kernel of that name, to run the cases the native kernels do not cover
 * (other dtypes, empty tensors, rare layouts).
 *
 * @param name The kernel name.
 * @returns The CPU kernel function.
 */
export function cpuKernel(name: string): NativeKernel {
  const config = tf.getKernel(name, "cpu");
  if (!config) throw new Error(`Cannot build the native backend: no CPU kernel "${name}"`);
  return config.kernelFunc as unknown as NativeKernel;
}

/** Float32 inputs only: every other dtype goes to the CPU kernel. */
export function allFloat32(...infos: (Info | undefined)[]): boolean {
  for (const t of infos) if (t !== undefined && t.dtype !== "float32") return false;
  return true;
}

let ones = new Float32Array(0);

/**
 * A vector of `n` ones (a shared buffer: read only), for sums and broadcasts through BLAS.
 *
 * @param n Its length.
 * @returns A view of length n.
 */
export function onesOf(n: number): Float32Array {
  if (ones.length < n) ones = new Float32Array(Math.max(n, 2 * ones.length)).fill(1);
  return ones.subarray(0, n);
}
