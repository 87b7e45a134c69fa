/**
 * Hyperparameter checks shared by the optimizers. Private to optim/.
 *
 * @module
 */

/** Checks a learning rate: a positive finite number. */
export function checkLr(lr: unknown, name: string): number {
  if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) {
    throw new RangeError(
      `Cannot create ${name}: lr must be a positive number, current value is ${lr}`,
    );
  }
  return lr;
}

/** Checks a decay rate in [0, 1) (momentum, β₁, β₂). */
export function checkRate(value: unknown, what: string, name: string): number {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) {
    throw new RangeError(
      `Cannot create ${name}: ${what} must be in [0, 1), current value is ${value}`,
    );
  }
  return value;
}

/** Checks a positive finite number (ε). */
export function checkPositive(value: unknown, what: string, name: string): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot create ${name}: ${what} must be a positive number, current value is ${value}`,
    );
  }
  return value;
}

/** Checks that an optimizer got the number of gradients it consumes. */
export function checkGradientCount(gradients: readonly unknown[], want: number, name: string) {
  if (!Array.isArray(gradients) || gradients.length !== want) {
    throw new TypeError(
      `Cannot update ${name}: it takes ${want} gradient${
        want === 1 ? "" : "s"
      } per step, current count is ${Array.isArray(gradients) ? gradients.length : "none"}`,
    );
  }
}
