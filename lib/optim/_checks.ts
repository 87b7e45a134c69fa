/**
 * Hyperparameter checks shared by the optimizers, on top of minima's generic checks
 * (`lib/_checks.ts`): the optimizer's name makes the context, "Cannot create adam". Private to
 * optim/.
 *
 * @module
 */
import { checkPositive as positive, mustBe } from "../_checks.ts";

/** Checks a learning rate: a positive finite number. */
export function checkLr(lr: unknown, name: string): number {
  return positive(lr, "lr", `Cannot create ${name}`, "a positive number", { shown: "text" });
}

/** Checks a decay rate in [0, 1) (momentum, β₁, β₂). */
export function checkRate(value: unknown, what: string, name: string): number {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) {
    mustBe(value, what, `Cannot create ${name}`, "in [0, 1)", { shown: "text" });
  }
  return value;
}

/** Checks a positive finite number (ε). */
export function checkPositive(value: unknown, what: string, name: string): number {
  return positive(value, what, `Cannot create ${name}`, "a positive number", { shown: "text" });
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
