/**
 * Euler–Maruyama for Ornstein–Uhlenbeck particles, minima (`solveSde` over Float64Arrays) against
 * numpy (1 thread, in-place ops, PCG64 normals) in the same run: 100,000 particles of a 1-D OU
 * over 1,000 steps, and 10,000 particles of a 10-D OU with a full drift matrix. A third row times
 * the same 1-D solve written with tfjs tensors, the alternative `solveSde` does not use. The last
 * row is the step cost of SVAG (two minibatch gradients a step) against plain SGD, both minima.
 *
 * @module
 */
import {
  type Benchmark,
  type BenchRow,
  benchRow,
  medianMs,
  runPythonReference,
} from "./_harness.ts";
import { dirname, fromFileUrl, join } from "./_paths.ts";
import { linearDrift, solveSde } from "../lib/sde/mod.ts";
import type { SdeProblem } from "../lib/sde/mod.ts";

const script = join(dirname(fromFileUrl(import.meta.url)), "reference", "sde.py");
const STEPS = 1000;
const SIGMA = 0.8;

/** dX = (μ − X) dt + σ dW, μ = 0.5, from 0 over [0, 1] (as in reference/sde.py). */
function ou1(): SdeProblem {
  return {
    dim: 1,
    drift: (_t, x, out) => {
      for (let i = 0; i < x.length; i++) out[i] = 0.5 - x[i];
    },
    diffusion: { kind: "additive", sigma: SIGMA },
    y0: [0],
    t1: 1,
  };
}

/**
 * dX = −A X dt + σ dW with A_ij = 2[i = j] + 0.1 sin(i + 2j) (as in reference/sde.py), the
 * drift from `linearDrift`, which compiles the matrix–vector products to straight-line code.
 */
function ouFull(dim: number): SdeProblem {
  const minusA = Array.from(
    { length: dim },
    (_, i) =>
      Array.from({ length: dim }, (_, j) => -((i === j ? 2 : 0) + 0.1 * Math.sin(i + 2 * j))),
  );
  return {
    dim,
    drift: linearDrift(minusA),
    diffusion: { kind: "additive", sigma: SIGMA },
    y0: new Float64Array(dim),
    t1: 1,
  };
}

function firstMoments(y: Float64Array, dim: number): { mean: number; variance: number } {
  const n = y.length / dim;
  let m = 0, m2 = 0;
  for (let p = 0; p < n; p++) m += y[p * dim];
  m /= n;
  for (let p = 0; p < n; p++) m2 += (y[p * dim] - m) ** 2;
  return { mean: m, variance: m2 / (n - 1) };
}

async function compare(
  name: string,
  problem: SdeProblem,
  particles: number,
  repeats: number,
): Promise<BenchRow> {
  const dim = problem.dim;
  let last: Float64Array = new Float64Array(0);
  let seed = 0;
  const minima = await medianMs(async () => {
    const r = await solveSde(problem, {
      particles,
      dt: 1 / STEPS,
      saveAt: [1],
      seed: seed++,
    });
    last = r.ys[0];
  }, { repeats, warmup: 1 });
  const ref = await runPythonReference(script, [
    String(dim),
    String(particles),
    String(STEPS),
    String(repeats),
  ]);
  const ours = firstMoments(last, dim);
  return benchRow({
    name,
    backend: "ts",
    minima_ms: minima,
    reference_ms: ref.ms as number,
    reference: `numpy ${ref.numpy} (1 thread)`,
    notes: `x0 at t=1: mean ${ours.mean.toFixed(4)} vs numpy ${(ref.mean as number).toFixed(4)}, ` +
      `variance ${ours.variance.toFixed(4)} vs ${(ref.variance as number).toFixed(4)}`,
  });
}

/** The 1-D solve written with tfjs ops, to show why solveSde uses typed arrays. */
async function tfjsRow(particles: number): Promise<BenchRow> {
  const { tf } = await import("../lib/backend/mod.ts");
  const dt = 1 / STEPS, s = SIGMA * Math.sqrt(dt);
  const solve = async (steps: number) => {
    let x = tf.zeros([particles]);
    for (let k = 0; k < steps; k++) {
      const next = tf.tidy(() =>
        x.add(tf.scalar(0.5).sub(x).mul(dt)).add(tf.randomNormal([particles]).mul(s))
      );
      x.dispose();
      x = next;
    }
    const data = await x.data();
    x.dispose();
    return data;
  };
  await solve(20);
  const ms = await medianMs(() => solve(STEPS), { repeats: 1, warmup: 0 });
  const ref = await runPythonReference(script, ["1", String(particles), String(STEPS), "1"]);
  return benchRow({
    name: `tfjs tensors (not used by solveSde): euler-maruyama OU 1-D, ${particles} × ${STEPS}`,
    backend: tf.getBackend(),
    minima_ms: ms,
    reference_ms: ref.ms as number,
    reference: `numpy ${ref.numpy} (1 thread)`,
    notes: "tf.randomNormal draws in JavaScript; about 5 ops per step",
  });
}

/** Train-step time of svag(sgd, ℓ = 4) against sgd on one MLP and data, both minima. */
async function svagRow(): Promise<BenchRow> {
  const { tf } = await import("../lib/backend/mod.ts");
  const { createDataset } = await import("../lib/data/mod.ts");
  const { disposeParams, mlp, mse } = await import("../lib/nn/mod.ts");
  const { sgd, train } = await import("../lib/optim/mod.ts");
  const { svag } = await import("../lib/sde/mod.ts");
  const { Rng } = await import("../lib/random/mod.ts");
  const rng = new Rng(0), n = 1024, dim = 64, steps = 300, batch = 64;
  const x = Array.from({ length: n }, () => Array.from({ length: dim }, () => rng.normal()));
  const data = createDataset(x, x.map((row) => [Math.tanh(row[0] + row[1])]));
  const objective = { model: mlp([dim, 64, 1], { activation: "tanh" }), loss: mse, data };
  const time = (opt: Parameters<typeof train>[1]) =>
    medianMs(async () => {
      const run = await train(objective, opt, {
        steps,
        batchSize: batch,
        every: steps,
        defaultTrackers: false,
      });
      disposeParams(run.params);
      tf.dispose(run.state as Parameters<typeof tf.dispose>[0]);
    }, { repeats: 3, warmup: 1 });
  const plain = await time(sgd({ lr: 0.05 }));
  const amplified = await time(svag(sgd({ lr: 0.05 }), { l: 4 }));
  data.dispose();
  return benchRow({
    name: `svag(sgd, ℓ=4) train step vs sgd, mlp ${dim}-64-1 tanh, batch ${batch}`,
    backend: tf.getBackend(),
    minima_ms: amplified / steps,
    reference_ms: plain / steps,
    reference: "minima sgd (same run)",
    notes: "SVAG takes two minibatch gradients per step; ratio is its cost per step",
  });
}

export const benchmarks: Benchmark[] = [
  {
    name: "euler-maruyama, 1-D Ornstein–Uhlenbeck, 100,000 particles × 1,000 steps",
    group: "sde",
    run: async () => [
      await compare(
        "euler-maruyama OU 1-D, 100000 particles × 1000 steps",
        ou1(),
        100_000,
        3,
      ),
    ],
  },
  {
    name: "euler-maruyama, 10-D Ornstein–Uhlenbeck with a full drift matrix, 10,000 × 1,000",
    group: "sde",
    run: async () => [
      await compare(
        "euler-maruyama OU 10-D full drift, 10000 particles × 1000 steps",
        ouFull(10),
        10_000,
        3,
      ),
    ],
  },
  {
    name: "euler-maruyama, 1-D OU as tfjs tensor ops (the road not taken)",
    group: "sde",
    run: async () => [await tfjsRow(100_000)],
  },
  {
    name: "svag step cost against sgd",
    group: "sde",
    run: async () => [await svagRow()],
  },
];
