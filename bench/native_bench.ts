/**
 * The native backend (tfjs CPU backend + OpenBLAS through Deno's FFI) against PyTorch on CPU with
 * the same thread count, on the same weights and data, in one run:
 *
 * - an SGD step of a 784-256-256-10 ReLU MLP at batch 128, written directly with tf ops and
 *   `tf.grads` (softmax cross-entropy, lr 0.1), on every backend (native, wasm, cpu);
 * - one double-backprop Hessian-vector product on 1,024 samples, ∇θ⟨∇θL, v⟩, written directly
 *   (MSE on one-hot targets, whose second derivatives tfjs gets right) on every backend;
 * - the library's own `hessianOperator` product and `sharpness` (20 Lanczos steps) with
 *   cross-entropy, on native;
 * - scaling sweeps on native: width 64 → 1024 (steps and HVPs), width 128 → 1024 (sharpness)
 *   and batch 32 → 1024 (steps);
 * - the main step and HVP again with 2 threads on both sides;
 * - the library's `train` loop against the plain step above, both minima, on the same backend
 *   and sizes (no PyTorch): what the loop adds per step (batch drawing, the pipelined loss
 *   read for divergence detection, progress, interrupt checks).
 *
 * WebGPU is skipped here on a software adapter (llvmpipe compiles shaders for about a minute on
 * first use and runs far slower than the CPU); with a real adapter it runs the main cases.
 * The machine is shared: every number is a median of repeats, and still noisy.
 *
 * @module
 */
import { makeMlpProblem, type ReferenceProblem, writeReferenceProblem } from "./_problem.ts";
import { type Benchmark, type BenchRow, benchRow, medianMs } from "./_harness.ts";
import { dirname, fromFileUrl, join } from "./_paths.ts";
import { currentBackend, nativeBackendStatus, ready, tf, useBackend } from "../lib/backend/mod.ts";
import type { BackendName } from "../lib/backend/mod.ts";

const script = join(dirname(fromFileUrl(import.meta.url)), "reference", "native.py");
const LR = 0.1;

/** One workload: the model widths, the sample count and (for hvp/lanczos) the loss. */
interface Case {
  id: string;
  kind: "step" | "hvp" | "lanczos";
  sizes: number[];
  n: number;
  loss?: "mse" | "ce";
  iterations?: number;
  repeats: number;
  warmup: number;
}

interface TorchResult {
  threads: number;
  torch: string;
  results: Record<string, { ms: number; check: number }>;
}

/** Runs the PyTorch reference with `threads` threads (env and torch.set_num_threads). */
async function runTorch(cases: Case[], problems: Map<string, ReferenceProblem>, threads: number) {
  const dir = await Deno.makeTempDir({ prefix: "minima-native-bench-" });
  try {
    const config = {
      threads,
      cases: await Promise.all(cases.map(async (c) => {
        const file = join(dir, `${c.id.replace(/[^a-z0-9]+/gi, "_")}.f32`);
        await writeReferenceProblem(file, problems.get(c.id)!, c.kind !== "step");
        return { ...c, file };
      })),
    };
    const configPath = join(dir, "config.json");
    await Deno.writeTextFile(configPath, JSON.stringify(config));
    const python = await exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    const t = String(threads);
    const out = await new Deno.Command(python, {
      args: [script, configPath],
      env: { OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `Reference ${script} failed: ${new TextDecoder().decode(out.stderr).slice(-500)}`,
      );
    }
    const last = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!;
    return JSON.parse(last) as TorchResult;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The MLP's logits, with ReLU between layers. */
function forward(params: tf.Tensor[], x: tf.Tensor): tf.Tensor2D {
  let h = x;
  const layers = params.length / 2;
  for (let l = 0; l < layers; l++) {
    h = tf.add(tf.matMul(h, params[2 * l]), params[2 * l + 1]);
    if (l + 1 < layers) h = tf.relu(h);
  }
  return h as tf.Tensor2D;
}

/** Measures one case on the current backend; returns the median ms and a check value. */
async function measure(c: Case, p: ReferenceProblem): Promise<{ ms: number; check: number }> {
  const classes = c.sizes.at(-1)!;
  const x = tf.tensor2d(p.x, [c.n, c.sizes[0]]);
  const onehot = tf.oneHot(tf.tensor1d(p.labels, "int32"), classes).toFloat();
  try {
    if (c.kind === "step") {
      const params = p.params.map((q) => tf.variable(tf.tensor(q.values, q.shape)));
      // Mean softmax cross-entropy: logsumexp(z) − ⟨y, z⟩.
      const loss = (...ps: tf.Tensor[]) => {
        const z = forward(ps, x);
        return tf.mean(tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(onehot, z), 1))) as tf.Scalar;
      };
      const first = tf.tidy(() => loss(...params));
      const check = (await first.data())[0];
      first.dispose();
      const step = () =>
        tf.tidy(() => {
          const grads = tf.grads(loss)(params);
          params.forEach((w, i) => w.assign(tf.sub(w, tf.mul(grads[i], LR))));
        });
      const ms = await medianMs(step, { repeats: c.repeats, warmup: c.warmup });
      tf.dispose(params);
      return { ms, check };
    }
    // HVP: Hv = ∇θ⟨∇θL(θ), v⟩ with L = ½ mean ‖z − y‖².
    const params = p.params.map((q) => tf.tensor(q.values, q.shape));
    const vs: tf.Tensor[] = [];
    let off = 0;
    for (const q of p.params) {
      vs.push(tf.tensor(p.v.subarray(off, off + q.values.length), q.shape));
      off += q.values.length;
    }
    const loss = (...ps: tf.Tensor[]) =>
      tf.mul(0.5, tf.mean(tf.sum(tf.square(tf.sub(forward(ps, x), onehot)), 1))) as tf.Scalar;
    const hvp = () =>
      tf.tidy(() =>
        tf.grads((...ps: tf.Tensor[]) => {
          const g = tf.grads(loss)(ps);
          return tf.addN(g.map((gi, i) => tf.sum(tf.mul(gi, vs[i])))) as tf.Scalar;
        })(params)
      );
    let check = 0;
    const ms = await medianMs(async () => {
      const hv = hvp();
      // Reading the result is part of a product (Lanczos needs it on the host).
      const norm = tf.tidy(() => tf.sqrt(tf.addN(hv.map((h) => tf.sum(tf.square(h))))));
      check = (await norm.data())[0];
      tf.dispose([...hv, norm]);
    }, { repeats: c.repeats, warmup: c.warmup });
    tf.dispose([...params, ...vs]);
    return { ms, check };
  } finally {
    tf.dispose([x, onehot]);
  }
}

/** The library's hessianOperator product and sharpness (cross-entropy), when they exist. */
async function measureLibrary(
  c: Case,
  p: ReferenceProblem,
): Promise<{ ms: number; check: number }> {
  const { hessianOperator, sharpness } = await import("../lib/landscape/mod.ts");
  const { mlp, crossEntropy } = await import("../lib/nn/mod.ts");
  const { createDataset } = await import("../lib/data/mod.ts");
  const data = createDataset({ values: p.x, shape: [c.n, c.sizes[0]] }, p.labels, {
    targets: "integer",
    numClasses: c.sizes.at(-1),
  });
  const params = p.params.map((q) => tf.tensor(q.values, q.shape));
  const point = { model: mlp(c.sizes), loss: crossEntropy, data, params };
  try {
    if (c.kind === "hvp") {
      const op = hessianOperator(point);
      const v = Float64Array.from(p.v);
      let check = 0;
      const ms = await medianMs(async () => {
        const hv = await op.matvec(v);
        let sq = 0;
        for (let i = 0; i < hv.length; i++) sq += hv[i] * hv[i];
        check = Math.sqrt(sq);
      }, { repeats: c.repeats, warmup: c.warmup });
      op.dispose();
      return { ms, check };
    }
    let check = 0;
    const ms = await medianMs(async () => {
      const r = await sharpness(point, {
        method: "lanczos",
        maxIterations: c.iterations,
        tol: 1e-12,
        startVector: p.v,
      });
      check = r.value;
    }, { repeats: c.repeats, warmup: c.warmup });
    return { ms, check };
  } finally {
    tf.dispose(params);
    data.dispose();
  }
}

const MAIN = [784, 256, 256, 10];

/**
 * `train` (sgd, batch `batch` drawn from `samples` samples, no trackers, one record at the end)
 * against the plain step of {@linkcode measure} on a fixed batch, per step, interleaved runs of
 * `steps` steps on the current backend; medians over `repeats` pairs.
 */
async function measureTrainLoop(
  sizes: number[],
  batch: number,
  samples: number,
  steps: number,
  repeats: number,
): Promise<{ trainMs: number; plainMs: number; ratios: number[] }> {
  const { mlp, crossEntropy } = await import("../lib/nn/mod.ts");
  const { createDataset } = await import("../lib/data/mod.ts");
  const { sgd, train } = await import("../lib/optim/mod.ts");
  const p = makeMlpProblem(sizes, samples, 77);
  const classes = sizes.at(-1)!;
  const data = createDataset({ values: p.x, shape: [samples, sizes[0]] }, p.labels, {
    targets: "integer",
    numClasses: classes,
  });
  const x = tf.tensor2d(p.x.subarray(0, batch * sizes[0]), [batch, sizes[0]]);
  const onehot = tf.tidy(() =>
    tf.oneHot(tf.tensor1d(p.labels.subarray(0, batch), "int32"), classes).toFloat()
  );
  const init = p.params.map((q) => tf.tensor(q.values, q.shape));
  const vars = init.map((t) => tf.variable(t.clone()));
  const loss = (...ps: tf.Tensor[]) => {
    const z = forward(ps, x);
    return tf.mean(tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(onehot, z), 1))) as tf.Scalar;
  };
  const plain = () =>
    tf.tidy(() => {
      const grads = tf.grads(loss)(vars);
      vars.forEach((w, i) => w.assign(tf.sub(w, tf.mul(grads[i], LR))));
    });
  const objective = { model: mlp(sizes), loss: crossEntropy, data };
  const loop = async () => {
    const run = await train(objective, sgd({ lr: LR }), {
      params: init,
      steps,
      batchSize: batch,
      every: steps,
      defaultTrackers: false,
      seed: 3,
    });
    run.dispose();
  };
  const trainTimes: number[] = [], plainTimes: number[] = [], ratios: number[] = [];
  try {
    for (let i = 0; i < 3; i++) plain();
    await loop();
    for (let r = 0; r < repeats; r++) {
      let t0 = performance.now();
      for (let i = 0; i < steps; i++) plain();
      const plainMs = (performance.now() - t0) / steps;
      t0 = performance.now();
      await loop();
      const trainMs = (performance.now() - t0) / steps;
      plainTimes.push(plainMs);
      trainTimes.push(trainMs);
      ratios.push(trainMs / plainMs);
    }
  } finally {
    tf.dispose([x, onehot, ...init, ...vars]);
    data.dispose();
  }
  const median = (a: number[]) => [...a].sort((u, v) => u - v)[Math.floor(a.length / 2)];
  return { trainMs: median(trainTimes), plainMs: median(plainTimes), ratios };
}

function describe(c: Case): string {
  const arch = c.sizes.join("-");
  if (c.kind === "step") return `sgd step ${arch} batch ${c.n}`;
  if (c.kind === "hvp") return `hvp ${c.loss} ${arch} on ${c.n} samples`;
  return `sharpness ${c.iterations} lanczos steps ${arch} on ${c.n} samples`;
}

/** Runs the cases on the listed backends against one reference run with `threads` threads. */
async function compare(
  cases: { c: Case; backends: BackendName[]; library?: boolean }[],
  threads: number,
): Promise<BenchRow[]> {
  const problems = new Map<string, ReferenceProblem>();
  cases.forEach(({ c }, i) => problems.set(c.id, makeMlpProblem(c.sizes, c.n, 1000 + i)));
  const torch = await runTorch(cases.map((x) => x.c), problems, threads);
  const previous = (await ready()).name; // ready() probes the adapter that skipReason reads
  const rows: BenchRow[] = [];
  try {
    for (const { c, backends, library } of cases) {
      const ref = torch.results[c.id];
      for (const backend of backends) {
        const skip = skipReason(backend);
        if (skip !== undefined) {
          rows.push(benchRow({
            name: describe(c),
            backend,
            minima_ms: NaN,
            reference_ms: ref.ms,
            reference: `pytorch ${torch.torch}, ${torch.threads} threads`,
            notes: `skipped: ${skip}`,
          }));
          continue;
        }
        const report = await useBackend(backend, { quiet: true, threads });
        // The CPU backend is 100× slower on these sizes: one timed run is enough.
        const slow = backend === "cpu"
          ? { ...c, repeats: 1, warmup: c.kind === "step" ? 1 : 0 }
          : c;
        const got = library ? await measureLibrary(slow, problems.get(c.id)!) : await measure(
          slow,
          problems.get(c.id)!,
        );
        const rel = Math.abs(got.check - ref.check) / Math.max(1e-12, Math.abs(ref.check));
        const what = c.kind === "step" ? "loss" : c.kind === "hvp" ? "‖Hv‖" : "λmax";
        rows.push(benchRow({
          name: `${describe(c)}${library ? " (library)" : ""}`,
          backend: backend === "native" ? `native ${threads}t` : backend,
          minima_ms: got.ms,
          reference_ms: ref.ms,
          reference: `pytorch ${torch.torch}, ${torch.threads} threads`,
          notes: `${what} ${got.check.toPrecision(6)} vs ${ref.check.toPrecision(6)} (rel ${
            rel.toExponential(1)
          })${report.native ? `; ${report.native.blas}` : ""}; median of ${slow.repeats}`,
        }));
      }
    }
  } finally {
    await useBackend(previous, { quiet: true });
  }
  return rows;
}

function skipReason(backend: BackendName): string | undefined {
  if (backend === "native") {
    const s = nativeBackendStatus();
    return s.available ? undefined : s.reason;
  }
  if (backend === "webgpu") {
    const adapter = currentBackend().adapter;
    if (adapter === undefined) return "no WebGPU adapter";
    if (adapter.isFallback) {
      return `software adapter ${adapter.description}: shaders take about a minute to compile ` +
        "on first use and it runs slower than the CPU backends";
    }
  }
  return undefined;
}

const ALL: BackendName[] = ["native", "wasm", "cpu", "webgpu"];

function step(n: number, sizes = MAIN, repeats = 15): Case {
  return { id: `step ${sizes.join("-")} ${n}`, kind: "step", sizes, n, repeats, warmup: 3 };
}

function hvp(n: number, sizes = MAIN, loss: "mse" | "ce" = "mse", repeats = 7): Case {
  return {
    id: `hvp ${loss} ${sizes.join("-")} ${n}`,
    kind: "hvp",
    sizes,
    n,
    loss,
    repeats,
    warmup: 2,
  };
}

/** The benchmarks `deno task bench` runs (`--filter native`). */
export const benchmarks: Benchmark[] = [
  {
    name: "native backend: MLP step and HVP on every backend, 1 thread",
    group: "native",
    run: () =>
      compare([
        { c: step(128), backends: ALL },
        { c: hvp(1024), backends: ALL },
        { c: hvp(1024, MAIN, "ce"), backends: ["native", "wasm"], library: true },
        {
          c: {
            id: "lanczos",
            kind: "lanczos",
            sizes: MAIN,
            n: 1024,
            iterations: 20,
            repeats: 3,
            warmup: 1,
          },
          backends: ["native"],
          library: true,
        },
      ], 1),
  },
  {
    name: "native backend: width sweep 64 → 1024 (batch 128 steps, 1,024-sample HVPs), 1 thread",
    group: "native",
    run: () =>
      compare(
        [64, 128, 256, 512, 1024].flatMap((w) => [
          { c: step(128, [784, w, w, 10], w >= 512 ? 7 : 15), backends: ["native"] },
          { c: hvp(1024, [784, w, w, 10], "mse", w >= 512 ? 3 : 5), backends: ["native"] },
        ]),
        1,
      ),
  },
  {
    name:
      "native backend: sharpness width sweep 128 → 1024 (20 lanczos steps on 1,024 samples), 1 thread",
    group: "native",
    run: () =>
      compare(
        [128, 256, 512, 1024].map((w) => ({
          c: {
            id: `lanczos ${w}`,
            kind: "lanczos" as const,
            sizes: [784, w, w, 10],
            n: 1024,
            iterations: 20,
            repeats: 3,
            warmup: 1,
          },
          backends: ["native" as BackendName],
          library: true,
        })),
        1,
      ),
  },
  {
    name: "native backend: batch sweep 32 → 1024 (784-256-256-10 steps), 1 thread",
    group: "native",
    run: () => compare([32, 128, 512, 1024].map((n) => ({ c: step(n), backends: ["native"] })), 1),
  },
  {
    name: "native backend: SGD step through train against the plain step, 1 thread",
    group: "native",
    async run() {
      const skip = skipReason("native");
      const name = `sgd step ${MAIN.join("-")} batch 128: train loop vs plain step`;
      const reference = "plain tfjs step, same backend";
      if (skip !== undefined) {
        return [
          benchRow({
            name,
            backend: "native",
            minima_ms: NaN,
            reference_ms: NaN,
            reference,
            notes: `skipped: ${skip}`,
          }),
        ];
      }
      const previous = currentBackend().name;
      try {
        await useBackend("native", { quiet: true, threads: 1 });
        const steps = 100, repeats = 15;
        const m = await measureTrainLoop(MAIN, 128, 1024, steps, repeats);
        const sorted = [...m.ratios].sort((a, b) => a - b);
        return [benchRow({
          name,
          backend: "native 1t",
          minima_ms: m.trainMs,
          reference_ms: m.plainMs,
          reference,
          notes: `medians of ${repeats} interleaved runs of ${steps} steps; per-run ratios ${
            sorted[0].toFixed(2)
          }–${sorted.at(-1)!.toFixed(2)} (median ${sorted[repeats >> 1].toFixed(2)})`,
        })];
      } finally {
        await useBackend(previous, { quiet: true });
      }
    },
  },
  {
    name: "native backend: MLP step and HVP, 2 threads on both sides",
    group: "native",
    run: () =>
      compare([
        { c: step(128), backends: ["native"] },
        { c: hvp(1024), backends: ["native"] },
      ], 2),
  },
];
