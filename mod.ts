/**
 * minima: how optimizers choose among the many minima of over-parameterized networks, as a
 * TypeScript library for Deno notebooks. Re-exports every area of `lib/`, in layer order.
 *
 * @module
 */
export * from "./lib/random/mod.ts";
export * from "./lib/linalg/mod.ts";
export * from "./lib/backend/mod.ts";
export * from "./lib/data/mod.ts";
export * from "./lib/nn/mod.ts";
export * from "./lib/landscape/mod.ts";
export * from "./lib/optim/mod.ts";
export * from "./lib/sde/mod.ts";
export * from "./lib/games/mod.ts";
export * from "./lib/meanfield/mod.ts";
export * from "./lib/plot/mod.ts";
export * from "./lib/display/mod.ts";
export * from "./lib/sweep/mod.ts";
export type { ProgressCallback, ProgressInfo, Row, RowCallback, Scalar } from "./lib/_types.ts";
