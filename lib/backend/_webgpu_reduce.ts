/**
 * minima's WGSL column sum for the tfjs WebGPU backend: `Sum` over leading axes (the bias
 * gradient of every dense layer, Σ over the batch of dy, and the broadcast-back sums of double
 * backprop) in one pass. tfjs's kernel reduces only innermost axes, so it transposes first: two
 * dispatches and a full copy of the summand. Other sums (innermost axes, int32 or int32-backed
 * float32, empty inputs) stay tfjs's. Speed on a real GPU is unmeasured here; correctness is checked against the CPU
 * backend in `webgpu_kernels_test.ts`.
 *
 * @module
 */
import { tf } from "./_tfjs.ts";
import { minimaKernelsEnabled } from "./_webgpu_matmul.ts";
import {
  floatBuffer,
  type Info,
  overrideWebGPUKernel,
  type WebGPUBackendLike,
} from "./_webgpu_kernel.ts";

/** Columns a workgroup sums, and the row lanes that share each column. */
const COLS = 64;
const LANES = 4;

/**
 * x viewed as [R, C] (flat input, uniforms R and C) summed over R: each of the 4 lanes of a
 * column adds every 4th row (neighbouring threads read neighbouring columns of a row), then
 * lane 0 adds the four partial sums from workgroup memory.
 */
class ColumnSumProgram {
  outputShape: number[];
  shaderKey = "minimaColumnSum";
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ["x"];
  workgroupSize: [number, number, number] = [COLS, LANES, 1];
  uniforms = "R : i32, C : i32,";

  constructor(columns: number) {
    this.outputShape = [columns];
    this.dispatch = [Math.ceil(columns / COLS), 1, 1];
  }

  getUserCode(): string {
    return `
  var<workgroup> partial : array<f32, ${COLS * LANES}>;

  fn main(index : i32) {
    let col = i32(workgroupId.x) * ${COLS} + i32(localId.x);
    let lane = i32(localId.y);
    var s = 0.0;
    if (col < uniforms.C) {
      for (var r = lane; r < uniforms.R; r = r + ${LANES}) { s = s + x[r * uniforms.C + col]; }
    }
    partial[lane * ${COLS} + i32(localId.x)] = s;
    workgroupBarrier();
    if (lane == 0 && col < uniforms.C) {
      var total = 0.0;
      for (var l = 0; l < ${LANES}; l = l + 1) { total = total + partial[l * ${COLS} + i32(localId.x)]; }
      result[col] = total;
    }
  }
`;
  }
}

/** Sums of minima's kernel so far (tests check that it ran). */
export let minimaColumnSumRuns = 0;

function install(): void {
  type KernelFunc = (args: {
    inputs: { x: Info };
    backend: unknown;
    attrs: { axis: number | number[]; keepDims: boolean };
  }) => Info;
  overrideWebGPUKernel<KernelFunc>("Sum", (original) => (args) => {
    const { x } = args.inputs;
    if (!minimaKernelsEnabled() || !floatBuffer(args.backend, x)) return original(args);
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(args.attrs.axis, x.shape).sort((a, b) => a - b);
    // Leading axes only, and not all of them (that is tfjs's innermost reduction).
    const p = axes.length;
    if (p === 0 || p === rank || axes.some((a, i) => a !== i)) return original(args);
    const rows = x.shape.slice(0, p).reduce((a, b) => a * b, 1);
    const outer = x.shape.slice(p);
    const columns = outer.reduce((a, b) => a * b, 1);
    if (rows <= 1 || columns === 0) return original(args);
    minimaColumnSumRuns++;
    const out = (args.backend as WebGPUBackendLike).runWebGPUProgram(
      new ColumnSumProgram(columns),
      [{ ...x, shape: [rows * columns] }],
      "float32",
      [{ type: "int32", data: [rows] }, { type: "int32", data: [columns] }],
    );
    const shape = args.attrs.keepDims ? [...new Array(p).fill(1), ...outer] : outer;
    return { dataId: out.dataId, shape, dtype: out.dtype };
  });
}

install();
