/**
 * Constant tensors for the native backend: `Fill`, `ZerosLike` and `OnesLike` in float32, from
 * the output pool. Private to `lib/backend/`.
 *
 * The CPU backend allocates a new array for each (the gradients of sums add a tensor of zeros
 * the size of the summand, see `_gradients.ts`): a fresh array of megabytes costs page faults and
 * zeroing by the system, about 1.7 ns per element, where refilling a recycled one costs 0.2.
 *
 * @module
 */
import {
  cpuKernel,
  type Info,
  type KernelArgs,
  type NativeKernel,
  sizeOf,
} from "./_native_util.ts";
import { pool } from "./_native_pool.ts";

function filled(args: KernelArgs, shape: number[], value: number): Info {
  const out = pool.alloc(sizeOf(shape));
  out.fill(value);
  return args.backend.makeTensorInfo(shape, "float32", out);
}

/**
 * The constant kernels of the native backend.
 *
 * @returns Kernel name → implementation.
 */
export function fillKernels(): Record<string, NativeKernel> {
  const fill = cpuKernel("Fill");
  const zerosLike = cpuKernel("ZerosLike");
  const onesLike = cpuKernel("OnesLike");
  return {
    Fill: (args) => {
      const { shape, value, dtype } = args.attrs as {
        shape: number[];
        value: unknown;
        dtype?: string;
      };
      if (dtype !== "float32" || typeof value !== "number") return fill(args);
      return filled(args, shape, value);
    },
    ZerosLike: (args) => {
      const { x } = args.inputs as { x: Info };
      return x.dtype === "float32" ? filled(args, x.shape, 0) : zerosLike(args);
    },
    OnesLike: (args) => {
      const { x } = args.inputs as { x: Info };
      return x.dtype === "float32" ? filled(args, x.shape, 1) : onesLike(args);
    },
  };
}
