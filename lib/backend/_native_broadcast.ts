/**
 * Binary element-wise kernels for broadcasts along short inner dimensions, the pattern of
 * per-channel operations on image tensors: `[n, h, w, c] · [c]` (a BatchNorm scale or a bias),
 * `[n, h, w, c] · [n, 1, 1, c]` (the gradient of a global average pool). Private to
 * `lib/backend/`. Also the transposed pattern, one value per row of c (`[m, 1] + [m, c]`, the
 * gradient of a sum over the last axis).
 *
 * The general native loops walk such a broadcast one row of c elements at a time, a function
 * call per row: with c = 16 that costs 1.2–1.8 ns per element, 3–4× a plain loop (and a nested
 * loop with offsets is no faster: V8 keeps the bounds checks of `a[r + j]`). Here the short
 * operand's row is repeated into a tile of a few thousand elements and the op runs as a flat loop
 * over tile-sized views, about 0.6 ns per element. Arithmetic is the same
 * float64 expression stored as float32, so results are bit-identical to the CPU backend. Other
 * shapes go to the general kernels.
 *
 * @module
 */
import {
  allFloat32,
  f32,
  type Info,
  type KernelArgs,
  type NativeKernel,
  sizeOf,
} from "./_native_util.ts";
import { pool } from "./_native_pool.ts";
import { broadcastPlan } from "./_native_elementwise.ts";

/** The ops handled here, with the CPU backend's expressions. */
const OPS: Record<string, string> = {
  Add: "x + y",
  Sub: "x - y",
  Multiply: "x * y",
  RealDiv: "x / y",
  Maximum: "Math.max(x, y)",
  Minimum: "Math.min(x, y)",
  SquaredDifference: "(x - y) * (x - y)",
};

type FlatLoop = (a: Float32Array, b: Float32Array, o: Float32Array, n: number) => void;

/**
 * One flat loop per op, compiled here rather than shared with the general kernels: a loop that
 * sees only this file's calls keeps monomorphic feedback (shared, the first op timed ran at 1.6
 * ns per element for a hundred calls before V8 settled).
 */
const FLAT: Record<string, FlatLoop> = Object.fromEntries(
  Object.entries(OPS).map(([op, expr]) => [
    op,
    new Function(
      "a",
      "b",
      "o",
      "n",
      `"use strict";for (let i = 0; i < n; i++) {const x = a[i];const y = b[i];o[i] = ${expr};}`,
    ) as FlatLoop,
  ]),
);

type ColumnLoop = (
  v: Float32Array,
  d: Float32Array,
  o: Float32Array,
  outer: number,
  rows: number,
  c: number,
  outerStride: number,
) => void;

/**
 * Loops for a column broadcast (one value per row of the dense operand), with the column operand
 * as a (`columnA`) or as b (`columnB`).
 */
const COLUMN: Record<string, { columnA: ColumnLoop; columnB: ColumnLoop }> = Object.fromEntries(
  Object.entries(OPS).map(([op, expr]) => {
    const make = (x: string, y: string) =>
      new Function(
        "v",
        "d",
        "o",
        "outer",
        "rows",
        "c",
        "outerStride",
        `"use strict";let i = 0;
        for (let q = 0; q < outer; q++) {
          const base = q * outerStride;
          for (let r = 0; r < rows; r++) {
            const col = v[base + r];
            for (let j = 0; j < c; j++, i++) {const x = ${x};const y = ${y};o[i] = ${expr};}
          }
        }`,
      ) as ColumnLoop;
    return [op, { columnA: make("col", "d[i]"), columnB: make("d[i]", "col") }];
  }),
);

/** Inner dimensions at least this long go to the general kernels (their per-row call is cheap). */
const MAX_INNER = 128;

/** Elements per tile (a whole number of rows). */
const TILE = 4096;

let tile = new Float32Array(TILE + MAX_INNER);

/**
 * `a (op) b` when the broadcast collapses to [rows, c] or [outer, rows, c] (c short), one input
 * dense and the other constant along the rows (stride pattern [0, 1] or [s, 0, 1]); otherwise
 * undefined. The broadcast input's row is repeated into a tile of whole rows, and the op runs as
 * a flat loop over tile-sized views.
 */
function broadcastBinary(op: string, args: KernelArgs): Info | undefined {
  const { a, b } = args.inputs as { a: Info; b: Info };
  if (!allFloat32(a, b)) return undefined;
  const plan = broadcastPlan(a.shape, b.shape);
  const r = plan.dims.length;
  if (r < 2 || r > 3) return undefined;
  const c = plan.dims[r - 1];
  if (c >= MAX_INNER) return undefined;
  const dense = (st: number[]) => {
    let size = 1;
    for (let i = r - 1; i >= 0; i--) {
      if (st[i] !== size) return false;
      size *= plan.dims[i];
    }
    return true;
  };
  const rowBroadcast = (st: number[]) => st[r - 1] === 1 && st[r - 2] === 0;
  const columnBroadcast = (st: number[]) => st[r - 1] === 0 && st[r - 2] === 1;
  if (dense(plan.aStrides) && columnBroadcast(plan.bStrides)) return column(op, args, plan, false);
  if (dense(plan.bStrides) && columnBroadcast(plan.aStrides)) return column(op, args, plan, true);
  let denseIsA: boolean;
  if (dense(plan.aStrides) && rowBroadcast(plan.bStrides)) denseIsA = true;
  else if (dense(plan.bStrides) && rowBroadcast(plan.aStrides)) denseIsA = false;
  else return undefined;
  const outer = r === 3 ? plan.dims[0] : 1;
  const rows = plan.dims[r - 2];
  const outerStride = r === 3 ? (denseIsA ? plan.bStrides[0] : plan.aStrides[0]) : 0;
  const av = f32(args.backend, a), bv = f32(args.backend, b);
  const [full, row] = denseIsA ? [av, bv] : [bv, av];
  const out = pool.alloc(sizeOf(plan.outShape));
  const flat = FLAT[op];
  const tileRows = Math.max(1, Math.min(rows, Math.floor(TILE / c)));
  const tileLen = tileRows * c;
  if (tile.length < tileLen) tile = new Float32Array(tileLen);
  const perOuter = rows * c;
  for (let o = 0; o < outer; o++) {
    const src = row.subarray(o * outerStride, o * outerStride + c);
    for (let k = 0; k < tileRows; k++) tile.set(src, k * c);
    for (let s = 0; s < perOuter; s += tileLen) {
      const e = Math.min(tileLen, perOuter - s);
      const at = o * perOuter + s;
      const x = full.subarray(at, at + e), o2 = out.subarray(at, at + e), t = tile.subarray(0, e);
      if (denseIsA) flat(x, t, o2, e);
      else flat(t, x, o2, e);
    }
  }
  return args.backend.makeTensorInfo(plan.outShape, "float32", out);
}

/** A column broadcast: the column operand (a when `columnIsA`) has one value per row. */
function column(
  op: string,
  args: KernelArgs,
  plan: ReturnType<typeof broadcastPlan>,
  columnIsA: boolean,
): Info {
  const { a, b } = args.inputs as { a: Info; b: Info };
  const r = plan.dims.length;
  const [outer, rows, c] = r === 3 ? plan.dims : [1, ...plan.dims];
  const strides = columnIsA ? plan.aStrides : plan.bStrides;
  const av = f32(args.backend, a), bv = f32(args.backend, b);
  const out = pool.alloc(sizeOf(plan.outShape));
  const loops = COLUMN[op];
  if (columnIsA) loops.columnA(av, bv, out, outer, rows, c, r === 3 ? strides[0] : 0);
  else loops.columnB(bv, av, out, outer, rows, c, r === 3 ? strides[0] : 0);
  return args.backend.makeTensorInfo(plan.outShape, "float32", out);
}

/**
 * Broadcast fast paths for the binary kernels in `general`, which handle every other case.
 *
 * @param general The kernels to fall back to (the native element-wise ones).
 * @returns Kernel name → implementation.
 */
export function broadcastKernels(
  general: Record<string, NativeKernel>,
): Record<string, NativeKernel> {
  const kernels: Record<string, NativeKernel> = {};
  for (const op of Object.keys(OPS)) {
    const fallback = general[op];
    if (fallback === undefined) continue;
    kernels[op] = (args: KernelArgs) => broadcastBinary(op, args) ?? fallback(args);
  }
  return kernels;
}
