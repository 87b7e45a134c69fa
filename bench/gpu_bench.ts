/**
 * `deno task bench:gpu`: minima on WebGPU against PyTorch on CUDA (when `python3` has
 * `torch.cuda`), on the same MLP 784-w-w-10 (ReLU, softmax cross-entropy), weights and data, with
 * the backend's counters for each workload:
 *
 * - an SGD step inside `train` (w = 256, 1024, 4096; batch 128 and 1024 out of 4,096 samples):
 *   the difference between two `train` runs of different lengths, so setup and the final record
 *   cancel and what remains is the steady-state step;
 * - one Hessian-vector product on 1,024 samples (w = 256, 1024, 4096);
 * - `sharpness` by 20 Lanczos steps on 1,024 samples (w = 256, 1024);
 * - matrix-multiply throughput (4096², float32), in TFLOP/s, with minima's WGSL kernel and with
 *   tfjs's own (`MINIMA_WEBGPU_KERNELS=tfjs` runs every workload on tfjs's kernels).
 *
 * Writes `out/gpu_bench.json`: rows {workload, adapter, minima_ms, reference_ms, ratio,
 * dispatches, readbacks, upload_bytes, download_bytes, ...} with the counters per operation.
 * On a software adapter (llvmpipe, SwiftShader) it says so and reports the counters only, with
 * no timing (`minima_ms` null): such an adapter is correct, not fast. Without an adapter it
 * measures the counters on the CPU backend in use. Runs from a bundle too (`deno task
 * bundle:gpu`).
 *
 * The reference runs with `MINIMA_PYTHON`, else `python3`.
 *
 * Flags: `--out FILE` (default out/gpu_bench.json), `--filter TEXT` (workloads whose name
 * contains it), `--widths 256,1024` (a subset), `--steps K` (timed steps per train
 * difference, default 20), `--native` (also time the native CPU backend, as `native_ms`),
 * `--reference FILE` (gpu.py; default bench/reference/gpu.py beside this script), `--no-reference`,
 * `--reference-device cpu` (run the reference on another torch device, even beside a software
 * adapter: a check that it runs and agrees, not a GPU timing), `--timing` (time on a software
 * adapter too: a check of the timed path, not a measurement).
 *
 * Slow operations are repeated fewer times (the warm-up's duration decides), and the JSON is
 * rewritten after every row, so a run stopped by a time limit keeps what it measured.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname, fromFileUrl, join } from "./_paths.ts";
import {
  type BackendCounters,
  countBackend,
  currentBackend,
  nativeBackendStatus,
  ready,
  tf,
  useBackend,
} from "../lib/backend/mod.ts";
import { createDataset, type Dataset } from "../lib/data/mod.ts";
import { crossEntropy, mlp, type ObjectivePoint } from "../lib/nn/mod.ts";
import { hessianOperator, sharpness } from "../lib/landscape/mod.ts";
import type { VectorStore } from "../lib/linalg/mod.ts";
import { sgd, train } from "../lib/optim/mod.ts";
import { setMinimaWebGPUKernels } from "../lib/backend/_webgpu_matmul.ts";
import type { Benchmark } from "./_harness.ts";
import { makeMlpProblem, type ReferenceProblem, writeReferenceProblem } from "./_problem.ts";

/** `deno task bench` does not run these (they have their own task): nothing to export there. */
export const benchmarks: Benchmark[] = [];

/** One row of out/gpu_bench.json. */
export interface GpuBenchRow {
  workload: string;
  /** The adapter (or the CPU backend when there is none). */
  adapter: string;
  /** The backend that ran minima's side. */
  backend: string;
  /** minima's time per operation (median), or null on a software adapter. */
  minima_ms: number | null;
  /** PyTorch CUDA's time per operation in the same run, or null without CUDA. */
  reference_ms: number | null;
  /** minima_ms / reference_ms, or null. */
  ratio: number | null;
  /** The native CPU backend's time, with `--native`. */
  native_ms?: number | null;
  /** GPU dispatches per operation (kernel calls on a CPU backend). */
  dispatches: number;
  /** Reads that fetched data from the device, blocking and awaited together. */
  readbacks: number;
  /** Of those, blocking ones (`dataSync`). */
  blocking_readbacks: number;
  upload_bytes: number;
  download_bytes: number;
  /** tfjs kernel calls per operation. */
  kernels: number;
  notes: string;
}

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    out: { type: "string", default: "out/gpu_bench.json" },
    filter: { type: "string" },
    widths: { type: "string" },
    steps: { type: "string", default: "20" },
    native: { type: "boolean", default: false },
    reference: { type: "string" },
    "no-reference": { type: "boolean", default: false },
    "reference-device": { type: "string" },
    timing: { type: "boolean", default: false },
    kinds: { type: "string" },
  },
});

const SAMPLES_TRAIN = 4096;
const SAMPLES_HVP = 1024;
const LR = 0.1;

interface Case {
  id: string;
  workload: string;
  kind: "step" | "hvp" | "hvp-device" | "sharpness" | "matmul" | "transfer";
  width: number;
  n: number;
  batch?: number;
  iterations?: number;
  size?: number;
  /** Run with tfjs's own WebGPU kernels instead of minima's (for the side-by-side row). */
  tfjsKernels?: boolean;
  /** The reference's case id when it is another case's (the same product). */
  refId?: string;
}

function cases(software: boolean): Case[] {
  const all: Case[] = [];
  for (const w of [256, 1024, 4096]) {
    for (const batch of [128, 1024]) {
      all.push({
        id: `step-${w}-${batch}`,
        workload: `sgd step in train, 784-${w}-${w}-10, batch ${batch}`,
        kind: "step",
        width: w,
        n: SAMPLES_TRAIN,
        batch,
      });
    }
  }
  for (const w of [256, 1024, 4096]) {
    all.push({
      id: `hvp-${w}`,
      workload: `hvp on ${SAMPLES_HVP} samples, 784-${w}-${w}-10`,
      kind: "hvp",
      width: w,
      n: SAMPLES_HVP,
    });
  }
  for (const w of [256, 1024, 4096]) {
    all.push({
      id: `hvp-device-${w}`,
      workload: `hvp on ${SAMPLES_HVP} samples, vectors on the device, 784-${w}-${w}-10`,
      kind: "hvp-device",
      width: w,
      n: SAMPLES_HVP,
      refId: `hvp-${w}`,
    });
  }
  all.push({
    id: "transfer-20m",
    workload: "a 20,000,000-float32 vector to the device and back",
    kind: "transfer",
    width: 0,
    n: 0,
    size: 20_000_000,
  });
  for (const w of [256, 1024]) {
    all.push({
      id: `sharpness-${w}`,
      workload: `sharpness, 20 lanczos steps on ${SAMPLES_HVP} samples, 784-${w}-${w}-10`,
      kind: "sharpness",
      width: w,
      n: SAMPLES_HVP,
      iterations: 20,
    });
  }
  const size = matmulSize(software);
  all.push({
    id: `matmul-${size}`,
    workload: `matmul ${size}x${size} float32`,
    kind: "matmul",
    width: size,
    n: 0,
    size,
  }, {
    id: `matmul-${size}-tfjs`,
    workload: `matmul ${size}x${size} float32, tfjs's own kernel`,
    kind: "matmul",
    width: size,
    n: 0,
    size,
    tfjsKernels: true,
    refId: `matmul-${size}`,
  });
  const widths = flags.widths?.split(",").map(Number) ?? (software ? [256, 1024] : undefined);
  // The matmul first, then width by width: a run stopped by a time limit has the small widths.
  const order = (c: Case) => c.kind === "matmul" ? 0 : c.width;
  const kinds = flags.kinds?.split(",");
  return all.sort((a, b) => order(a) - order(b)).filter((c) =>
    (!flags.filter || c.workload.includes(flags.filter)) &&
    (!kinds || kinds.includes(c.kind)) &&
    (!widths || c.kind === "matmul" || c.kind === "transfer" || widths.includes(c.width))
  );
}

/** The MLP of a case: 784-w-w-10. */
function mlpSizes(c: Case): number[] {
  return [784, c.width, c.width, 10];
}

/** A seed from a case's id, so that a case's problem does not depend on which others run. */
function seedOf(id: string): number {
  let h = 2000;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 1_000_003;
  return h;
}

interface Reference {
  available: boolean;
  why?: string;
  device?: string;
  torch?: string;
  results: Record<string, { ms: number; check: number }>;
}

/** The matmul's side: 4096 on a real GPU; on a software adapter (counters only) 512. */
function matmulSize(software: boolean): number {
  return software ? 512 : 4096;
}

/** The cases the reference runs: each case without a `refId`, and the one a `refId` names. */
function referenceCases(list: Case[]): Case[] {
  const out = list.filter((c) => !c.refId);
  for (const c of list) {
    if (!c.refId || out.some((o) => o.id === c.refId)) continue;
    if (c.kind === "hvp-device") out.push({ ...c, id: c.refId, kind: "hvp", refId: undefined });
  }
  return out;
}

async function runReference(
  list: Case[],
  problems: Map<string, ReferenceProblem>,
  software: boolean,
): Promise<Reference> {
  if (flags["no-reference"]) return { available: false, why: "--no-reference", results: {} };
  const script = flags.reference ??
    join(dirname(fromFileUrl(import.meta.url)), "reference", "gpu.py");
  try {
    await Deno.stat(script);
  } catch {
    return { available: false, why: `no reference script at ${script}`, results: {} };
  }
  const dir = await Deno.makeTempDir({ prefix: "minima-gpu-bench-" });
  try {
    const config = {
      cases: await Promise.all(
        referenceCases(list).map(async (c) => {
          const base = { ...c, repeats: 5, warmup: 2, inner: c.kind === "step" ? 20 : 10 };
          if (c.kind === "matmul") return { ...base, size: matmulSize(software) };
          if (c.kind === "transfer") return { ...base, size: c.size };
          const file = join(dir, `${c.id}.f32`);
          const problem = problems.get(c.id) ?? makeMlpProblem(mlpSizes(c), c.n, seedOf(c.id));
          await writeReferenceProblem(file, problem, true);
          return { ...base, file, sizes: mlpSizes(c) };
        }),
      ),
    };
    const configPath = join(dir, "config.json");
    await Deno.writeTextFile(configPath, JSON.stringify(config));
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command(Deno.env.get("MINIMA_PYTHON") || "python3", {
        args: [
          script,
          configPath,
          ...(flags["reference-device"] ? ["--device", flags["reference-device"]] : []),
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (error) {
      return { available: false, why: `python3 did not start (${error})`, results: {} };
    }
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1);
      return { available: false, why: `the reference failed (${err})`, results: {} };
    }
    const last = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "{}";
    const parsed = JSON.parse(last) as Reference & { cuda: boolean };
    if (!parsed.cuda && !flags["reference-device"]) {
      return {
        available: false,
        why: `python3 has torch ${parsed.torch} without CUDA`,
        results: {},
      };
    }
    return { ...parsed, available: true };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

interface Measured {
  ms: number;
  counters: BackendCounters;
  check: number;
}

function dataset(p: ReferenceProblem): Dataset {
  return createDataset({ values: p.x, shape: [p.x.length / 784, 784] }, p.labels, {
    targets: "integer",
    numClasses: 10,
  });
}

function paramTensors(p: ReferenceProblem): tf.Tensor[] {
  return p.params.map((q) => tf.tensor(q.values, q.shape));
}

/** Counters over one block, divided by the number of operations it ran. */
function perOp(c: BackendCounters, ops: number): BackendCounters {
  const out = { ...c };
  for (const k of Object.keys(out) as (keyof BackendCounters)[]) out[k] = out[k] / ops;
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Measures one case on the current backend; `timed` false: counters only (one repetition). */
async function measure(
  c: Case,
  p: ReferenceProblem | undefined,
  timed: boolean,
): Promise<Measured> {
  if (c.kind === "matmul") {
    const size = c.size!;
    const a = tf.randomUniform([size, size], 0, 1, "float32", 1);
    const b = tf.randomUniform([size, size], 0, 1, "float32", 2);
    const inner = timed ? 10 : 1;
    const run = async () => {
      for (let i = 0; i < inner; i++) tf.matMul(a, b).dispose();
      const corner = tf.tidy(() => tf.slice(tf.matMul(a, b), [0, 0], [1, 1]));
      await corner.data(); // waits for the queue
      corner.dispose();
    };
    await run();
    const one = await countBackend(() => tf.tidy(() => tf.matMul(a, b).dispose()));
    const times: number[] = [];
    for (let r = 0; r < (timed ? 5 : 1); r++) {
      const t0 = performance.now();
      await run();
      times.push((performance.now() - t0) / (inner + 1));
    }
    tf.dispose([a, b]);
    const ms = median(times);
    return { ms, counters: one.counters, check: 2 * size ** 3 / (ms * 1e-3) / 1e12 };
  }
  if (c.kind === "transfer") {
    const host = new Float32Array(c.size!).fill(0.5);
    const run = async () => {
      // tfjs uploads on first use: one elementwise kernel makes it, and its result comes back.
      const t = tf.tensor1d(host);
      const y = tf.neg(t);
      const back = await y.data();
      tf.dispose([t, y]);
      return back.length;
    };
    await run();
    const counted = await countBackend(run);
    const times: number[] = [];
    for (let r = 0; r < (timed ? 5 : 0); r++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    const ms = timed ? median(times) : NaN;
    return { ms, counters: counted.counters, check: 2 * 4 * c.size! / (ms * 1e-3) / 1e9 };
  }
  const problem = p!;
  const data = dataset(problem);
  const model = mlp(mlpSizes(c));
  const params = paramTensors(problem);
  // Data and weights go to the device once, before anything is counted.
  const touched = tf.tidy(() => tf.sum(model.apply(params, data.x)));
  await touched.data();
  touched.dispose();
  try {
    if (c.kind === "step") {
      const steps = timed ? Number(flags.steps) : 2;
      const options = (n: number) => ({
        steps: n,
        batchSize: c.batch,
        every: n,
        params,
        seed: 1,
        defaultTrackers: false,
      });
      const run = async (n: number) => {
        const t0 = performance.now();
        const counted = await countBackend(() =>
          train({ model, loss: crossEntropy, data }, sgd({ lr: LR }), options(n))
        );
        const seconds = performance.now() - t0;
        counted.value.dispose();
        return { ms: seconds, counters: counted.counters };
      };
      await run(2); // warm-up: shaders, buffers
      const shortTimes: number[] = [];
      const longTimes: number[] = [];
      let diff: BackendCounters | undefined;
      for (let r = 0; r < (timed ? 3 : 1); r++) {
        const short = await run(1);
        const long = await run(1 + steps);
        shortTimes.push(short.ms);
        longTimes.push(long.ms);
        const d = { ...long.counters };
        for (const k of Object.keys(d) as (keyof BackendCounters)[]) {
          d[k] = long.counters[k] - short.counters[k];
        }
        diff = d;
      }
      const loss = await firstLoss(model, data, params, c.batch!);
      return {
        ms: (median(longTimes) - median(shortTimes)) / steps,
        counters: perOp(diff!, steps),
        check: loss,
      };
    }
    const point: ObjectivePoint = { model, loss: crossEntropy, data, params };
    const v = Float64Array.from(problem.v);
    if (c.kind === "hvp") {
      const op = hessianOperator(point);
      try {
        const warm = performance.now();
        let hv = await op.matvec(v);
        const reps = repeats(performance.now() - warm, 7);
        const counted = await countBackend(() => op.matvec(v));
        const times: number[] = [];
        for (let r = 0; r < (timed ? reps : 0); r++) {
          const t0 = performance.now();
          hv = await op.matvec(v);
          times.push(performance.now() - t0);
        }
        let sq = 0;
        for (let i = 0; i < hv.length; i++) sq += hv[i] * hv[i];
        return {
          ms: timed ? median(times) : NaN,
          counters: counted.counters,
          check: Math.sqrt(sq),
        };
      } finally {
        op.dispose();
      }
    }
    if (c.kind === "hvp-device") {
      // The product the estimators run with device vectors: v and Hv stay on the device; three
      // products, then one inner product read back, so a readback's latency counts a third.
      const op = hessianOperator(point);
      const store = op.vectorStore() as VectorStore<unknown>;
      const dv = store.fromHost(v);
      try {
        const products = async (k: number) => {
          let last: unknown;
          for (let i = 0; i < k; i++) {
            const [hv] = await store.apply([dv]);
            if (last !== undefined) store.dispose([last]);
            last = hv;
          }
          const sq = (await store.inner([last], [last]))[0];
          store.dispose([last]);
          return sq;
        };
        const warm = performance.now();
        await products(1);
        const reps = repeats(performance.now() - warm, 5);
        const counted = await countBackend(() => products(1));
        const times: number[] = [];
        for (let r = 0; r < (timed ? reps : 0); r++) {
          const t0 = performance.now();
          await products(3);
          times.push((performance.now() - t0) / 3);
        }
        return {
          ms: timed ? median(times) : NaN,
          counters: counted.counters,
          check: Math.sqrt(counted.value),
        };
      } finally {
        store.dispose([dv]);
        op.dispose();
      }
    }
    // Single-vector Lanczos, as the reference runs it; the tolerance never stops it early.
    const options = {
      method: "lanczos" as const,
      maxIterations: c.iterations,
      tol: 1e-12,
      blockSize: 1,
    };
    const call = () => sharpness(point, { ...options, startVector: problem.v });
    const warm = performance.now();
    if (timed) await call();
    const reps = repeats(performance.now() - warm, 3);
    const counted = await countBackend(call);
    const times: number[] = [];
    for (let r = 0; r < (timed ? reps : 0); r++) {
      const t0 = performance.now();
      await call();
      times.push(performance.now() - t0);
    }
    return {
      ms: timed ? median(times) : NaN,
      counters: counted.counters,
      check: counted.value.value,
    };
  } finally {
    tf.dispose(params);
    data.dispose();
  }
}

/** Timed repetitions: `usual`, fewer when one operation (its warm-up) took seconds. */
function repeats(warmMs: number, usual: number): number {
  if (warmMs > 8000) return 1;
  if (warmMs > 2000) return Math.min(usual, 3);
  return usual;
}

/** The mean cross-entropy on the first batch of samples at the initial weights. */
async function firstLoss(
  model: ReturnType<typeof mlp>,
  data: Dataset,
  params: tf.Tensor[],
  batch: number,
): Promise<number> {
  const value = tf.tidy(() => {
    const x = tf.slice(data.x, [0, 0], [batch, 784]) as tf.Tensor2D;
    const y = tf.slice(data.y, [0], [batch]);
    return tf.mean(crossEntropy.perSample(model.apply(params, x), y));
  });
  const out = (await value.data())[0];
  value.dispose();
  return out;
}

function describeAdapter(): { adapter: string; software: boolean; onGpu: boolean } {
  const report = currentBackend();
  if (report.name === "webgpu" && report.adapter) {
    return {
      adapter: report.adapter.description,
      software: report.adapter.isFallback,
      onGpu: true,
    };
  }
  return { adapter: `no WebGPU (backend ${report.name})`, software: true, onGpu: false };
}

async function main(): Promise<void> {
  // WebGPU when an adapter exists (a software one too: its counters are what CI holds), unless
  // MINIMA_BACKEND moved the run to one backend.
  const start = await ready(); // runs auto (and probes the adapter) unless MINIMA_BACKEND chose
  if (start.source !== "MINIMA_BACKEND" && start.name !== "webgpu" && start.adapter) {
    await useBackend("webgpu", { quiet: true });
  }
  const { adapter, software, onGpu } = describeAdapter();
  const backend = currentBackend().name;
  const list = cases(software);
  console.log(`# minima GPU bench: ${currentBackend().summary}`);
  if (software) {
    console.log(
      onGpu
        ? `# ${adapter} is a software adapter: counters only, no timing claims`
        : "# no WebGPU adapter: counters of the CPU backend only, no timing claims",
    );
    if (!flags.widths) {
      console.log("# w = 4096 skipped on a software adapter (--widths 4096 measures its counters)");
    }
  }
  const problems = new Map<string, ReferenceProblem>();
  list.forEach((c) => {
    if (c.kind !== "matmul" && c.kind !== "transfer") {
      problems.set(c.id, makeMlpProblem(mlpSizes(c), c.n, seedOf(c.refId ?? c.id)));
    }
  });
  const reference = software && !flags["reference-device"]
    ? { available: false, why: "no timing on a software adapter", results: {} } as Reference
    : await runReference(list, problems, software);
  if (!reference.available) console.log(`# reference: none (${reference.why})`);
  else console.log(`# reference: PyTorch ${reference.torch} on ${reference.device}`);
  const rows: GpuBenchRow[] = [];
  const started = new Date().toISOString();
  const timing = !software || flags.timing;
  await Deno.mkdir(dirname(flags.out!), { recursive: true });
  const write = () =>
    Deno.writeTextFile(
      flags.out!,
      JSON.stringify(
        {
          date: started,
          adapter,
          software,
          backend: currentBackend().summary,
          reference: reference.available
            ? { torch: reference.torch, device: reference.device }
            : { none: reference.why },
          rows,
        },
        null,
        2,
      ) + "\n",
    );
  for (const c of list) {
    const t0 = performance.now();
    let got: Measured;
    const kernels = c.tfjsKernels ? setMinimaWebGPUKernels(false) : undefined;
    try {
      got = await measure(c, problems.get(c.id), timing);
    } catch (error) {
      console.error(`  ${c.workload}: failed: ${(error as Error).message}`);
      continue;
    } finally {
      if (kernels !== undefined) setMinimaWebGPUKernels(kernels);
    }
    const ref = reference.results[c.refId ?? c.id];
    let nativeMs: number | null | undefined;
    if (flags.native && timing) {
      if (nativeBackendStatus().available) {
        await useBackend("native", { quiet: true });
        nativeMs = (await measure(c, problems.get(c.id), true)).ms;
        await useBackend(backend, { quiet: true });
      } else nativeMs = null;
    }
    const minimaMs = timing ? got.ms : null;
    const referenceMs = ref?.ms ?? null;
    const k = got.counters;
    const notes = [
      c.kind === "matmul"
        ? (software ? "" : `${got.check.toFixed(2)} TFLOP/s`)
        : c.kind === "transfer"
        ? (timing ? `${got.check.toFixed(2)} GB/s up and down` : "")
        : `${c.kind === "step" ? "first-batch loss" : c.kind === "sharpness" ? "λmax" : "‖Hv‖"} ${
          got.check.toPrecision(6)
        }${ref ? ` vs ${ref.check.toPrecision(6)}` : ""}`,
      ref && c.kind === "matmul" ? `PyTorch ${ref.check.toFixed(2)} TFLOP/s` : "",
      software
        ? `${onGpu ? "software adapter" : "no WebGPU"}: ${
          timing ? "timed, not a measurement" : "counters only"
        }`
        : "",
      typeof nativeMs === "number" ? `native CPU ${nativeMs.toFixed(2)} ms` : "",
      `${((performance.now() - t0) / 1000).toFixed(1)} s`,
    ].filter((s) => s).join("; ");
    const row: GpuBenchRow = {
      workload: c.workload,
      adapter,
      backend,
      minima_ms: minimaMs,
      reference_ms: referenceMs,
      ratio: minimaMs !== null && referenceMs !== null ? minimaMs / referenceMs : null,
      ...(nativeMs !== undefined ? { native_ms: nativeMs } : {}),
      dispatches: round(k.dispatches),
      readbacks: round(k.blockingReadbacks + k.awaitedReads),
      blocking_readbacks: round(k.blockingReadbacks),
      upload_bytes: round(k.uploadBytes),
      download_bytes: round(k.downloadBytes),
      kernels: round(k.kernels),
      notes,
    };
    rows.push(row);
    console.log(
      `  ${c.workload}: ${minimaMs === null ? "" : `minima ${minimaMs.toFixed(2)} ms, `}${
        referenceMs === null
          ? ""
          : `pytorch ${referenceMs.toFixed(2)} ms${
            row.ratio === null ? "" : `, ratio ${row.ratio.toFixed(1)}`
          }, `
      }${row.dispatches} dispatches, ${row.readbacks} readbacks (${row.blocking_readbacks} blocking), ${row.upload_bytes} B up, ${row.download_bytes} B down  (${notes})`,
    );
    await write();
  }
  await write();
  console.log(`${rows.length} rows written to ${flags.out}`);
  if (rows.length < list.length) Deno.exit(1);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

if (import.meta.main) await main();
