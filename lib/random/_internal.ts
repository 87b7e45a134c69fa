/**
 * What other areas of minima (optim) may use of random's private machinery: minibatch indices
 * drawn without the per-call checks, for loops that check their sizes once.
 *
 * @module
 */
export { sampleIndices } from "./_sample_indices.ts";
