// Validation of optimizer hyperparameters, shared by the optimizer SDEs and the scaling rules.

/** lr, eps, batchSize, kappa...: a positive finite number. */
export function checkPositive(what: string, name: string, value: number): void {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be a positive finite number, current value is ${value}`,
    );
  }
}

/**
 * A batch size: a whole number of samples ≥ 1. A fractional B (2.5) used to pass as a noise scale,
 * silently describing no run that SGD can make.
 */
export function checkBatchSize(what: string, value: number, name = "batchSize"): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be a positive integer (a number of samples), current value is ${value}`,
    );
  }
}

/**
 * The batch size κB of a scaling rule, which must be a whole number of samples: within 1e-9 of
 * one (floating-point noise, as in 0.1·30) it is rounded to it; otherwise a RangeError names the
 * two nearest factors κ that give whole batches. Rounding silently would change κ, and with it
 * every other scaled hyperparameter, so the rule refuses instead.
 */
export function scaledBatchSize(what: string, batchSize: number, kappa: number): number {
  const scaled = kappa * batchSize;
  const whole = Math.round(scaled);
  if (whole >= 1 && Math.abs(scaled - whole) <= 1e-9 * scaled) return whole;
  const below = Math.floor(scaled), above = Math.ceil(scaled);
  const options = [below, above].filter((b) => b >= 1).map((b) =>
    `κ = ${b}/${batchSize} = ${Number((b / batchSize).toPrecision(6))} (B = ${b})`
  );
  throw new RangeError(
    `Cannot ${what}: the scaled batch size κ·B = ${kappa}·${batchSize} = ${
      Number(scaled.toPrecision(6))
    } is not a whole number of samples; choose ${options.join(" or ")}`,
  );
}

/** β in [0, 1). */
export function checkBeta(what: string, name: string, value: number): void {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be in [0, 1), current value is ${value}`,
    );
  }
}
