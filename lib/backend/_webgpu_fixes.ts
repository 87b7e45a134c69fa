/**
 * Corrections to tfjs's WebGPU kernels (tfjs-backend-webgpu 4.22) that give wrong answers or fail
 * on shapes minima produces. They are always on (`MINIMA_WEBGPU_KERNELS=tfjs` turns off minima's
 * faster kernels, not these):
 *
 * - `AddN` of more than 7 tensors returned the sum of the first 7, with no error (one storage
 *   binding per input, and the shader reads 7): it now adds in groups of at most 7.
 * - `Transpose` of a matrix with a side over 16·65,535 = 1,048,560 failed with "Dispatch size
 *   exceeds WebGPU limits in Y or Z dimension" (tfjs's tiled transpose puts one 16-wide tile per
 *   workgroup on each side). A Hessian-vector product on a block of vectors transposes the block
 *   [b, n] of each weight matrix, so a 1024 × 1024 layer failed. Such a matrix now goes through
 *   tfjs's general transpose as [rows, cols, 1], whose dispatch is spread over all three
 *   dimensions.
 *
 * Private to `lib/backend/`.
 *
 * @module
 */
import { type Info, overrideWebGPUKernel } from "./_webgpu_kernel.ts";

type KernelFunc = (args: { inputs: unknown; backend: unknown; attrs?: unknown }) => Info;

/** The most inputs tfjs's AddN shader sums correctly. */
export const ADD_N_GROUP = 7;

/** The tile side of tfjs's shared-memory transpose, and WebGPU's default workgroups per side. */
const TRANSPOSE_TILE = 16;
const MAX_WORKGROUPS_PER_DIMENSION = 65535;

function install(): void {
  overrideWebGPUKernel<KernelFunc>("AddN", (original) => (args) => {
    const tensors = args.inputs as Info[];
    if (tensors.length <= ADD_N_GROUP) return original(args);
    const backend = args.backend as { disposeData(id: object): void };
    let sum = original({ ...args, inputs: tensors.slice(0, ADD_N_GROUP) });
    for (let i = ADD_N_GROUP; i < tensors.length; i += ADD_N_GROUP - 1) {
      const next = original({
        ...args,
        inputs: [sum, ...tensors.slice(i, i + ADD_N_GROUP - 1)],
      });
      backend.disposeData(sum.dataId);
      sum = next;
    }
    return sum;
  });
  overrideWebGPUKernel<KernelFunc>("Transpose", (original) => (args) => {
    const { x } = args.inputs as { x: Info };
    const { perm } = args.attrs as { perm: number[] };
    const tooWide = x.shape.length === 2 && perm[0] === 1 && perm[1] === 0 &&
      Math.max(x.shape[0], x.shape[1]) > TRANSPOSE_TILE * MAX_WORKGROUPS_PER_DIMENSION;
    if (!tooWide) return original(args);
    const out = original({
      ...args,
      inputs: { x: { ...x, shape: [x.shape[0], x.shape[1], 1] } },
      attrs: { perm: [1, 0, 2] },
    });
    return { ...out, shape: [x.shape[1], x.shape[0]] };
  });
}

install();
