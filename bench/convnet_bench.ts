/**
 * Convolutional networks on the native backend (tfjs CPU backend + OpenBLAS through Deno's FFI,
 * with minima's convolution kernels) against PyTorch on CPU with the same thread count, on the
 * same weights and images, in one run:
 *
 * - smallCnn on 32×32×3 images (3×3 convolutions 3 → 16 → 32 with ReLU and 2×2 max pooling, a
 *   dense layer; 25,578 parameters): an SGD step at batch 128, one Hessian-vector product on
 *   1,024 images and the sharpness by 20 Lanczos steps on 256 images;
 * - ResNet-20 (widths 16, 32, 64, BatchNorm in train mode, He et al.'s pad shortcut; 269,722
 *   parameters): an SGD step at batch 128, one HVP on 128 images and the 20-step sharpness on
 *   32 images.
 *
 * Set `MINIMA_BENCH_FULL=1` for every product on 1,024 images: there one PyTorch HVP of ResNet-20
 * alone takes about a minute of one core and the sharpness 20 times that, and the CNN's sharpness
 * several minutes.
 *
 * The step is the model's own `apply` with `crossEntropy` under `tf.grads` (lr 0.1); the HVP and
 * sharpness are the library's `hessianOperator` and `sharpness` (single-vector Lanczos, as the
 * reference). Images are seeded N(0, 1) pixels with labels 0..9; the weights are the models'
 * own seeded initialization, exported to the reference in minima's layout and mapped there.
 * Each row's notes compare the two sides' loss, ‖Hv‖ or λmax, and give the medians of each side's
 * process CPU time with their ratio (see `_cpu_time.ts`): on a shared machine the wall times
 * include waiting for a core, which the two sides do not get equally.
 *
 * The machine may be shared: every number is a median of repeats, and still noisy.
 *
 * @module
 */
import { type Benchmark, type BenchRow, benchRow } from "./_harness.ts";
import { medianWallAndCpu } from "./_cpu_time.ts";
import { writeReferenceProblem } from "./_problem.ts";
import { dirname, fromFileUrl, join } from "./_paths.ts";
import { currentBackend, nativeBackendStatus, tf, useBackend } from "../lib/backend/mod.ts";
import { crossEntropy, type Model, resnet20, smallCnn } from "../lib/nn/mod.ts";
import { createDataset, reshapeInputs } from "../lib/data/mod.ts";
import { hessianOperator, sharpness } from "../lib/landscape/mod.ts";
import { Rng } from "../lib/random/mod.ts";

const script = join(dirname(fromFileUrl(import.meta.url)), "reference", "convnets.py");
const LR = 0.1;
const FULL = readEnv("MINIMA_BENCH_FULL") === "1";

type ModelName = "cnn" | "resnet20";

/** One workload. */
interface Case {
  id: string;
  model: ModelName;
  kind: "step" | "hvp" | "lanczos";
  n: number;
  iterations?: number;
  repeats: number;
  warmup: number;
}

function buildModel(name: ModelName): Model {
  return name === "cnn" ? smallCnn({ inputShape: [32, 32, 3] }) : resnet20();
}

/** Images, labels, the model's seeded initial weights and a vector v, all float32. */
interface Problem {
  x: Float32Array;
  labels: Int32Array;
  params: { name: string; shape: number[]; values: Float32Array }[];
  v: Float32Array;
}

function makeProblem(c: Case, seed: number): Problem {
  const rng = new Rng(seed);
  const x = new Float32Array(c.n * 32 * 32 * 3);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const labels = new Int32Array(c.n);
  for (let i = 0; i < c.n; i++) labels[i] = rng.integer(10);
  const model = buildModel(c.model);
  const init = model.init(seed);
  const params = model.paramSpecs.map((s, i) => ({
    name: s.name,
    shape: [...s.shape],
    values: init[i].dataSync() as Float32Array,
  }));
  tf.dispose(init);
  const v = new Float32Array(model.numParams);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  return { x, labels, params, v };
}

interface TorchResult {
  threads: number;
  torch: string;
  results: Record<string, { ms: number; cpu_ms: number; check: number }>;
}

async function runTorch(
  cases: Case[],
  problems: Map<string, Problem>,
  threads: number,
): Promise<TorchResult> {
  const dir = await Deno.makeTempDir({ prefix: "minima-convnet-bench-" });
  try {
    const config = {
      threads,
      cases: await Promise.all(cases.map(async (c) => {
        const file = join(dir, `${c.id.replace(/[^a-z0-9]+/gi, "_")}.f32`);
        const p = problems.get(c.id)!;
        await writeReferenceProblem(file, p, c.kind !== "step");
        return { ...c, file, params: p.params.map((q) => ({ name: q.name, shape: q.shape })) };
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

/** Medians of wall and process CPU time (ms), and the loss, ‖Hv‖ or λmax. */
interface Measured {
  ms: number;
  cpuMs: number;
  check: number;
}

/** Measures one case on the current backend. */
async function measure(c: Case, p: Problem): Promise<Measured> {
  const model = buildModel(c.model);
  if (c.kind === "step") {
    const x = tf.tensor4d(p.x, [c.n, 32, 32, 3]);
    const labels = tf.tensor1d(p.labels, "int32");
    const params = p.params.map((q) => tf.variable(tf.tensor(q.values, q.shape)));
    try {
      const loss = (...ps: tf.Tensor[]) =>
        tf.mean(crossEntropy.perSample(model.apply(ps, x), labels)) as tf.Scalar;
      const first = tf.tidy(() => loss(...params));
      const check = (await first.data())[0];
      first.dispose();
      const step = () =>
        tf.tidy(() => {
          const grads = tf.grads(loss)(params);
          params.forEach((w, i) => w.assign(tf.sub(w, tf.mul(grads[i], LR))));
        });
      const t = await medianWallAndCpu(step, { repeats: c.repeats, warmup: c.warmup });
      return { ...t, check };
    } finally {
      tf.dispose([x, labels, ...params]);
    }
  }
  const flat = createDataset({ values: p.x, shape: [c.n, 32 * 32 * 3] }, p.labels, {
    targets: "integer",
    numClasses: 10,
  });
  const data = reshapeInputs(flat, [32, 32, 3]);
  const params = p.params.map((q) => tf.tensor(q.values, q.shape));
  const point = { model, loss: crossEntropy, data, params };
  try {
    if (c.kind === "hvp") {
      const op = hessianOperator(point, { checkExact: false, chunkSize: chunkSize(c) });
      const v = Float64Array.from(p.v);
      let check = 0;
      const t = await medianWallAndCpu(async () => {
        const hv = await op.matvec(v);
        let sq = 0;
        for (let i = 0; i < hv.length; i++) sq += hv[i] * hv[i];
        check = Math.sqrt(sq);
      }, { repeats: c.repeats, warmup: c.warmup });
      op.dispose();
      return { ...t, check };
    }
    let check = 0;
    const t = await medianWallAndCpu(async () => {
      const r = await sharpness(point, {
        method: "lanczos",
        blockSize: 1,
        maxIterations: c.iterations,
        tol: 1e-12,
        startVector: p.v,
        checkExact: false,
        chunkSize: chunkSize(c),
      });
      check = r.value;
    }, { repeats: c.repeats, warmup: c.warmup });
    return { ...t, check };
  } finally {
    tf.dispose(params);
    data.dispose();
    flat.dispose();
  }
}

/**
 * Samples per chunk of the library's products: 256 for the CNN (its loss is a sum over samples,
 * and 1,024 images at once held 4.4 GB against 1.4 GB in chunks of 256, in the same time); the
 * whole batch for ResNet-20, whose BatchNorm normalizes over it.
 */
function chunkSize(c: Case): number {
  return c.model === "cnn" ? 256 : c.n;
}

function describe(c: Case): string {
  const model = c.model === "cnn" ? "small CNN 32×32×3" : "ResNet-20 w16 BN";
  if (c.kind === "step") return `${model}: sgd step batch ${c.n}`;
  if (c.kind === "hvp") return `${model}: hvp on ${c.n} images`;
  return `${model}: sharpness ${c.iterations} lanczos steps on ${c.n} images`;
}

/** The cases against one reference run, on the native backend with `threads` threads. */
async function compare(cases: Case[], threads: number): Promise<BenchRow[]> {
  const problems = new Map<string, Problem>();
  cases.forEach((c, i) => problems.set(c.id, makeProblem(c, 2000 + i)));
  const status = nativeBackendStatus();
  if (!status.available) {
    return cases.map((c) =>
      benchRow({
        name: describe(c),
        backend: "native",
        minima_ms: NaN,
        reference_ms: NaN,
        reference: "pytorch",
        notes: `skipped: ${status.reason}`,
      })
    );
  }
  const torch = await runTorch(cases, problems, threads);
  const previous = currentBackend().name;
  const rows: BenchRow[] = [];
  try {
    const report = await useBackend("native", { quiet: true, threads });
    for (const c of cases) {
      const ref = torch.results[c.id];
      const got = await measure(c, problems.get(c.id)!);
      const rel = Math.abs(got.check - ref.check) / Math.max(1e-12, Math.abs(ref.check));
      const what = c.kind === "step" ? "loss" : c.kind === "hvp" ? "‖Hv‖" : "λmax";
      rows.push(benchRow({
        name: describe(c),
        backend: `native ${threads}t`,
        minima_ms: got.ms,
        reference_ms: ref.ms,
        reference: `pytorch ${torch.torch}, ${torch.threads} threads`,
        notes: `${what} ${got.check.toPrecision(6)} vs ${ref.check.toPrecision(6)} (rel ${
          rel.toExponential(1)
        }); process CPU ${fmt(got.cpuMs)} vs ${fmt(ref.cpu_ms)} ms, ratio ${
          (got.cpuMs / ref.cpu_ms).toFixed(2)
        }; ${report.native?.blas ?? ""}; median of ${c.repeats}`,
      }));
    }
  } finally {
    await useBackend(previous, { quiet: true });
  }
  return rows;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

function cases(model: ModelName, sizes: { step: number; hvp: number; lanczos: number }): Case[] {
  const heavy = model === "resnet20";
  return [
    { id: `${model} step`, model, kind: "step", n: sizes.step, repeats: 7, warmup: 2 },
    {
      id: `${model} hvp`,
      model,
      kind: "hvp",
      n: sizes.hvp,
      repeats: heavy || FULL ? 3 : 5,
      warmup: 1,
    },
    {
      id: `${model} lanczos`,
      model,
      kind: "lanczos",
      n: sizes.lanczos,
      iterations: 20,
      repeats: 1,
      warmup: 0,
    },
  ];
}

/** The benchmarks `deno task bench` runs (`--filter convnet`). */
export const benchmarks: Benchmark[] = [
  {
    name: "convnets on the native backend: small CNN step, HVP and sharpness, 1 thread",
    group: "convnet",
    run: () =>
      compare(
        cases(
          "cnn",
          FULL ? { step: 128, hvp: 1024, lanczos: 1024 } : {
            step: 128,
            hvp: 1024,
            lanczos: 256,
          },
        ),
        1,
      ),
  },
  {
    name: `convnets on the native backend: ResNet-20 step, HVP and sharpness${
      FULL ? " on 1,024 images" : ""
    }, 1 thread`,
    group: "convnet",
    run: () =>
      compare(
        cases(
          "resnet20",
          FULL ? { step: 128, hvp: 1024, lanczos: 1024 } : { step: 128, hvp: 128, lanczos: 32 },
        ),
        1,
      ),
  },
];
