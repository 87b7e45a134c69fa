/**
 * Parameterized runs and what they leave behind: the parameters a notebook declares (its cell
 * tagged `parameters`) and the cell a run injects, grids of parameter sets for sweeps, results
 * recorded beside the executed notebook (JSON Lines and CSV), and checkpoints of parameters with
 * optimizer state. Running notebooks and sweeps (processes, schedulers) lives in `tools/`.
 *
 * ```ts
 * import { expandGrid } from "minima/sweep";
 * import assert from "node:assert/strict";
 *
 * const points = expandGrid([{ name: "lr", values: [0.1, 0.2] }, { name: "seed", values: [0, 1] }]);
 * assert.equal(points.length, 4);
 * ```
 *
 * @module
 */
export * from "./parameters.ts";
export * from "./grid.ts";
export * from "./csv.ts";
export * from "./git_revision.ts";
export * from "./record.ts";
export * from "./checkpoint.ts";
