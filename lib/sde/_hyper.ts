// Validation of optimizer hyperparameters, shared by the optimizer SDEs and the scaling rules.

/** lr, eps, batchSize, kappa...: a positive finite number. */
export function checkPositive(what: string, name: string, value: number): void {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be a positive finite number, current value is ${value}`,
    );
  }
}

/** β in [0, 1). */
export function checkBeta(what: string, name: string, value: number): void {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be in [0, 1), current value is ${value}`,
    );
  }
}
