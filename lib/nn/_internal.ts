/**
 * What other areas of minima may use from nn's private files: the check that a model's
 * replicated (per-sample) pass is its own, which the landscape's chunked derivatives rely on,
 * and the check of a list of tensors that optim's applyUpdates shares with the parameter helpers.
 *
 * @module
 */
export { consistentReplicas } from "./_replicas.ts";
export { checkTensorList } from "./_tensor_list.ts";
