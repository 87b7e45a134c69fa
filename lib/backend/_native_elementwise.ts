/**
 * Element-wise kernels for the native backend: binary ops with broadcasting and unary ops on
 * float32 tensors. Private to `lib/backend/`.
 *
 * The tfjs CPU backend runs every element-wise op through one shared loop that calls the op as a
 * closure per element and, whenever shapes differ, converts each flat index to coordinates and
 * back (`indexToLoc`/`locToIndex`): 10–40 ns per element. Here each op gets its own loop compiled
 * from its expression (so V8 inlines the arithmetic and the loop stays monomorphic over
 * Float32Array), and broadcasting is planned once per call: dimensions are collapsed until the
 * innermost one is contiguous (or constant) in each input, and only the outer ones are walked.
 * Arithmetic is done in float64 and stored as float32, exactly as the CPU backend does, so the
 * results are bit-identical to it.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";
import type { Blas } from "./_blas.ts";
import {
  allFloat32,
  type CpuBackend,
  cpuKernel,
  f32,
  type Info,
  type KernelArgs,
  type NativeKernel,
  onesOf,
  sizeOf,
} from "./_native_util.ts";
import { pool } from "./_native_pool.ts";

/** An inner loop over `n` elements; `ao`, `bo`, `oo` are offsets into a, b and the output. */
type BinaryLoop = (
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  o: Float32Array | Uint8Array,
  oo: number,
  n: number,
) => void;

/**
 * The inner loops of one op: both inputs advance, only a advances, only b advances; each with
 * offsets (rows of a broadcast) and without (the whole tensor: V8 removes the bounds checks of
 * `a[i]` but not of `a[ao + i]`, which halves the speed).
 */
interface BinaryLoops {
  both: BinaryLoop;
  aOnly: BinaryLoop;
  bOnly: BinaryLoop;
  flatBoth: BinaryLoop;
  flatAOnly: BinaryLoop;
  flatBOnly: BinaryLoop;
}

type UnaryLoop = (x: Float32Array, o: Float32Array, n: number) => void;

/** Binary kernels: the expression in `x` (from a) and `y` (from b), and the output dtype. */
const BINARY: Record<string, { expr: string; dtype: "float32" | "bool" }> = {
  Add: { expr: "x + y", dtype: "float32" },
  Sub: { expr: "x - y", dtype: "float32" },
  Multiply: { expr: "x * y", dtype: "float32" },
  RealDiv: { expr: "x / y", dtype: "float32" },
  Maximum: { expr: "Math.max(x, y)", dtype: "float32" },
  Minimum: { expr: "Math.min(x, y)", dtype: "float32" },
  SquaredDifference: { expr: "(x - y) * (x - y)", dtype: "float32" },
  Pow: { expr: "Math.pow(x, y)", dtype: "float32" },
  Greater: { expr: "x > y ? 1 : 0", dtype: "bool" },
  GreaterEqual: { expr: "x >= y ? 1 : 0", dtype: "bool" },
  Less: { expr: "x < y ? 1 : 0", dtype: "bool" },
  LessEqual: { expr: "x <= y ? 1 : 0", dtype: "bool" },
  Equal: { expr: "x === y ? 1 : 0", dtype: "bool" },
  NotEqual: { expr: "x !== y ? 1 : 0", dtype: "bool" },
};

// Softplus thresholds as in tfjs (and TensorFlow): log(2^-23) + 2.
const SOFTPLUS_T = Math.log(1.1920928955078125e-7) + 2;
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_SCALE_ALPHA = 1.7580993408473768599402175208123;

/**
 * Unary kernels on float32: the expression in `x`, and the attributes read as `p` and `q`.
 * Each is the CPU backend's own formula, so results match it exactly.
 */
const UNARY: Record<string, { expr: string; p?: string; q?: string }> = {
  // Branch-free (random signs make `x > 0 ? x : 0` mispredict: 6× slower in a training step).
  Relu: { expr: "x === -Infinity ? 0 : (x + Math.abs(x)) * 0.5" },
  Relu6: { expr: "x === -Infinity ? 0 : Math.min((x + Math.abs(x)) * 0.5, 6)" },
  // Number(x > 0) compiles without a branch (random signs make a branch mispredict half the time).
  Step: { expr: "x !== x ? x : p === 0 ? Number(x > 0) : x > 0 ? 1 : p", p: "alpha" },
  LeakyRelu: { expr: "x < 0 ? p * x : x", p: "alpha" },
  Elu: { expr: "x >= 0 ? x : Math.exp(x) - 1" },
  Selu: { expr: `x >= 0 ? ${SELU_SCALE} * x : ${SELU_SCALE_ALPHA} * (Math.exp(x) - 1)` },
  Sigmoid: { expr: "1 / (1 + Math.exp(-x))" },
  Softplus: {
    expr: `x < ${SOFTPLUS_T} ? Math.exp(x) : x > ${-SOFTPLUS_T} ? x : Math.log(1 + Math.exp(x))`,
  },
  Tanh: { expr: "Math.tanh(x)" },
  Exp: { expr: "Math.exp(x)" },
  Expm1: { expr: "Math.expm1(x)" },
  Log: { expr: "Math.log(x)" },
  Log1p: { expr: "Math.log1p(x)" },
  Sqrt: { expr: "Math.sqrt(x)" },
  Rsqrt: { expr: "1 / Math.sqrt(x)" },
  Square: { expr: "x * x" },
  Neg: { expr: "-x" },
  Abs: { expr: "Math.abs(x)" },
  Sign: { expr: "x < 0 ? -1 : x > 0 ? 1 : 0" },
  Reciprocal: { expr: "1 / x" },
  Sin: { expr: "Math.sin(x)" },
  Cos: { expr: "Math.cos(x)" },
  Floor: { expr: "Math.floor(x)" },
  Ceil: { expr: "Math.ceil(x)" },
  ClipByValue: { expr: "x > q ? q : x < p ? p : x", p: "clipValueMin", q: "clipValueMax" },
};

// The loops are compiled from source (one function per op and inner-loop shape) because a shared
// loop calling the op as a closure is what makes the CPU backend slow: V8 cannot inline a
// call site that sees many different closures.
function compileBinary(expr: string): BinaryLoops {
  const make = (pre: string, x: string, y: string) =>
    new Function(
      "a",
      "ao",
      "b",
      "bo",
      "o",
      "oo",
      "n",
      `"use strict";${pre}for (let i = 0; i < n; i++) {${x}${y}o[oo + i] = ${expr};}`,
    ) as BinaryLoop;
  const flat = (pre: string, x: string, y: string) =>
    new Function(
      "a",
      "ao",
      "b",
      "bo",
      "o",
      "oo",
      "n",
      `"use strict";${pre}for (let i = 0; i < n; i++) {${x}${y}o[i] = ${expr};}`,
    ) as BinaryLoop;
  return {
    both: make("", "const x = a[ao + i];", "const y = b[bo + i];"),
    aOnly: make("const y = b[bo];", "const x = a[ao + i];", ""),
    bOnly: make("const x = a[ao];", "", "const y = b[bo + i];"),
    flatBoth: flat("", "const x = a[i];", "const y = b[i];"),
    flatAOnly: flat("const y = b[0];", "const x = a[i];", ""),
    flatBOnly: flat("const x = a[0];", "", "const y = b[i];"),
  };
}

/**
 * Compiles a unary loop with the attribute values written in as literals (V8 then folds
 * `p === 0 ? … : …` away; read from a parameter, they slowed the loops 2–5×).
 */
function compileUnary(expr: string, p: number, q: number): UnaryLoop {
  return new Function(
    "xs",
    "o",
    "n",
    `"use strict";const p = ${literal(p)};const q = ${literal(q)};` +
      `for (let i = 0; i < n; i++) {const x = xs[i];o[i] = ${expr};}`,
  ) as UnaryLoop;
}

function literal(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

/** A broadcast collapsed to as few dimensions as possible: sizes and each input's strides. */
interface BroadcastPlan {
  outShape: number[];
  dims: number[];
  aStrides: number[];
  bStrides: number[];
}

/** Strides of `shape` indexed by the dimensions of `outShape` (0 where it broadcasts). */
function stridesIn(shape: number[], outShape: number[]): number[] {
  const r = outShape.length;
  const offset = r - shape.length;
  const strides = new Array<number>(r).fill(0);
  let stride = 1;
  for (let j = shape.length - 1; j >= 0; j--) {
    if (shape[j] !== 1) strides[j + offset] = stride;
    stride *= shape[j];
  }
  return strides;
}

/**
 * Plans a broadcast of a and b: drops size-1 dimensions and merges neighbours that are
 * contiguous in both inputs, so `[128, 256] + [256]` becomes 128 rows of 256 and a same-shape
 * op becomes one loop.
 */
export function broadcastPlan(aShape: number[], bShape: number[]): BroadcastPlan {
  const outShape = tf.backend_util.assertAndGetBroadcastShape(aShape, bShape);
  const aS = stridesIn(aShape, outShape);
  const bS = stridesIn(bShape, outShape);
  const dims: number[] = [];
  const aStrides: number[] = [];
  const bStrides: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    const d = outShape[i];
    if (d === 1) continue;
    const k = dims.length - 1;
    if (k >= 0 && aStrides[k] === aS[i] * d && bStrides[k] === bS[i] * d) {
      dims[k] *= d;
      aStrides[k] = aS[i];
      bStrides[k] = bS[i];
    } else {
      dims.push(d);
      aStrides.push(aS[i]);
      bStrides.push(bS[i]);
    }
  }
  return { outShape, dims, aStrides, bStrides };
}

/**
 * Runs a binary op over a broadcast plan into `out`.
 *
 * @param loops The op's inner loops.
 * @param plan The collapsed broadcast.
 * @param a First input's values.
 * @param b Second input's values.
 * @param out The output (size of the plan's output shape).
 */
export function runBinary(
  loops: BinaryLoops,
  plan: BroadcastPlan,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array | Uint8Array,
): void {
  const { dims, aStrides, bStrides } = plan;
  const r = dims.length;
  if (r === 0) {
    loops.flatBoth(a, 0, b, 0, out, 0, 1);
    return;
  }
  const inner = dims[r - 1];
  const as = aStrides[r - 1];
  const bs = bStrides[r - 1];
  if (r === 1) {
    const flat = as === 1 && bs === 1
      ? loops.flatBoth
      : as === 1
      ? loops.flatAOnly
      : loops.flatBOnly;
    flat(a, 0, b, 0, out, 0, inner);
    return;
  }
  const loop = as === 1 && bs === 1 ? loops.both : as === 1 ? loops.aOnly : loops.bOnly;
  const outer = out.length / inner;
  const idx = new Array<number>(r - 1).fill(0);
  let ao = 0;
  let bo = 0;
  for (let o = 0; o < outer; o++) {
    loop(a, ao, b, bo, out, o * inner, inner);
    for (let k = r - 2; k >= 0; k--) {
      idx[k]++;
      ao += aStrides[k];
      bo += bStrides[k];
      if (idx[k] < dims[k]) break;
      ao -= aStrides[k] * dims[k];
      bo -= bStrides[k] * dims[k];
      idx[k] = 0;
    }
  }
}

const compiledBinary = new Map<string, BinaryLoops>();

/**
 * The compiled loops of a binary op, e.g. `binaryLoops("Add")`.
 *
 * @param name A key of the binary table.
 * @returns Its loops.
 */
export function binaryLoops(name: string): BinaryLoops {
  let loops = compiledBinary.get(name);
  if (loops === undefined) {
    loops = compileBinary(BINARY[name].expr);
    compiledBinary.set(name, loops);
  }
  return loops;
}

/** Below this many elements an FFI call costs more than the loop it replaces. */
const BLAS_ELEMENTWISE_MIN = 2048;

let blasRef: Blas | undefined;

/**
 * Add, Sub and scaling through BLAS, which vectorizes what V8 does one element at a time (about
 * 2.5 ns per element here): `a ± b` is a copy and an `saxpy`, `a ± c` an `saxpy` with a vector of
 * ones, `c·a` a copy and an `sscal`, and a row or column broadcast (a bias) an `sger` with ones.
 * Each is one float32 rounding of the exact result, as in the loops. A zero scalar stays in the
 * loops because BLAS skips `alpha = 0` (which would turn NaN·0 into 0 and -0 + 0 into -0).
 *
 * @returns Whether BLAS did the work.
 */
function blasBinary(
  name: string,
  plan: BroadcastPlan,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
): boolean {
  const blas = blasRef;
  const n = out.length;
  if (blas === undefined || n < BLAS_ELEMENTWISE_MIN) return false;
  const { dims, aStrides: as, bStrides: bs } = plan;
  if (name === "Multiply") {
    if (dims.length !== 1 || as[0] + bs[0] !== 1) return false;
    const [x, c] = as[0] === 1 ? [a, b[0]] : [b, a[0]];
    if (c === 0 || c !== c) return false;
    blas.scopy(n, x, out);
    blas.sscal(n, c, out);
    return true;
  }
  if (name !== "Add" && name !== "Sub") return false;
  const sign = name === "Add" ? 1 : -1;
  if (dims.length === 1) {
    if (as[0] === 1 && bs[0] === 1) {
      blas.scopy(n, a, out);
      blas.saxpy(n, sign, b, out);
      return true;
    }
    const c = as[0] === 1 ? sign * b[0] : a[0];
    if (c === 0 || c !== c) return false;
    if (as[0] === 1) blas.scopy(n, a, out);
    else {
      blas.scopy(n, b, out);
      if (sign < 0) blas.sscal(n, -1, out);
    }
    blas.saxpy(n, c, onesOf(n), out);
    return true;
  }
  if (dims.length === 2) {
    const [rows, cols] = dims;
    // A full matrix and a row (stride pattern [0, 1]) or column ([1, 0]) vector.
    const full = (st: number[]) => st[0] === cols && st[1] === 1;
    const row = (st: number[]) => st[0] === 0 && st[1] === 1;
    const col = (st: number[]) => st[0] === 1 && st[1] === 0;
    let matrix: Float32Array;
    let vector: Float32Array;
    let vs: number[];
    if (full(as) && (row(bs) || col(bs))) [matrix, vector, vs] = [a, b, bs];
    else if (sign > 0 && full(bs) && (row(as) || col(as))) [matrix, vector, vs] = [b, a, as];
    else return false;
    blas.scopy(n, matrix, out);
    if (row(vs)) blas.sger(rows, cols, sign, onesOf(rows), vector, out);
    else blas.sger(rows, cols, sign, vector, onesOf(cols), out);
    return true;
  }
  return false;
}

/**
 * Computes `a (op) b` with broadcasting on float32 values (used by other native kernels too).
 *
 * @param backend The CPU backend.
 * @param name The binary op.
 * @param a First input.
 * @param b Second input.
 * @returns A new tensor.
 */
export function binaryFloat(backend: CpuBackend, name: string, a: Info, b: Info): Info {
  const plan = broadcastPlan(a.shape, b.shape);
  const spec = BINARY[name];
  const size = sizeOf(plan.outShape);
  const out = spec.dtype === "bool" ? new Uint8Array(size) : pool.alloc(size);
  if (size > 0) {
    const av = f32(backend, a);
    const bv = f32(backend, b);
    if (!(out instanceof Float32Array && blasBinary(name, plan, av, bv, out))) {
      runBinary(binaryLoops(name), plan, av, bv, out);
    }
  }
  return backend.makeTensorInfo(plan.outShape, spec.dtype, out);
}

function binaryKernel(name: string): NativeKernel {
  const fallback = cpuKernel(name);
  return (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    if (!allFloat32(a, b)) return fallback(args);
    return binaryFloat(args.backend, name, a, b);
  };
}

const compiledUnary = new Map<string, UnaryLoop>();

/**
 * Applies a unary op in place or into a new array (used by the fused matmul too).
 *
 * @param name A key of the unary table.
 * @param x Input values.
 * @param out Output values (may be `x` itself).
 * @param attrs The kernel's attributes.
 */
export function applyUnary(
  name: string,
  x: Float32Array,
  out: Float32Array,
  attrs: Record<string, unknown> = {},
): void {
  const spec = UNARY[name];
  const p = spec.p === undefined ? 0 : Number(attrs[spec.p]);
  const q = spec.q === undefined ? 0 : Number(attrs[spec.q]);
  const key = `${name} ${literal(p)} ${literal(q)}`;
  let loop = compiledUnary.get(key);
  if (loop === undefined) {
    // Attribute values are few in practice (alpha 0 or 0.2, clip bounds); bound the cache anyway.
    if (compiledUnary.size > 256) compiledUnary.clear();
    loop = compileUnary(spec.expr, p, q);
    compiledUnary.set(key, loop);
  }
  loop(x, out, out.length);
}

function unaryKernel(name: string): NativeKernel {
  const fallback = cpuKernel(name);
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: Info };
    if (x.dtype !== "float32") return fallback(args);
    const xs = f32(args.backend, x);
    const out = pool.alloc(sizeOf(x.shape));
    applyUnary(name, xs, out, args.attrs);
    return args.backend.makeTensorInfo(x.shape, "float32", out);
  };
}

/** `AddN`: the sum of same-shape tensors (gradient accumulation), one pass per input. */
function addN(args: KernelArgs): Info {
  const tensors = Object.values(args.inputs) as Info[];
  if (!allFloat32(...tensors)) return ADDN_FALLBACK(args) as Info;
  const n = sizeOf(tensors[0].shape);
  const out = pool.alloc(n);
  const add = binaryLoops("Add").flatBoth;
  out.set(f32(args.backend, tensors[0]));
  for (let t = 1; t < tensors.length; t++) {
    const x = f32(args.backend, tensors[t]);
    if (blasRef !== undefined && n >= BLAS_ELEMENTWISE_MIN) blasRef.saxpy(n, 1, x, out);
    else add(out, 0, x, 0, out, 0, n);
  }
  return args.backend.makeTensorInfo(tensors[0].shape, "float32", out);
}

let ADDN_FALLBACK: NativeKernel;

/**
 * The element-wise kernels of the native backend.
 *
 * @param blas The opened BLAS (for Add, Sub and scaling of large tensors).
 * @returns Kernel name → implementation.
 */
export function elementwiseKernels(blas: Blas): Record<string, NativeKernel> {
  blasRef = blas;
  const kernels: Record<string, NativeKernel> = {};
  for (const name of Object.keys(BINARY)) kernels[name] = binaryKernel(name);
  for (const name of Object.keys(UNARY)) kernels[name] = unaryKernel(name);
  ADDN_FALLBACK = cpuKernel("AddN");
  kernels.AddN = addN;
  return kernels;
}
