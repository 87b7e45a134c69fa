/**
 * The once-per-model exactness check that hessianOperator runs before its first product.
 * Private to landscape/.
 *
 * @module
 */
import type { Model, ObjectivePoint } from "../nn/mod.ts";
import {
  checkExactHessian,
  type CheckExactHessianResult,
  exactHessianWarning,
} from "./check_exact_hessian.ts";

/** Per model, the check's promise, so that it runs once per model object. */
const checked = new WeakMap<Model, Promise<CheckExactHessianResult>>();

/**
 * Runs {@linkcode checkExactHessian} once per model (later calls reuse the first result) and
 * warns on the console when it finds a problem. Never throws: a failing check is reported, not
 * raised, since the measurement itself will raise what it must.
 */
export function checkExactHessianOnce(point: ObjectivePoint): Promise<void> {
  let pending = checked.get(point.model);
  if (!pending) {
    pending = checkExactHessian(point).catch((e) => ({
      verdict: "inconclusive" as const,
      relativeError: NaN,
      suspects: [],
      samples: 0,
      conclusive: 0,
      decidedBy: "none" as const,
      error: (e as Error).message,
    }));
    checked.set(point.model, pending);
    return pending.then((r) => {
      const warning = exactHessianWarning(point.model, r);
      if (warning) console.warn(warning);
    });
  }
  return pending.then(() => {});
}
