/**
 * The TensorFlow.js namespace as minima uses it: every backend registered, none started at
 * import. The first tensor starts the best backend that starts synchronously (native, else cpu)
 * and `ready()` (called by the data loaders and `train`) runs the full `auto` choice, which may
 * start WebGPU or WASM; `MINIMA_BACKEND=webgpu` or `wasm` starts that backend here, at import,
 * since neither can start synchronously later. Library code imports `tf` from here and nowhere
 * else.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";
import { installFirstUseHook, useBackend } from "./use_backend.ts";
// Counting starts with the first tensor (backend_counters.ts wraps the engine at load).
import "./backend_counters.ts";
// Gradients minima replaces (sums broadcast on the device, not through host arrays).
import "./_gradients.ts";
// A disposed tensor reads as text, so a check given one can name it (tfjs threw instead).
import "./_disposed_text.ts";
// Corrections to tfjs's WebGPU kernels (AddN of more than 7 tensors, very wide transposes).
import "./_webgpu_fixes.ts";
// WebGPU faults as one-line errors (a lost device, buffers over the adapter's limits).
import "./_webgpu_faults.ts";
// minima's WGSL kernels registered into the WebGPU backend (MINIMA_WEBGPU_KERNELS=tfjs: off).
import "./_webgpu_matmul.ts";
import "./_webgpu_reduce.ts";

installFirstUseHook();
if (asyncBackendRequested()) await useBackend("auto", { quiet: true });

/** Whether MINIMA_BACKEND names a backend that must start before the first tensor. */
function asyncBackendRequested(): boolean {
  try {
    const value = Deno.env.get("MINIMA_BACKEND")?.trim();
    return value === "webgpu" || value === "wasm";
  } catch {
    return false; // no --allow-env
  }
}

export { tf };
