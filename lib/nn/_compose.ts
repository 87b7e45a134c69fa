/**
 * Bookkeeping for layers made of layers (sequential models, residual blocks): each child's
 * slice of the parameters and of the running statistics, prefixed names, renumbered layer
 * indices, per-child seeds. Private.
 *
 * @module
 */
import type { Seed } from "../random/mod.ts";
import { checkInitSize, childSeed } from "./_layer_util.ts";
import type { BuiltLayer, LayerApplyOptions, ModelState, StateSpec } from "./layer.ts";
import type { Params, ParamSpec } from "./types.ts";

/**
 * Models whose `applyEval` takes per-sample parameters (every layer does in eval mode), for
 * `evalMode`: built by `sequential`.
 */
export const PER_SAMPLE_IN_EVAL: WeakSet<object> = new WeakSet();

/** Children laid out one after the other in the parameter and state lists. */
export interface Composition {
  /** The children's unique names (duplicates get `_1`, `_2`, ... appended). */
  names: string[];
  /** All children's specs, names prefixed, layer indices counted across children. */
  paramSpecs: ParamSpec[];
  stateSpecs: StateSpec[];
  /** Fresh parameters for every child, child i seeded from (seed, child name). */
  init(seed: Seed): Params;
  initState(): ModelState;
  /** Child i's parameters. */
  params(params: Params, i: number): Params;
  /** Child i's options: its slice of the state. */
  options(options: LayerApplyOptions, i: number): LayerApplyOptions;
  /** Whether every child takes per-sample parameters. */
  perSampleParams: boolean;
  /** The children's batch statistics (the smallest ghost batch), if any child has some. */
  batchStatistics?: number;
}

/**
 * Lays out built children: their parameter and state names become `${child name}.${name}`, and
 * layer indices count the children's parametrized layers in order from 0.
 */
export function compose(children: readonly BuiltLayer[]): Composition {
  const paramSpecs: ParamSpec[] = [];
  const stateSpecs: StateSpec[] = [];
  const paramOffsets: number[] = [], stateOffsets: number[] = [];
  const names: string[] = [];
  const seen = new Map<string, number>();
  let layer = 0;
  for (const child of children) {
    const count = seen.get(child.name) ?? 0;
    seen.set(child.name, count + 1);
    const name = count === 0 ? child.name : `${child.name}_${count}`;
    names.push(name);
    paramOffsets.push(paramSpecs.length);
    stateOffsets.push(stateSpecs.length);
    const layers = [...new Set(child.paramSpecs.map((s) => s.layer))].sort((a, b) => a - b);
    for (const s of child.paramSpecs) {
      paramSpecs.push({ ...s, name: `${name}.${s.name}`, layer: layer + layers.indexOf(s.layer) });
    }
    for (const s of child.stateSpecs) stateSpecs.push({ ...s, name: `${name}.${s.name}` });
    layer += layers.length;
  }
  paramOffsets.push(paramSpecs.length);
  stateOffsets.push(stateSpecs.length);
  const groups = children
    .map((c) => c.batchStatistics)
    .filter((g): g is number => g !== undefined);
  return {
    names,
    paramSpecs,
    stateSpecs,
    init: (seed) => {
      checkInitSize(paramSpecs, "initialize the model");
      return children.flatMap((c, i) => c.init(childSeed(seed, names[i])));
    },
    initState: () => children.flatMap((c) => c.initState()),
    params: (params, i) => params.slice(paramOffsets[i], paramOffsets[i + 1]),
    options: (options, i) =>
      options.state
        ? { ...options, state: options.state.slice(stateOffsets[i], stateOffsets[i + 1]) }
        : options,
    perSampleParams: children.every((c) => c.perSampleParams),
    ...(groups.length > 0 ? { batchStatistics: Math.min(...groups) } : {}),
  };
}

/** Checks a state list against specs, naming the first mismatch. */
export function checkState(
  what: string,
  state: ModelState | undefined,
  specs: readonly StateSpec[],
): void {
  if (!Array.isArray(state) || state.length !== specs.length) {
    throw new TypeError(
      `Cannot ${what}: state must hold ${specs.length} tensors (the model's stateSpecs, from initState() or runningStatistics()), current ${
        Array.isArray(state) ? `length is ${state.length}` : `value is ${state}`
      }`,
    );
  }
  state.forEach((t, i) => {
    const want = specs[i].shape;
    if (
      !t || t.isDisposed || t.shape.length !== want.length ||
      t.shape.some((s, k) => s !== want[k])
    ) {
      throw new TypeError(
        `Cannot ${what}: state[${i}] (${
          specs[i].name
        }) must be a live tensor of shape [${want}], current ${
          !t ? "value is missing" : t.isDisposed ? "tensor is disposed" : `shape is [${t.shape}]`
        }`,
      );
    }
  });
}
