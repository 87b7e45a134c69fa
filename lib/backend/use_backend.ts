import { tf } from "./_tfjs.ts";
import {
  NATIVE_MIN_GFLOPS,
  nativeBackendStatus,
  type NativeBlasInfo,
  setNativeThreads,
} from "./native_backend.ts";
import { deviceLostMessage, markDeviceLost } from "./_webgpu_faults.ts";
import { checkCall } from "../_checks.ts";

/**
 * A TensorFlow.js backend minima can run on. `native` is the CPU backend with its heavy kernels
 * running in an optimized BLAS through Deno's FFI (see {@linkcode nativeBackendStatus}).
 */
export type BackendName = "webgpu" | "native" | "wasm" | "cpu";

/** What `useBackend` accepts: a backend, or `"auto"` for the best one available. */
export type BackendRequest = BackendName | "auto";

/** The backends in the order `auto` prefers them. */
export const BACKEND_NAMES: readonly BackendName[] = ["webgpu", "native", "wasm", "cpu"];

/**
 * Why tfjs's multithreaded WASM build does not run under Deno (checked by
 * `wasm_threads_test.ts`): Deno has module workers, shared WebAssembly memory, posting compiled
 * modules and `Atomics.wait`, but tfjs's Emscripten build sees Deno's `process` global and takes
 * its Node.js path, whose `worker_threads` Worker rejects the blob URL tfjs gives it
 * (`ERR_WORKER_PATH`), and its browser path needs classic workers (`importScripts`), which Deno
 * does not have.
 */
export const WASM_THREADS_UNAVAILABLE: string =
  "tfjs's threaded WASM build needs classic workers or Node worker_threads with a file path; " +
  "under Deno it fails with ERR_WORKER_PATH";

/** The GPU adapter WebGPU would run on. */
export interface AdapterInfo {
  /** The driver's description, e.g. `"llvmpipe (LLVM 15.0.6, 256 bits)"`. */
  description: string;
  /** The vendor as the driver reports it (may be a PCI id). */
  vendor: string;
  /** The architecture as the driver reports it (often empty). */
  architecture: string;
  /** True for a software rasteriser (llvmpipe, SwiftShader, lavapipe, WARP): correct, not fast. */
  isFallback: boolean;
}

/** Options for {@linkcode useBackend}. */
export interface UseBackendOptions {
  /**
   * Print nothing. Otherwise the one-line summary goes to the console.
   * @default {false}
   */
  quiet?: boolean;
  /**
   * BLAS threads for the `native` backend (ignored by the others).
   * @default {navigator.hardwareConcurrency} (the number of cores), set when native first starts
   */
  threads?: number;
}

/** Which backend runs minima's tensors, and why the others were not chosen. */
export interface BackendReport {
  /** The backend now in use. */
  name: BackendName;
  /** What was asked for. */
  requested: BackendRequest;
  /**
   * Where the request came from: a {@linkcode useBackend} argument (or {@linkcode ready}),
   * `MINIMA_BACKEND`, or the first tensor made before any of them (`"first use"`, which picks
   * among the backends that start synchronously: native, else cpu).
   */
  source: "argument" | "MINIMA_BACKEND" | "first use";
  /** The WebGPU adapter, when one was found (whether or not WebGPU was chosen). */
  adapter?: AdapterInfo;
  /** The BLAS and its threads, when the native backend is in use. */
  native?: NativeBlasInfo;
  /** WASM features, when the WASM backend is in use. */
  wasm?: {
    simd: boolean;
    threads: boolean;
    /** Why threads are off, when they are (see {@linkcode WASM_THREADS_UNAVAILABLE}). */
    threadsReason?: string;
  };
  /** Each backend passed over, with the reason. */
  skipped: { name: BackendName; reason: string }[];
  /** One line for people: backend, adapter and the reasons in brief. */
  summary: string;
}

let current: BackendReport | undefined;

/**
 * Picks the TensorFlow.js backend and reports the choice.
 *
 * `auto` prefers WebGPU on a real (non-fallback) adapter, then native (BLAS through FFI, when an
 * optimized BLAS opens), then WASM (SIMD), then CPU. The
 * environment variable `MINIMA_BACKEND` replaces `auto` (not an explicit name), so a whole run
 * can be moved to one backend. An explicit name that cannot start is an error, never a silent
 * fallback: `tf.setBackend` returns false and keeps the old backend, which is checked here.
 *
 * @example Run on the CPU backend
 * ```ts
 * import { useBackend } from "minima";
 * import assert from "node:assert/strict";
 *
 * const report = await useBackend("cpu", { quiet: true });
 * assert.equal(report.name, "cpu");
 * ```
 *
 * @param request The backend, or `"auto"`.
 * @param options Printing.
 * @returns The report: name, adapter, and why the others were skipped.
 */
export async function useBackend(
  request: BackendRequest = "auto",
  options: UseBackendOptions = {},
): Promise<BackendReport> {
  checkCall("useBackend", arguments);
  checkRequest(request, "request");
  let source: BackendReport["source"] = "argument";
  const fromEnv = envBackend();
  if (request === "auto" && fromEnv !== undefined) {
    checkRequest(fromEnv, "MINIMA_BACKEND");
    request = fromEnv;
    source = "MINIMA_BACKEND";
  }
  const adapter = await probeAdapter();
  const skipped: BackendReport["skipped"] = [];
  let chosen: BackendName | undefined;
  if (request === "auto") {
    for (const name of BACKEND_NAMES) {
      const reason = name === "webgpu"
        ? webgpuObjection(adapter)
        : name === "native"
        ? nativeObjection()
        : undefined;
      if (reason !== undefined) {
        skipped.push({ name, reason });
        continue;
      }
      const failure = await activate(name, options.threads);
      if (failure === undefined) {
        chosen = name;
        break;
      }
      skipped.push({ name, reason: failure });
    }
    if (chosen === undefined) {
      throw new Error(
        `Cannot pick a backend: none of ${BACKEND_NAMES.join(", ")} started (${
          skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")
        })`,
      );
    }
  } else {
    if (request === "webgpu" && adapter.info === undefined) {
      throw new Error(`Cannot use backend "webgpu": ${adapter.reason}; use "wasm" or "cpu"`);
    }
    const failure = await activate(request, options.threads);
    if (failure !== undefined) {
      throw new Error(`Cannot use backend "${request}": ${failure}; use "auto" or another name`);
    }
    chosen = request;
    for (const name of BACKEND_NAMES) {
      if (name !== chosen) skipped.push({ name, reason: "not requested" });
    }
  }
  let wasm: BackendReport["wasm"];
  if (chosen === "wasm") {
    const threads = Boolean(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"));
    wasm = {
      simd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
      threads,
      ...(threads ? {} : { threadsReason: WASM_THREADS_UNAVAILABLE }),
    };
  }
  const native = nativeBackendStatus();
  const report: BackendReport = {
    name: chosen,
    requested: request,
    source,
    ...(adapter.info ? { adapter: adapter.info } : {}),
    ...(chosen === "native" && native.available ? { native: native.info } : {}),
    ...(wasm ? { wasm } : {}),
    skipped,
    summary: "",
  };
  report.summary = summarize(report);
  current = report;
  if (chosen === "webgpu") watchDevice(options.threads);
  if (!options.quiet) console.log(report.summary);
  return report;
}

const watched = new WeakSet<GPUDevice>();

/**
 * Watches the WebGPU device for loss (driver reset, GPU removed, `destroy()`): on loss minima
 * moves to the CPU path (native, else wasm, else cpu), says why in one line and in
 * `currentBackend()`, and drops the dead backend so a later `useBackend("webgpu")` starts a
 * fresh device. Tensors made on the lost device throw a one-line error when used.
 */
function watchDevice(threads: number | undefined): void {
  const backend = tf.findBackend("webgpu") as unknown as { device?: GPUDevice } | null;
  const device = backend?.device;
  if (!device || watched.has(device)) return;
  watched.add(device);
  device.lost.then(async (info) => {
    const loss = { reason: String(info.reason ?? "unknown"), message: info.message ?? "" };
    markDeviceLost(device, loss);
    const factory = tf.findBackendFactory("webgpu");
    const onWebGPU = tf.getBackend() === "webgpu";
    if (factory !== null && tf.findBackend("webgpu") === backend) {
      // Drop the dead instance but keep WebGPU available: the next useBackend gets a new device.
      tf.removeBackend("webgpu");
      tf.registerBackend("webgpu", factory, 3);
    }
    if (!onWebGPU) return;
    const reason = deviceLostMessage(loss);
    const skipped: BackendReport["skipped"] = [{ name: "webgpu", reason }];
    for (const name of ["native", "wasm", "cpu"] as const) {
      const objection = name === "native" && !nativeBackendStatus().available
        ? nativeObjection()
        : await activate(name, threads);
      if (objection === undefined) {
        const native = nativeBackendStatus();
        const report: BackendReport = {
          name,
          requested: current?.requested ?? "auto",
          source: current?.source ?? "argument",
          ...(current?.adapter ? { adapter: current.adapter } : {}),
          ...(name === "native" && native.available ? { native: native.info } : {}),
          skipped,
          summary: "",
        };
        report.summary = summarize(report);
        current = report;
        console.warn(`minima: ${deviceLostMessage(loss)}; moved to ${name}`);
        return;
      }
      skipped.push({ name, reason: objection });
    }
  });
}

/**
 * The report of the backend in use: the last {@linkcode useBackend} or {@linkcode ready} call,
 * or the choice made at the first tensor. Called before either, it makes that first-use choice
 * itself (native when an optimized BLAS opens, else cpu).
 *
 * @example
 * ```ts
 * import { currentBackend } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.ok(["webgpu", "native", "wasm", "cpu"].includes(currentBackend().name));
 * ```
 *
 * @returns The current backend report.
 */
export function currentBackend(): BackendReport {
  checkCall("currentBackend", arguments);
  if (current === undefined) chooseAtFirstUse();
  return current!;
}

let readying: Promise<BackendReport> | undefined;

/**
 * Makes sure the best backend is chosen: the first call runs `useBackend("auto")` (which may
 * start WebGPU on a real GPU or WASM, whose start is asynchronous) unless a backend was chosen
 * explicitly; later calls return at once. Importing minima chooses nothing: the backend starts
 * with the first tensor, on the best backend that starts synchronously (native, else cpu), or
 * here. minima's data loaders and `train` call it, so a notebook that loads its data first is
 * on the best backend from its first tensor; call it yourself before making tensors by hand on
 * a GPU machine. `MINIMA_BACKEND=webgpu` or `wasm` chooses at import instead.
 *
 * @example
 * ```ts
 * import { ready } from "minima";
 * import assert from "node:assert/strict";
 *
 * const report = await ready();
 * assert.ok(["webgpu", "native", "wasm", "cpu"].includes(report.name));
 * ```
 *
 * @returns The report of the backend in use.
 */
export function ready(): Promise<BackendReport> {
  checkCall("ready", arguments);
  if (current !== undefined && current.source !== "first use") return Promise.resolve(current);
  readying ??= useBackend("auto", { quiet: true }).finally(() => readying = undefined);
  return readying;
}

/** The backends that start synchronously, in `auto`'s order. */
const SYNC_BACKENDS: readonly BackendName[] = ["native", "cpu"];

/**
 * Chooses a backend without waiting, for the first tensor made before any `useBackend` or
 * `ready`: `MINIMA_BACKEND` when it names a synchronous backend, else native when `auto` would
 * take it, else cpu. Returns the name, initialised in tfjs's registry.
 */
function chooseAtFirstUse(): BackendName {
  const fromEnv = envBackend();
  if (fromEnv !== undefined) checkRequest(fromEnv, "MINIMA_BACKEND");
  const skipped: BackendReport["skipped"] = [];
  let chosen: BackendName | undefined;
  if (fromEnv !== undefined && fromEnv !== "auto") {
    const name = fromEnv as BackendName;
    if (!SYNC_BACKENDS.includes(name)) {
      // tf.ts starts these at import; reaching here means that start failed or was undone.
      throw new Error(
        `Cannot use backend "${name}" (MINIMA_BACKEND) for this tensor: it starts asynchronously; await ready() or useBackend("${name}") first`,
      );
    }
    const failure = activateSync(name);
    if (failure !== undefined) {
      throw new Error(`Cannot use backend "${name}" (MINIMA_BACKEND): ${failure}`);
    }
    chosen = name;
    for (const other of BACKEND_NAMES) {
      if (other !== name) skipped.push({ name: other, reason: "not requested" });
    }
  } else {
    const later =
      "starts asynchronously: chosen by ready() or useBackend(), not at the first tensor";
    for (const name of BACKEND_NAMES) {
      if (!SYNC_BACKENDS.includes(name)) {
        skipped.push({ name, reason: later });
        continue;
      }
      const reason = (name === "native" ? nativeObjection() : undefined) ?? activateSync(name);
      if (reason === undefined) {
        chosen = name;
        break;
      }
      skipped.push({ name, reason });
    }
    if (chosen === undefined) {
      throw new Error(
        `Cannot pick a backend for the first tensor: ${
          skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")
        }; await useBackend("auto")`,
      );
    }
  }
  const native = nativeBackendStatus();
  const report: BackendReport = {
    name: chosen,
    requested: (fromEnv ?? "auto") as BackendRequest,
    source: "first use",
    ...(chosen === "native" && native.available ? { native: native.info } : {}),
    skipped,
    summary: "",
  };
  report.summary = summarize(report);
  current = report;
  return chosen;
}

/** Starts a synchronous backend in tfjs's registry; the reason when it cannot. */
function activateSync(name: BackendName): string | undefined {
  if (name === "native") {
    const status = nativeBackendStatus();
    if (!status.available) return status.reason;
    if (!nativeThreadsSet) {
      setNativeThreads(Math.max(1, navigator.hardwareConcurrency ?? 1));
      nativeThreadsSet = true;
    }
  }
  const engine = tf.engine() as unknown as TfEngine;
  const { success, asyncInit } = engine.initializeBackend(name);
  if (asyncInit || !success) return "it failed to initialise";
  return undefined;
}

/** The parts of tfjs's engine the first-use hook replaces or reads. */
interface TfEngine {
  backendInstance: unknown;
  pendingBackendInit: unknown;
  initializeBackend(name: string): { success: boolean | Promise<boolean>; asyncInit: boolean };
  initializeBackendsAndReturnBest(): { name: string; asyncInit: boolean };
  ready(): Promise<void>;
}

/**
 * Hooks tfjs's engine so that the first tensor made before any backend was chosen lands on
 * minima's first-use choice (tfjs alone would take its highest-priority backend, WebGPU, and
 * throw because it starts asynchronously), and so that `tf.ready()` with nothing chosen runs
 * minima's `ready()` (tfjs alone would start WebGPU on a software adapter too). Called once, by
 * `tf.ts`.
 */
export function installFirstUseHook(): void {
  const engine = tf.engine() as unknown as TfEngine;
  engine.initializeBackendsAndReturnBest = () => ({ name: chooseAtFirstUse(), asyncInit: false });
  const tfReady = engine.ready.bind(engine);
  engine.ready = () =>
    engine.backendInstance == null && engine.pendingBackendInit == null
      ? ready().then(() => {})
      : tfReady();
}

function checkRequest(value: unknown, what: string): asserts value is BackendRequest {
  if (value !== "auto" && !BACKEND_NAMES.includes(value as BackendName)) {
    throw new TypeError(
      `Cannot use backend: ${what} must be one of "auto", ${
        BACKEND_NAMES.map((n) => `"${n}"`).join(", ")
      }, current value is ${JSON.stringify(value)}`,
    );
  }
}

function envBackend(): string | undefined {
  try {
    const value = Deno.env.get("MINIMA_BACKEND")?.trim();
    return value ? value : undefined;
  } catch {
    return undefined; // no --allow-env: the environment cannot override
  }
}

interface AdapterProbe {
  info?: AdapterInfo;
  reason: string;
}

let adapterProbe: Promise<AdapterProbe> | undefined;

function probeAdapter(): Promise<AdapterProbe> {
  adapterProbe ??= (async () => {
    const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
    if (!gpu) return { reason: "this runtime has no navigator.gpu" };
    let adapter: GPUAdapter | null;
    try {
      adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    } catch (error) {
      return { reason: `requestAdapter failed (${(error as Error).message})` };
    }
    if (!adapter) return { reason: "no WebGPU adapter was found" };
    const raw = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const description = raw.description || raw.device || "unknown adapter";
    const isFallback = Boolean(raw.isFallbackAdapter) ||
      /llvmpipe|lavapipe|swiftshader|software|warp/i.test(description);
    return {
      info: { description, vendor: raw.vendor, architecture: raw.architecture, isFallback },
      reason: "",
    };
  })();
  return adapterProbe;
}

function webgpuObjection(adapter: AdapterProbe): string | undefined {
  if (!adapter.info) return adapter.reason;
  if (adapter.info.isFallback) {
    return `the adapter "${adapter.info.description}" is a software fallback (correct but slow)`;
  }
  return undefined;
}

/** Why `auto` passes over the native backend, if it does. */
/** BLAS libraries that are optimized builds by nature (the reference BLAS is not among them). */
const OPTIMIZED_BLAS = /^(OpenBLAS|Intel MKL|BLIS|Accelerate)\b/;

function nativeObjection(): string | undefined {
  const status = nativeBackendStatus();
  if (!status.available) return status.reason;
  // A library known to be optimized is kept whatever the probe measured: on a loaded machine
  // the probe's one sgemm can run below the threshold and auto then picked WASM by chance.
  if (!OPTIMIZED_BLAS.test(status.info.blas) && status.info.gflops < NATIVE_MIN_GFLOPS) {
    return `${status.info.blas} ran a probe sgemm at ${
      status.info.gflops.toFixed(1)
    } GFLOP/s (an unoptimized BLAS; install OpenBLAS)`;
  }
  return undefined;
}

let nativeThreadsSet = false;

async function activate(name: BackendName, threads?: number): Promise<string | undefined> {
  if (name === "native") {
    const status = nativeBackendStatus();
    if (!status.available) return status.reason;
    if (threads !== undefined || !nativeThreadsSet) {
      setNativeThreads(threads ?? Math.max(1, navigator.hardwareConcurrency ?? 1));
      nativeThreadsSet = true;
    }
  }
  if (tf.getBackend() === name) return undefined;
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (error) {
    return `it failed to initialise (${(error as Error).message})`;
  }
  if (!ok || tf.getBackend() !== name) {
    // tfjs swallows the cause; for WASM it is nearly always its .wasm binaries, which tfjs loads
    // from node_modules beside its JavaScript and which a `deno bundle` does not carry.
    return name === "wasm"
      ? "it failed to initialise (its .wasm binaries did not load; a deno bundle does not carry them)"
      : "it failed to initialise";
  }
  return undefined;
}

function summarize(report: BackendReport): string {
  const parts = [`backend ${report.name}`];
  if (report.name === "webgpu" && report.adapter) {
    parts.push(
      `on ${report.adapter.description}${report.adapter.isFallback ? " (software fallback)" : ""}`,
    );
  }
  if (report.native) {
    parts.push(`(${report.native.blas}, ${report.native.threads} threads)`);
  }
  if (report.wasm) {
    parts.push(
      `(SIMD ${report.wasm.simd ? "on" : "off"}, threads ${report.wasm.threads ? "on" : "off"})`,
    );
  }
  if (report.source === "MINIMA_BACKEND") parts.push("from MINIMA_BACKEND");
  if (report.source === "first use") parts.push("(chosen at the first tensor)");
  const why = report.skipped.filter((s) => s.reason !== "not requested");
  const skipped = why.map((s) => `${s.name}: ${s.reason}`).join("; ");
  return parts.join(" ") + (skipped ? `; skipped ${skipped}` : "");
}
