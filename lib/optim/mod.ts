/**
 * Optimizers as optax-style pure `init`/`update` pairs with explicit state, and the train loop.
 *
 * @module
 */
export * from "./types.ts";
