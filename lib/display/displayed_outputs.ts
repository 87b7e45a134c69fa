import { outputsCreated } from "./_kernel.ts";
import { checkCall } from "../_checks.ts";

/**
 * How many outputs minima has created in this kernel so far (each carries its number as
 * `metadata.minima.seq`). The notebook runner asks for it after the last cell: an executed
 * notebook holding fewer numbered outputs lost some after their cell's idle. Always 0 outside a
 * kernel, where nothing is displayed.
 *
 * @example
 * ```ts
 * import { displayedOutputs } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.equal(displayedOutputs(), 0); // not in a kernel
 * ```
 *
 * @returns The count.
 */
export function displayedOutputs(): number {
  checkCall("displayedOutputs", arguments);
  return outputsCreated();
}
