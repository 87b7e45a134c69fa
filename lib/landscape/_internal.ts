/**
 * What other areas of minima (optim, sde) may use of landscape's private machinery: chunked
 * gradients and Hessian-vector products, and the checks of a model, its data and its
 * parameters. Everything else in landscape's `_` files stays private to landscape, so it can
 * change without touching the areas above it.
 *
 * @module
 */
export {
  type Chunk,
  chunkGradient,
  chunkHvp,
  type Chunks,
  DEFAULT_CHUNK_SIZE,
  makeChunks,
} from "./_autodiff.ts";
export { checkObjective, checkParams, checkPoint } from "./_point.ts";
