/**
 * Raw TensorFlow.js imports with every backend minima offers registered. Private: the rest of
 * the library imports `tf` from `tf.ts`, which also picks the backend.
 *
 * The umbrella package is imported (not `@tensorflow/tfjs-core` alone) because only its bundle
 * registers the gradient functions; tfjs-core's own `register_all_gradients` is ESM without file
 * extensions, which Deno does not resolve.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";

// tfjs greets Node.js users with advice to install tfjs-node; Deno is not Node and the advice
// does not apply. Production mode silences that banner (it only mutes tfjs's console warnings).
tf.enableProdMode();

export { tf, WebGPUBackend };
