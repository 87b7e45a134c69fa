/**
 * Opening an optimized BLAS through Deno's FFI (`Deno.dlopen`): OpenBLAS on Linux, Accelerate on
 * macOS, or any library exporting the CBLAS interface. Private to `lib/backend/`.
 *
 * Nothing here throws for a missing or broken library: {@linkcode openBlas} returns a one-line
 * reason instead, so the backend choice can fall back to WASM.
 *
 * @module
 */

/** CBLAS constants (row-major, no transpose, transpose). */
export const ROW_MAJOR = 101;
export const NO_TRANS = 111;
export const TRANS = 112;

const SYMBOLS = {
  cblas_sgemm: {
    // order, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f32",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  cblas_sgemv: {
    // order, trans, m, n, alpha, A, lda, x, incx, beta, y, incy
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f32",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  cblas_sger: {
    // order, m, n, alpha, x, incx, y, incy, A, lda
    parameters: ["i32", "i32", "i32", "f32", "buffer", "i32", "buffer", "i32", "buffer", "i32"],
    result: "void",
  },
  // n, alpha, x, incx, y, incy
  cblas_saxpy: { parameters: ["i32", "f32", "buffer", "i32", "buffer", "i32"], result: "void" },
  cblas_scopy: { parameters: ["i32", "buffer", "i32", "buffer", "i32"], result: "void" },
  cblas_sscal: { parameters: ["i32", "f32", "buffer", "i32"], result: "void" },
  // OpenBLAS extension: B = alpha * op(A), out of place (a fast transpose).
  cblas_somatcopy: {
    parameters: ["i32", "i32", "i32", "i32", "f32", "buffer", "i32", "buffer", "i32"],
    result: "void",
    optional: true,
  },
  openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
  openblas_get_corename: { parameters: [], result: "pointer", optional: true },
  // Intel MKL and BLIS, only to name them in the report.
  MKL_Get_Max_Threads: { parameters: [], result: "i32", optional: true },
  MKL_Set_Num_Threads: { parameters: ["i32"], result: "void", optional: true },
  bli_info_get_version_str: { parameters: [], result: "pointer", optional: true },
} as const;

type BlasLibrary = Deno.DynamicLibrary<typeof SYMBOLS>;

/** What was opened, for reports. */
export interface BlasInfo {
  /** A name for people, e.g. `"OpenBLAS 0.3.21 (Cooperlake)"` or `"Accelerate"`. */
  name: string;
  /** The path given to `dlopen`. */
  path: string;
  /** Threads the BLAS uses now (1 when the library cannot tell or set it). */
  threads: number;
  /** Whether the thread count can be changed from here. */
  threadsSettable: boolean;
  /** Measured single-call speed of a 256×256×256 sgemm, in GFLOP/s (a probe, not a benchmark). */
  gflops: number;
}

/** The BLAS entry points the native kernels call. Arrays may be views (their offset is used). */
export interface Blas {
  info: BlasInfo;
  /** Row-major C = alpha·op(A)·op(B) + beta·C. */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
  /** Row-major y = alpha·op(A)·x + beta·y, A is m×n. */
  sgemv(
    trans: boolean,
    m: number,
    n: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    x: Float32Array,
    beta: number,
    y: Float32Array,
  ): void;
  /** Row-major A += alpha·x·yᵀ, A is m×n. */
  sger(
    m: number,
    n: number,
    alpha: number,
    x: Float32Array,
    y: Float32Array,
    a: Float32Array,
  ): void;
  /** y += alpha·x over n elements. */
  saxpy(n: number, alpha: number, x: Float32Array, y: Float32Array): void;
  /** y = x over n elements. */
  scopy(n: number, x: Float32Array, y: Float32Array): void;
  /** x *= alpha over n elements. */
  sscal(n: number, alpha: number, x: Float32Array): void;
  /** B (cols×rows) = Aᵀ for a row-major rows×cols A, or undefined when the library lacks it. */
  transpose?: (rows: number, cols: number, a: Float32Array, b: Float32Array) => void;
  /** Sets the thread count (no effect when the library cannot); returns the count in force. */
  setThreads(n: number): number;
}

/** The outcome of {@linkcode openBlas}: a BLAS, or why none could be opened. */
export type BlasResult = { ok: true; blas: Blas } | { ok: false; reason: string };

/**
 * The libraries tried, in order, for this platform. `MINIMA_BLAS` (a path) comes first when set.
 *
 * @returns Paths or bare library names for `dlopen`.
 */
export function blasCandidates(): string[] {
  const env = readEnv("MINIMA_BLAS");
  if (env) return [env];
  switch (Deno.build.os) {
    case "darwin":
      return [
        "/System/Library/Frameworks/Accelerate.framework/Accelerate",
        "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
        "/usr/local/opt/openblas/lib/libopenblas.dylib",
      ];
    case "windows":
      return ["libopenblas.dll", "openblas.dll"];
    default: {
      const arch = Deno.build.arch === "aarch64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
      return [
        `/usr/lib/${arch}/openblas-pthread/libopenblas.so.0`,
        `/usr/lib/${arch}/libopenblas.so.0`,
        "libopenblas.so.0",
        "libopenblas.so",
        `/usr/lib/${arch}/libblas.so.3`,
        "libblas.so.3",
      ];
    }
  }
}

let cached: BlasResult | undefined;

/**
 * Opens the first BLAS that loads and computes a known product correctly; cached after the first
 * call. Never throws.
 *
 * @param candidates Paths to try (default {@linkcode blasCandidates}); passing them bypasses the
 *   cache.
 * @returns The BLAS, or a one-line reason naming each path and why it failed.
 */
export function openBlas(candidates?: string[]): BlasResult {
  if (candidates === undefined && cached !== undefined) return cached;
  const result = tryOpen(candidates ?? blasCandidates());
  if (candidates === undefined) cached = result;
  return result;
}

function tryOpen(candidates: string[]): BlasResult {
  if (typeof Deno === "undefined" || typeof Deno.dlopen !== "function") {
    return { ok: false, reason: "this runtime has no Deno.dlopen (FFI)" };
  }
  const failures: string[] = [];
  for (const path of candidates) {
    let lib: BlasLibrary;
    try {
      lib = Deno.dlopen(path, SYMBOLS);
    } catch (error) {
      const e = error as Error;
      if (e.name === "NotCapable" || e.name === "PermissionDenied") {
        return { ok: false, reason: "FFI is not permitted (run deno with --allow-ffi or -A)" };
      }
      failures.push(`${path}: ${firstLine(e.message)}`);
      continue;
    }
    const problem = selfTest(lib);
    if (problem !== undefined) {
      failures.push(`${path}: ${problem}`);
      lib.close();
      continue;
    }
    return { ok: true, blas: wrap(lib, path) };
  }
  return { ok: false, reason: `no BLAS could be opened (${failures.join("; ")})` };
}

/** A 2×3 · 3×2 product with a known answer, and transposed variants: a broken BLAS fails here. */
function selfTest(lib: BlasLibrary): string | undefined {
  const s = lib.symbols;
  const a = new Float32Array([1, 2, 3, 4, 5, 6]); // 2×3
  const b = new Float32Array([7, 8, 9, 10, 11, 12]); // 3×2
  const c = new Float32Array(4);
  try {
    s.cblas_sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2);
  } catch (error) {
    return `cblas_sgemm failed (${firstLine((error as Error).message)})`;
  }
  const expected = [58, 64, 139, 154];
  if (!expected.every((v, i) => c[i] === v)) {
    return `cblas_sgemm returned [${[...c]}] for a product whose answer is [${expected}]`;
  }
  return undefined;
}

function wrap(lib: BlasLibrary, path: string): Blas {
  const s = lib.symbols;
  const info: BlasInfo = {
    name: blasName(lib, path),
    path,
    threads: 1,
    threadsSettable: s.openblas_set_num_threads !== null || s.MKL_Set_Num_Threads !== null,
    gflops: 0,
  };
  const readThreads = (): number => {
    if (s.openblas_get_num_threads !== null) return s.openblas_get_num_threads();
    if (s.MKL_Get_Max_Threads !== null) return s.MKL_Get_Max_Threads();
    return 1;
  };
  info.threads = readThreads();
  const omat = s.cblas_somatcopy;
  const blas: Blas = {
    info,
    sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      s.cblas_sgemm(
        ROW_MAJOR,
        transA ? TRANS : NO_TRANS,
        transB ? TRANS : NO_TRANS,
        m,
        n,
        k,
        alpha,
        a,
        lda,
        b,
        ldb,
        beta,
        c,
        ldc,
      );
    },
    sgemv(trans, m, n, alpha, a, lda, x, beta, y) {
      s.cblas_sgemv(ROW_MAJOR, trans ? TRANS : NO_TRANS, m, n, alpha, a, lda, x, 1, beta, y, 1);
    },
    sger(m, n, alpha, x, y, a) {
      s.cblas_sger(ROW_MAJOR, m, n, alpha, x, 1, y, 1, a, n);
    },
    saxpy(n, alpha, x, y) {
      s.cblas_saxpy(n, alpha, x, 1, y, 1);
    },
    scopy(n, x, y) {
      s.cblas_scopy(n, x, 1, y, 1);
    },
    sscal(n, alpha, x) {
      s.cblas_sscal(n, alpha, x, 1);
    },
    transpose: omat === null
      ? undefined
      : (rows, cols, a, b) => omat(ROW_MAJOR, TRANS, rows, cols, 1, a, cols, b, rows),
    setThreads(n) {
      if (s.openblas_set_num_threads !== null) s.openblas_set_num_threads(n);
      else if (s.MKL_Set_Num_Threads !== null) s.MKL_Set_Num_Threads(n);
      info.threads = readThreads();
      return info.threads;
    },
  };
  info.gflops = probeSpeed(blas);
  return blas;
}

/** Best of three 256³ sgemm calls (about 1 ms on an optimized BLAS, 30 ms on the reference one). */
function probeSpeed(blas: Blas): number {
  const n = 256;
  const a = new Float32Array(n * n).fill(0.5);
  const c = new Float32Array(n * n);
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    blas.sgemm(false, false, n, n, n, 1, a, n, a, n, 0, c, n);
    best = Math.min(best, performance.now() - t0);
  }
  return (2 * n * n * n) / (Math.max(best, 1e-3) * 1e6);
}

function blasName(lib: BlasLibrary, path: string): string {
  const s = lib.symbols;
  if (s.openblas_get_config !== null) {
    const config = cString(s.openblas_get_config());
    const version = /OpenBLAS\s+([\d.]+)/.exec(config)?.[1];
    const core = s.openblas_get_corename !== null ? cString(s.openblas_get_corename()) : "";
    return `OpenBLAS${version ? ` ${version}` : ""}${core ? ` (${core})` : ""}`;
  }
  if (s.MKL_Get_Max_Threads !== null) return "Intel MKL";
  if (s.bli_info_get_version_str !== null) {
    return `BLIS ${cString(s.bli_info_get_version_str())}`.trim();
  }
  if (/Accelerate/.test(path)) return "Accelerate";
  return `CBLAS (${path})`;
}

function cString(pointer: Deno.PointerValue): string {
  return pointer === null ? "" : Deno.UnsafePointerView.getCString(pointer);
}

function firstLine(message: string): string {
  return message.split("\n")[0].trim();
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name)?.trim() || undefined;
  } catch {
    return undefined;
  }
}
