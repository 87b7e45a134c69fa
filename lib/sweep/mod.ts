/**
 * Parameterized runs and what they leave behind: the parameters a notebook declares (its cell
 * tagged `parameters`) and the cell a run injects, grids of parameter sets for sweeps, results
 * recorded beside the executed notebook (JSON Lines and CSV), and checkpoints of parameters with
 * optimizer state. Running notebooks and sweeps (processes, schedulers) lives in `tools/`.
 *
 * @module
 */
export * from "./parameters.ts";
export * from "./grid.ts";
export * from "./csv.ts";
export * from "./git_revision.ts";
export * from "./record.ts";
export * from "./checkpoint.ts";
