/**
 * Shared checks and helpers of the layers in lib/nn: shapes, padding, initialization and the
 * bookkeeping of parameter specs. Private.
 *
 * @module
 */
import { tf } from "../backend/mod.ts";
import { checkAllocation } from "../backend/_internal.ts";
import { Rng, type Seed } from "../random/mod.ts";
import type {
  BuiltLayer,
  LayerApplyOptions,
  LayerInit,
  ModelState,
  Padding,
  Pair,
} from "./layer.ts";
export type { LayerInit, Padding, Pair } from "./layer.ts";
import type { Params, ParamSpec } from "./types.ts";

/** Reads a Pair option as two positive integers (at least `min`), or throws a RangeError. */
export function pairOption(
  what: string,
  name: string,
  value: Pair,
  min = 1,
): [number, number] {
  const pair = typeof value === "number" ? [value, value] : value;
  if (
    !Array.isArray(pair) || pair.length !== 2 ||
    !pair.every((v) => Number.isInteger(v) && v >= min)
  ) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be ${
        min === 0 ? "a non-negative integer" : "a positive integer"
      } or a pair [height, width] of them, current value is ${JSON.stringify(value)}`,
    );
  }
  return [pair[0], pair[1]];
}

/** Checks that an input shape is an image shape [h, w, c] of positive integers. */
export function checkImageShape(what: string, inputShape: readonly number[]): void {
  if (
    !Array.isArray(inputShape) || inputShape.length !== 3 ||
    !inputShape.every((v) => Number.isInteger(v) && v >= 1)
  ) {
    throw new TypeError(
      `Cannot ${what}: the input must be images [h, w, c] of positive integers, current input shape is ${
        JSON.stringify(inputShape)
      }`,
    );
  }
}

/** Checks x against [n, ...inputShape], naming the expected shape. */
export function checkInput(what: string, x: tf.Tensor, inputShape: readonly number[]): void {
  if (
    !(x instanceof tf.Tensor) || x.rank !== inputShape.length + 1 ||
    inputShape.some((s, i) => x.shape[i + 1] !== s)
  ) {
    const expected = inputShape.length === 3
      ? `be images [n, h, w, c] with [h, w, c] = [${inputShape.join(", ")}]`
      : `have shape [n, ${inputShape.join(", ")}]`;
    throw new TypeError(
      `Cannot ${what}: x must ${expected}, current shape is ${
        x instanceof tf.Tensor ? `[${x.shape.join(", ")}]` : String(x)
      }`,
    );
  }
}

/** Checks the parameter list's length. */
export function checkParamCount(what: string, params: Params, count: number): void {
  if (!Array.isArray(params) || params.length !== count) {
    throw new TypeError(
      `Cannot ${what}: params must hold ${count} tensors, current length is ${
        Array.isArray(params) ? params.length : "none"
      }`,
    );
  }
}

/**
 * Explicit padding [top, bottom, left, right] for a window: "valid" is none; "same" is TF's
 * (output ⌈in/s⌉, the odd pixel at the bottom and right); numbers pad both sides like PyTorch.
 */
export function resolvePadding(
  what: string,
  padding: Padding,
  input: readonly [number, number],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
): [number, number, number, number] {
  if (padding === "valid") return [0, 0, 0, 0];
  if (padding === "same") {
    const out: number[] = [];
    for (let a = 0; a < 2; a++) {
      const o = Math.ceil(input[a] / stride[a]);
      const total = Math.max(0, (o - 1) * stride[a] + (kernel[a] - 1) * dilation[a] + 1 - input[a]);
      out.push(Math.floor(total / 2), total - Math.floor(total / 2));
    }
    return [out[0], out[1], out[2], out[3]];
  }
  if (typeof padding === "string") {
    throw new TypeError(
      `Cannot ${what}: padding must be "valid", "same", a non-negative integer or a pair of them, current value is ${
        JSON.stringify(padding)
      }`,
    );
  }
  const [ph, pw] = pairOption(what, "padding", padding, 0);
  return [ph, ph, pw, pw];
}

/**
 * The output height and width of a window sliding over an input, or a RangeError when the
 * (dilated) window is larger than the padded input.
 */
export function windowOutput(
  what: string,
  input: readonly [number, number],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
  pad: readonly [number, number, number, number],
): [number, number] {
  const span = [(kernel[0] - 1) * dilation[0] + 1, (kernel[1] - 1) * dilation[1] + 1];
  const padded = [input[0] + pad[0] + pad[1], input[1] + pad[2] + pad[3]];
  if (span[0] > padded[0] || span[1] > padded[1]) {
    throw new RangeError(
      `Cannot ${what}: the ${span[0]}×${span[1]} window${
        dilation[0] > 1 || dilation[1] > 1 ? " (dilated)" : ""
      } is larger than the ${padded[0]}×${
        padded[1]
      } padded input; use a smaller kernel, more padding or a larger input`,
    );
  }
  return [
    Math.floor((padded[0] - span[0]) / stride[0]) + 1,
    Math.floor((padded[1] - span[1]) / stride[1]) + 1,
  ];
}

/** Checks an init option. */
export function checkInit(what: string, init: unknown): LayerInit {
  if (init !== "he" && init !== "uniform") {
    throw new TypeError(
      `Cannot ${what}: init must be "he" or "uniform", current value is ${JSON.stringify(init)}`,
    );
  }
  return init;
}

/**
 * Initial values of one tensor: weights by the scheme (fan_in inputs per output), biases 0 for
 * "he" and U(±1/√fan_in) for "uniform" (PyTorch's Conv2d and Linear defaults), or a constant.
 */
export function initTensor(
  rng: Rng,
  shape: readonly number[],
  how: { scheme: LayerInit; fanIn: number; role: "weight" | "bias" } | { constant: number },
): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  if ("constant" in how) {
    values.fill(how.constant);
  } else if (how.scheme === "uniform") {
    const bound = 1 / Math.sqrt(how.fanIn);
    for (let i = 0; i < size; i++) values[i] = bound * (2 * rng.uniform() - 1);
  } else if (how.role === "weight") {
    const std = Math.sqrt(2 / how.fanIn);
    for (let i = 0; i < size; i++) values[i] = std * rng.normal();
  }
  return tf.tensor(values, shape as number[], "float32");
}

/** Whether a parameter tensor carries a leading per-sample axis. */
export function perSample(p: tf.Tensor, spec: ParamSpec): boolean {
  return p.rank === spec.shape.length + 1;
}

/** Reshapes a per-channel parameter [c] (or per-sample [n, c]) to broadcast over [n, ..., c]. */
export function channelBroadcast(p: tf.Tensor, spec: ParamSpec, xRank: number): tf.Tensor {
  if (!perSample(p, spec)) return p;
  const shape = [p.shape[0], ...Array(xRank - 2).fill(1), p.shape[1]];
  return tf.reshape(p, shape);
}

/** The number of scalars in some specs. */
export function countParams(specs: readonly ParamSpec[]): number {
  return specs.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
}

/** A child's seed: the parent's seed and the child's name, so siblings draw independently. */
export function childSeed(seed: Seed, name: string): string {
  return `${seed}/${name}`;
}

/**
 * Refuses to initialize parameters whose float32 values would exceed the memory limit, before
 * allocating them: mlp([46341, 46341]).init() used to allocate 8.6 GB without a word.
 */
export function checkInitSize(specs: readonly ParamSpec[], what: string): void {
  const count = specs.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  checkAllocation(
    4 * count,
    what,
    `its ${count.toLocaleString("en-US")} float32 parameters`,
    "use a smaller model",
  );
}

/** The fields of a built layer without state or per-sample quirks, filled in. */
export function builtLayer(fields: {
  name: string;
  inputShape: readonly number[];
  outputShape: readonly number[];
  paramSpecs: ParamSpec[];
  perSampleParams?: boolean;
  init?: (rng: Rng, seed: Seed) => Params;
  apply: (params: Params, x: tf.Tensor, options: LayerApplyOptions) => tf.Tensor;
  stateSpecs?: BuiltLayer["stateSpecs"];
  initState?: () => ModelState;
  batchStatistics?: number;
}): BuiltLayer {
  const paramSpecs = Object.freeze(fields.paramSpecs.map((s) => Object.freeze(s)));
  return Object.freeze({
    name: fields.name,
    inputShape: Object.freeze([...fields.inputShape]),
    outputShape: Object.freeze([...fields.outputShape]),
    paramSpecs,
    numParams: countParams(paramSpecs),
    stateSpecs: Object.freeze([...(fields.stateSpecs ?? [])]),
    perSampleParams: fields.perSampleParams ?? true,
    ...(fields.batchStatistics !== undefined ? { batchStatistics: fields.batchStatistics } : {}),
    init: (seed: Seed) => {
      checkInitSize(paramSpecs, `initialize ${fields.name}`);
      return fields.init ? fields.init(new Rng(seed), seed) : [];
    },
    initState: () => (fields.initState ? fields.initState() : []),
    apply: (params: Params, x: tf.Tensor, options: LayerApplyOptions = {}) =>
      fields.apply(params, x, options),
  });
}
