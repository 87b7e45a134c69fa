/**
 * The check behind the parameter helpers (flattenParams, cloneParams, applyUpdates, …): a list
 * of live tensors, with the argument and the entry named. Without it a string or a list of
 * numbers failed inside with "params.map is not a function" or "p.data is not a function".
 *
 * @module
 */
import { tf } from "../backend/mod.ts";

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (value instanceof tf.Tensor) {
    return value.isDisposed
      ? `a disposed tensor of shape [${value.shape}]`
      : `a tensor of shape [${value.shape}]`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "function") return "a function";
  if (typeof value === "string") return JSON.stringify(value.slice(0, 40));
  if (typeof value === "object") return "an object";
  return String(value);
}

/**
 * Checks that `value` is an array of tensors, none disposed unless `disposedOk`.
 *
 * @param value The argument.
 * @param name Its name in messages ("params").
 * @param what The action ("Cannot flatten the parameters").
 * @param disposedOk Disposed tensors pass (for disposing).
 */
export function checkTensorList(
  value: unknown,
  name: string,
  what: string,
  disposedOk = false,
): asserts value is tf.Tensor[] {
  if (!Array.isArray(value)) {
    throw new TypeError(
      `${what}: ${name} must be an array of tensors, current value is ${describeValue(value)}`,
    );
  }
  value.forEach((t, j) => {
    if (!(t instanceof tf.Tensor)) {
      throw new TypeError(
        `${what}: ${name}[${j}] must be a tensor, current value is ${describeValue(t)}`,
      );
    }
    if (t.isDisposed && !disposedOk) {
      throw new TypeError(
        `${what}: ${name}[${j}] is disposed (its dispose() was called); use the parameters before disposing them`,
      );
    }
  });
}
