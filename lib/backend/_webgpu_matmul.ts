/**
 * minima's WGSL matrix product for the tfjs WebGPU backend: `BatchMatMul` and `_FusedMatMul`
 * (bias and activation applied in the same pass), with either operand transposed, batched with
 * a broadcast batch of one, in float32.
 *
 * The kernel is the classic shared-memory SGEMM: a workgroup of 16 × 16 threads computes a
 * tile of T × T outputs (32, 64 or 128, the largest that still gives enough workgroups to fill
 * a large GPU), staging TK-deep slices of both operands in workgroup memory; each thread
 * accumulates an R × R block in straight-line registers (rows ty + 16i, columns tx + 16j, so
 * neighbouring threads read neighbouring workgroup-memory words and write neighbouring output
 * words), and global loads are laid out so that neighbouring threads read neighbouring
 * addresses for every transpose. Its speed on a real GPU is unmeasured here (the CI adapter is
 * a software rasteriser); `bench/gpu_bench.ts` reports it against tfjs's own and PyTorch where
 * a GPU exists, and `MINIMA_WEBGPU_KERNELS=tfjs` turns minima's kernels off.
 *
 * Inputs tfjs's own kernel handles that this one does not (int32, or float32 kept in an int32
 * buffer after a cast; batch dimensions that broadcast other than by one; PReLU) go to tfjs's
 * kernel.
 *
 * @module
 */
import {
  floatBuffer,
  type Info,
  overrideWebGPUKernel,
  type WebGPUBackendLike,
} from "./_webgpu_kernel.ts";

/** Activations the fused kernel applies (tfjs's names). */
const ACTIVATIONS: Record<string, string> = {
  linear: "v",
  relu: "max(v, 0.0)",
  relu6: "clamp(v, 0.0, 6.0)",
  elu: "select(exp(v) - 1.0, v, v >= 0.0)",
  sigmoid: "1.0 / (1.0 + exp(-v))",
  leakyrelu: "select(uniforms.alpha * v, v, v >= 0.0)",
};

/**
 * The uniforms both matmul shaders declare, in the order `run` passes them (the thin kernel
 * ignores tileK), so that one uniform list serves either program.
 */
const MATMUL_UNIFORMS =
  "M : i32, N : i32, K : i32, batchA : i32, batchB : i32, alpha : f32, tileK : i32,";

/** A tile: T × T outputs per workgroup of W × W threads, staged TK deep. */
export interface Tile {
  t: number;
  k: number;
  w: number;
}

/**
 * Tiles for a real GPU, largest first: 128² (8 × 8 accumulators a thread) down to 32² for
 * small products, each staging 4 KiB of each operand per step.
 */
export const GPU_TILES: readonly Tile[] = [
  { t: 128, k: 8, w: 16 },
  { t: 64, k: 16, w: 16 },
  { t: 32, k: 32, w: 16 },
];

/**
 * Tiles for a software adapter: the same tiles and threads, staged 1 KiB deep. llvmpipe's
 * compile time grows with workgroup memory (about 20 s a shader with 4 KiB arrays against 1.4 s
 * with 1 KiB, measured), and its speed does not matter.
 */
export const SOFTWARE_TILES: readonly Tile[] = [
  { t: 128, k: 2, w: 16 },
  { t: 64, k: 4, w: 16 },
  { t: 32, k: 8, w: 16 },
];

let forcedTiles: readonly Tile[] | undefined;

/**
 * Makes the kernel use these tiles (largest first) instead of the adapter's; undefined restores
 * the default. For tests that cover a tile on purpose. Private to minima.
 *
 * @param tiles The tiles, or undefined.
 */
export function forceMatMulTiles(tiles: readonly Tile[] | undefined): void {
  forcedTiles = tiles;
}

/** Workgroups a tile must give before a larger one is preferred (a large GPU has 100+ cores). */
const MIN_WORKGROUPS = 128;

function pickTile(m: number, n: number, batch: number, software: boolean): Tile {
  const tiles = forcedTiles ?? (software ? SOFTWARE_TILES : GPU_TILES);
  for (const tile of tiles) {
    if (Math.ceil(m / tile.t) * Math.ceil(n / tile.t) * batch >= MIN_WORKGROUPS) return tile;
  }
  return tiles[tiles.length - 1];
}

interface MatMulConfig {
  transposeA: boolean;
  transposeB: boolean;
  bias: boolean;
  activation: string;
  tile: Tile;
}

/**
 * The program object tfjs's `runWebGPUProgram` takes (its WebGPUProgram interface).
 *
 * Operands go in flat and the output is [batch·M, N], with M, N, K and the batch counts as
 * uniforms, so that one compiled shader serves every shape: tfjs keys its shader cache by the
 * ranks and broadcast pattern of the inputs, and a software adapter takes minutes to compile one
 * of these. The workgroup grid is flat too (tile, then batch), which also lifts the 65,535 limit
 * of a single dimension (tfjs folds a long x into x·y·z, undone here).
 */
class MatMulProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number];
  uniforms = MATMUL_UNIFORMS;
  private config: MatMulConfig;

  constructor(batch: number, m: number, n: number, config: MatMulConfig) {
    this.config = config;
    this.workgroupSize = [config.tile.w, config.tile.w, 1];
    this.outputShape = [batch * m, n];
    const { t } = config.tile;
    this.dispatch = [Math.ceil(n / t) * Math.ceil(m / t) * batch, 1, 1];
    this.variableNames = config.bias ? ["A", "B", "bias"] : ["A", "B"];
    this.shaderKey = `minimaMatMul_${t}_${config.tile.k}_${config.tile.w}_${
      config.transposeA ? 1 : 0
    }${config.transposeB ? 1 : 0}_${config.bias ? "bias" : ""}_${config.activation}`;
  }

  getUserCode(): string {
    const { transposeA, transposeB, bias, activation, tile } = this.config;
    const T = tile.t, TK = tile.k, W = tile.w, R = T / W, threads = W * W;
    const loads = (T * TK) / threads;
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);
    // op(A)[b, m, k]: A is [batch, M, K], or [batch, K, M] when transposed. Neighbouring
    // threads take neighbouring addresses: along k, or along m when transposed; likewise B.
    const loadA = range(loads).map((l) => {
      const idx = transposeA
        ? `let kk = i / ${T}; let mm = i % ${T};`
        : `let mm = i / ${TK}; let kk = i % ${TK};`;
      const address = transposeA ? "(k0 + kk) * M + row0 + mm" : "(row0 + mm) * K + k0 + kk";
      return `{ let i = tid + ${l * threads}; ${idx}
        var v = 0.0;
        if (row0 + mm < M && k0 + kk < K) { v = A[aBase + ${address}]; }
        As[kk * ${T} + mm] = v; }`;
    }).join("\n      ");
    const loadB = range(loads).map((l) => {
      const idx = transposeB
        ? `let nn = i / ${TK}; let kk = i % ${TK};`
        : `let kk = i / ${T}; let nn = i % ${T};`;
      const address = transposeB ? "(col0 + nn) * K + k0 + kk" : "(k0 + kk) * N + col0 + nn";
      return `{ let i = tid + ${l * threads}; ${idx}
        var v = 0.0;
        if (col0 + nn < N && k0 + kk < K) { v = B[bBase + ${address}]; }
        Bs[kk * ${T} + nn] = v; }`;
    }).join("\n      ");
    const accs = range(R).flatMap((i) => range(R).map((j) => `acc${i}_${j}`));
    const declare = accs.map((a) => `var ${a} = 0.0;`).join(" ");
    const readA = range(R).map((i) => `let a${i} = As[base + ty + ${W * i}];`).join(" ");
    const readB = range(R).map((j) => `let b${j} = Bs[base + tx + ${W * j}];`).join(" ");
    const fmas = range(R).flatMap((i) =>
      range(R).map((j) => `acc${i}_${j} = fma(a${i}, b${j}, acc${i}_${j});`)
    ).join("\n          ");
    const store = range(R).map((i) =>
      `if (row0 + ty + ${W * i} < M) {
      let out = outBase + (row0 + ty + ${W * i}) * N;
      ${
        range(R).map((j) =>
          `if (col0 + tx + ${W * j} < N) { result[out + col0 + tx + ${W * j}] = act(acc${i}_${j}${
            bias ? ` + bias[select(col0 + tx + ${W * j}, 0, uniforms.biasShape == 1)]` : ""
          }); }`
        ).join("\n      ")
      }
    }`
    ).join("\n    ");
    return `
  var<workgroup> As : array<f32, ${TK * T}>;
  var<workgroup> Bs : array<f32, ${TK * T}>;

  fn act(v : f32) -> f32 { return ${ACTIVATIONS[activation]}; }

  fn main(index : i32) {
    let M = uniforms.M;
    let N = uniforms.N;
    let K = uniforms.K;
    let tilesN = (N + ${T - 1}) / ${T};
    let tilesM = (M + ${T - 1}) / ${T};
    let wg = i32((workgroupId.z * numWorkgroups.y + workgroupId.y) * numWorkgroups.x +
      workgroupId.x);
    // Workgroups past the last tile (when tfjs folds a long grid) compute a clamped tile and
    // store nothing: an early return before the barriers would make them non-uniform.
    let batches = max(uniforms.batchA, uniforms.batchB);
    let valid = wg < tilesN * tilesM * batches;
    let batch = min(wg / (tilesN * tilesM), batches - 1);
    let row0 = ((wg / tilesN) % tilesM) * ${T};
    let col0 = (wg % tilesN) * ${T};
    let aBase = select(batch, 0, uniforms.batchA == 1) * M * K;
    let bBase = select(batch, 0, uniforms.batchB == 1) * K * N;
    let tx = i32(localId.x);
    let ty = i32(localId.y);
    let tid = ty * ${W} + tx;
    ${declare}
    for (var k0 = 0; k0 < K; k0 = k0 + ${TK}) {
      ${loadA}
      ${loadB}
      workgroupBarrier();
      for (var kk = 0; kk < uniforms.tileK; kk = kk + 1) {
        let base = kk * ${T};
        ${readA}
        ${readB}
        ${fmas}
      }
      workgroupBarrier();
    }
    if (!valid) { return; }
    let outBase = batch * M * N;
    ${store}
  }
`;
  }
}

/**
 * Products with a very thin side and a short inner dimension (m or n ≤ 4, K ≤ 64): one thread
 * per output, looping over K. A Krylov method's linear combination of its basis, [1, k]·[k, d],
 * filled one 32 × 32 tile row of 32 per workgroup in the tiled kernel (31/32 of the work
 * wasted); here neighbouring threads read neighbouring columns of B.
 */
class ThinMatMulProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number] = [THIN_WORKGROUP, 1, 1];
  uniforms = MATMUL_UNIFORMS;
  private config: MatMulConfig;

  constructor(batch: number, m: number, n: number, config: MatMulConfig) {
    this.config = config;
    this.outputShape = [batch * m, n];
    this.dispatch = [Math.ceil((batch * m * n) / THIN_WORKGROUP), 1, 1];
    this.variableNames = config.bias ? ["A", "B", "bias"] : ["A", "B"];
    this.shaderKey = `minimaThinMatMul_${config.transposeA ? 1 : 0}${config.transposeB ? 1 : 0}_${
      config.bias ? "bias" : ""
    }_${config.activation}`;
  }

  getUserCode(): string {
    const { transposeA, transposeB, bias, activation } = this.config;
    const aAt = transposeA ? "A[aBase + kk * M + row]" : "A[aBase + row * K + kk]";
    const bAt = transposeB ? "B[bBase + col * K + kk]" : "B[bBase + kk * N + col]";
    return `
  fn act(v : f32) -> f32 { return ${ACTIVATIONS[activation]}; }

  fn main(index : i32) {
    let M = uniforms.M;
    let N = uniforms.N;
    let K = uniforms.K;
    let wg = i32((workgroupId.z * numWorkgroups.y + workgroupId.y) * numWorkgroups.x +
      workgroupId.x);
    let g = wg * ${THIN_WORKGROUP} + i32(localId.x);
    let batches = max(uniforms.batchA, uniforms.batchB);
    if (g >= batches * M * N) { return; }
    let batch = g / (M * N);
    let row = (g / N) % M;
    let col = g % N;
    let aBase = select(batch, 0, uniforms.batchA == 1) * M * K;
    let bBase = select(batch, 0, uniforms.batchB == 1) * K * N;
    var acc = 0.0;
    for (var kk = 0; kk < K; kk = kk + 1) {
      acc = fma(${aAt}, ${bAt}, acc);
    }
    result[g] = act(acc${bias ? " + bias[select(col, 0, uniforms.biasShape == 1)]" : ""});
  }
`;
  }
}

const THIN_WORKGROUP = 64;
/** The thin kernel's limits: a side of at most 4, an inner dimension of at most 64. */
const THIN_SIDE = 4;
const THIN_K = 64;
/**
 * Outputs this small with an inner dimension this long go to tfjs's kernel, which splits K over
 * workgroups; the tiled kernel runs them on one workgroup (an inner product of Krylov vectors,
 * [k, d]·[d, 1], took twice tfjs's time on the software adapter, and Lanczos on the GPU at
 * d = 269,322 took 1.85× tfjs's kernels' time).
 */
const SPLIT_K_MAX_OUTPUT = 256;
const SPLIT_K_MIN_K = 4096;

type KernelFunc = (args: {
  inputs: Record<string, Info | undefined>;
  backend: unknown;
  attrs: Record<string, unknown>;
}) => Info | Info[];

let enabled = true;

/**
 * Turns minima's WebGPU kernels on or off (tfjs's own run when off); for benchmarks and tests
 * that compare the two. Private to minima.
 *
 * @param on Whether minima's kernels run.
 * @returns The previous setting.
 */
export function setMinimaWebGPUKernels(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** Whether minima's WebGPU kernels run (see {@linkcode setMinimaWebGPUKernels}). */
export function minimaKernelsEnabled(): boolean {
  return enabled;
}

/** Dispatches of minima's matmul so far (tests check that it, not tfjs's, ran). */
export let minimaMatMulRuns = 0;

const software = new WeakMap<object, boolean>();

/** Whether the backend's adapter is a software rasteriser (llvmpipe, SwiftShader, WARP). */
function isSoftware(backend: WebGPUBackendLike): boolean {
  let known = software.get(backend);
  if (known === undefined) {
    const info = (backend as unknown as { device: { adapterInfo?: GPUAdapterInfo } }).device
      .adapterInfo;
    const text = `${info?.description ?? ""} ${info?.device ?? ""}`;
    known = Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter) ||
      /llvmpipe|lavapipe|swiftshader|software|warp/i.test(text);
    software.set(backend, known);
  }
  return known;
}

function product(xs: number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/**
 * Runs the product if minima's kernel takes these inputs; undefined hands them to tfjs's.
 * a: [...outerA, rowsA, colsA], b likewise; the outer dimensions must be equal or one be empty
 * (or all ones), as a batch of one broadcast against the other.
 */
function run(
  backend: WebGPUBackendLike,
  a: Info,
  b: Info,
  bias: Info | undefined,
  attrs: { transposeA?: boolean; transposeB?: boolean; activation?: string; alpha?: number },
): Info | undefined {
  if (!enabled || !floatBuffer(backend, a) || !floatBuffer(backend, b)) return undefined;
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const activation = attrs.activation ?? "linear";
  if (!(activation in ACTIVATIONS)) return undefined;
  if (bias !== undefined && !floatBuffer(backend, bias)) return undefined;
  const transposeA = Boolean(attrs.transposeA), transposeB = Boolean(attrs.transposeB);
  const ra = a.shape.length, rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return undefined; // tfjs's kernel words the error
  const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
  const batchA = product(outerA), batchB = product(outerB);
  let outer: number[];
  if (batchA === batchB && outerA.join() === outerB.join()) outer = outerA;
  else if (batchA === 1) outer = outerB.length >= outerA.length ? outerB : outerA;
  else if (batchB === 1) outer = outerA.length >= outerB.length ? outerA : outerB;
  else return undefined;
  const batch = Math.max(batchA, batchB);
  if (bias !== undefined) {
    // A bias of N values (any leading ones), or one value, broadcast over the rows.
    const size = product(bias.shape);
    const lastIsN = bias.shape.length > 0 && bias.shape[bias.shape.length - 1] === n;
    if (!(size === 1 || (size === n && lastIsN))) return undefined;
  }
  const outShape = [...outer, m, n];
  if (batch * m * n <= SPLIT_K_MAX_OUTPUT && k >= SPLIT_K_MIN_K) return undefined;
  const tile = pickTile(m, n, batch, isSoftware(backend));
  const config = { transposeA, transposeB, bias: bias !== undefined, activation, tile };
  const thin = Math.min(m, n) <= THIN_SIDE && k <= THIN_K && m * n > 0;
  const program = thin
    ? new ThinMatMulProgram(batch, m, n, config)
    : new MatMulProgram(batch, m, n, config);
  const flat = (x: Info): Info => ({ ...x, shape: [product(x.shape)] });
  const inputs = bias === undefined ? [flat(a), flat(b)] : [flat(a), flat(b), flat(bias)];
  const uniforms = [
    { type: "int32", data: [m] },
    { type: "int32", data: [n] },
    { type: "int32", data: [k] },
    { type: "int32", data: [batchA] },
    { type: "int32", data: [batchB] },
    { type: "float32", data: [attrs.alpha ?? 0.2] },
    { type: "int32", data: [tile.k] },
  ];
  minimaMatMulRuns++;
  const out = backend.runWebGPUProgram(program, inputs, "float32", uniforms);
  return { dataId: out.dataId, shape: outShape, dtype: out.dtype };
}

function install(): void {
  try {
    if (Deno.env.get("MINIMA_WEBGPU_KERNELS") === "tfjs") enabled = false;
  } catch { /* no --allow-env: minima's kernels stay on */ }
  overrideWebGPUKernel<KernelFunc>("BatchMatMul", (original) => (args) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    return run(args.backend as WebGPUBackendLike, a, b, undefined, args.attrs) ?? original(args);
  });
  overrideWebGPUKernel<KernelFunc>("_FusedMatMul", (original) => (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs;
    if (preluActivationWeights) return original(args);
    const attrs = args.attrs as { leakyreluAlpha?: number };
    return run(args.backend as WebGPUBackendLike, a!, b!, bias, {
      ...args.attrs,
      alpha: attrs.leakyreluAlpha,
    }) ?? original(args);
  });
}

install();
