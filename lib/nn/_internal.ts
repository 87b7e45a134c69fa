/**
 * What other areas of minima may use from nn's private files: the check that a model's
 * replicated (per-sample) pass is its own, which the landscape's chunked derivatives rely on.
 *
 * @module
 */
export { consistentReplicas } from "./_replicas.ts";
