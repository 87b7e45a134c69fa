/**
 * The TensorFlow.js namespace as minima uses it: every backend registered and one chosen
 * (`MINIMA_BACKEND`, else `auto`) before the first tensor exists. Library code imports `tf` from
 * here and nowhere else.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";
import { useBackend } from "./use_backend.ts";
// Counting starts with the first tensor (backend_counters.ts wraps the engine at load).
import "./backend_counters.ts";
// Gradients minima replaces (sums broadcast on the device, not through host arrays).
import "./_gradients.ts";
// WebGPU faults as one-line errors (a lost device, buffers over the adapter's limits).
import "./_webgpu_faults.ts";
// minima's WGSL kernels registered into the WebGPU backend (MINIMA_WEBGPU_KERNELS=tfjs: off).
import "./_webgpu_matmul.ts";
import "./_webgpu_reduce.ts";

await useBackend("auto", { quiet: true });

export { tf };
