import { tf } from "../backend/mod.ts";
import type { ProgressCallback } from "../_types.ts";
import { startLoop } from "../_loop.ts";
import { Rng, type Seed } from "../random/mod.ts";
import type { ManifoldToy } from "./manifold_toy.ts";
import { checkOptimizer, OptimizerStepper } from "./_stepping.ts";
import type { Optimizer } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode simulateManifoldToy}. */
export interface SimulateManifoldToyOptions {
  /**
   * The standard deviation σ of the label noise ξ ~ N(0, σ²) drawn every step for every run.
   * @default {1}
   */
  labelNoise?: number;
  /**
   * Samples per minibatch, drawn without replacement from the toy's samples (`sampleScales`),
   * each with its own label noise: the step follows the batch's mean gradient.
   * @default {1}
   */
  batchSize?: number;
  /**
   * Independent runs, simulated together (each a row of one [runs, 2] tensor).
   * @default {1000}
   */
  runs?: number;
  /**
   * Steps.
   * @default {2000}
   */
  steps?: number;
  /**
   * Record every this many steps (and at 0 and the end).
   * @default {100}
   */
  every?: number;
  /**
   * The common start (x, y), usually on the manifold.
   * @default {{ x: 0, y: 2 }}
   */
  start?: { x: number; y: number };
  /**
   * The seed of the label noise (and of the optimizer's generator).
   * @default {0}
   */
  seed?: Seed;
  /** Called as steps complete (silent by default). */
  onProgress?: ProgressCallback;
}

/** One record of {@linkcode simulateManifoldToy}: means over the runs. */
export interface ManifoldToyRow {
  /** Every field is a number (the rows go straight into a chart). */
  [key: string]: number;
  /** Steps taken. */
  step: number;
  /** The mean position along the manifold, ȳ. */
  y: number;
  /** The standard error of ȳ (the runs' standard deviation over √runs). */
  y_se: number;
  /** The mean squared distance from the manifold, mean x². */
  x2: number;
  /** The mean of tr ∇²L = h(y) over the runs. */
  trace: number;
}

/** What {@linkcode simulateManifoldToy} returns. */
export interface SimulateManifoldToyResult {
  /** The records. */
  rows: ManifoldToyRow[];
  /** Steps taken (fewer than asked when interrupted). */
  steps: number;
  /**
   * Whether the run stopped early on an interrupt (the notebook's stop button): `rows` holds
   * the records made before it.
   */
  interrupted?: boolean;
  /** Wall time in seconds. */
  seconds: number;
}

/**
 * Runs an optimizer on the manifold toy L(x, y) = ½h(y)x² with label noise, many independent runs
 * at once: each step every run gets a fresh ξ ~ N(0, σ²) and the gradient of
 * ℓ = ½(√h(y)·x − ξ)² with respect to θ = R(φ)(x, y), which is
 * ∂ℓ/∂(x, y) = r·(√h, x h'/(2√h)) with r = √h·x − ξ, rotated back to θ. With a toy of several
 * samples and `batchSize` B, every run draws its own B distinct samples each step and averages
 * their gradients, which is the same with r = ā√h·x − ζ, ā the batch's mean scale and
 * ζ = (1/B)Σ_b √a_b·ξ_b. The optimizer is any of
 * minima's that act entry by entry (sgd, heavyBall, nesterov, adam, rmsprop; Fisher-mode `ire`
 * with rankFraction 0.5 marks exactly the x coordinates sharp here, since their gradients are far
 * larger): its state is shared tensor-wise, but every run evolves independently. The records give
 * the mean drift along the manifold, to compare with `manifoldEffectiveDynamics`.
 *
 * @see Li, Wang, Arora, ICLR 2022, arXiv 2110.06914; Damian, Ma, Lee, NeurIPS 2021,
 * arXiv 2106.06530.
 *
 * @example SGD with label noise drifts toward smaller h(y) = 1 + y²
 * ```ts
 * import { manifoldToy, sgd, simulateManifoldToy } from "minima";
 * import assert from "node:assert/strict";
 *
 * const r = await simulateManifoldToy(manifoldToy(), sgd({ lr: 0.05 }), {
 *   runs: 64, steps: 300, every: 300,
 * });
 * assert.ok(r.rows[1].y < r.rows[0].y - 0.3 && r.rows[1].trace < r.rows[0].trace);
 * ```
 *
 * @param toy The toy (curvature and rotation).
 * @param optimizer An optimizer acting entry by entry.
 * @param options Noise, batch size, runs, steps, records, start, seed.
 * @returns The records (means over the runs).
 */
export async function simulateManifoldToy(
  toy: ManifoldToy,
  optimizer: Optimizer,
  options: SimulateManifoldToyOptions = {},
): Promise<SimulateManifoldToyResult> {
  checkCall("simulateManifoldToy", arguments);
  const what = "simulate the manifold toy";
  if (!toy || typeof toy.h !== "function" || !Array.isArray(toy.curvature)) {
    throw new TypeError(
      `Cannot ${what}: toy must come from manifoldToy(), current value is ${toy}`,
    );
  }
  if (checkOptimizer(optimizer, what, "sgd({ lr: 0.05 })") !== 1) {
    throw new TypeError(
      `Cannot ${what}: the optimizer must take one gradient per step, ${optimizer.name} takes ${optimizer.gradientsPerStep}`,
    );
  }
  const sigma = options.labelNoise ?? 1;
  const batchSize = options.batchSize ?? 1;
  const scales = toy.sampleScales ?? [1];
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > scales.length) {
    throw new RangeError(
      `Cannot ${what}: batchSize must be an integer from 1 to the toy's ${scales.length} sample${
        scales.length === 1 ? "" : "s"
      }, current value is ${batchSize}`,
    );
  }
  const runs = options.runs ?? 1000;
  const steps = options.steps ?? 2000;
  const every = options.every ?? 100;
  const start = options.start ?? { x: 0, y: 2 };
  for (
    const [name, v, min] of [["runs", runs, 1], ["steps", steps, 0], ["every", every, 1]] as const
  ) {
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(
        `Cannot ${what}: ${name} must be ${
          min === 0 ? "a non-negative" : "a positive"
        } integer, current value is ${v}`,
      );
    }
  }
  if (!(Number.isFinite(sigma) && sigma >= 0)) {
    throw new RangeError(
      `Cannot ${what}: labelNoise must be a non-negative number, current value is ${sigma}`,
    );
  }
  if (!(Number.isFinite(start?.x) && Number.isFinite(start?.y))) {
    throw new TypeError(
      `Cannot ${what}: start must be { x, y } with finite numbers, current value is ${
        JSON.stringify(start)
      }`,
    );
  }
  const started = performance.now();
  const rng = new Rng(options.seed ?? 0);
  const noiseRng = rng.fork(), optimizerRng = rng.fork(), batchRng = rng.fork();
  // One sample, batches of one: r = √h·x − σξ. Otherwise each run draws its batch.
  const single = scales.length === 1 && batchSize === 1;
  const rootScales = scales.map(Math.sqrt);
  const order = Int32Array.from(scales, (_, i) => i);
  const batchNoise = new Float32Array(single ? 0 : runs * batchSize);
  const batchScale = new Float32Array(single ? 0 : runs), batchLabel = new Float32Array(runs);
  const c = Math.cos(toy.rotation), s = Math.sin(toy.rotation);
  // Row form: [x y] = θ M, and ∂ℓ/∂θ = [gx gy] Mᵀ, with M = [[c, −s], [s, c]].
  // (Columns and rows as matrix products: strided slices and stacks are slow on some backends.)
  const M = tf.tensor2d([[c, -s], [s, c]]);
  const toX = tf.tensor2d([[c], [s]]), toY = tf.tensor2d([[-s], [c]]);
  const fromX = tf.tensor2d([[c, s]]), fromY = tf.tensor2d([[-s, c]]);
  const coefficients = toy.curvature;
  const [t0, t1] = toy.parameters(start.x, start.y);
  const rows: ManifoldToyRow[] = [];
  const noise = new Float32Array(runs);
  const loop = startLoop({
    what: "simulateManifoldToy",
    total: steps,
    label: optimizer.name,
    onProgress: options.onProgress,
  });
  let stepper: OptimizerStepper | undefined;
  let taken = 0, interrupted = false;

  const record = async (step: number) => {
    const product = tf.matMul(stepper!.params[0], M);
    const xy = await product.array() as number[][];
    product.dispose();
    let sy = 0, syy = 0, sx2 = 0, sh = 0;
    for (const [x, y] of xy) {
      sy += y;
      syy += y * y;
      sx2 += x * x;
      sh += toy.h(y);
    }
    const mean = sy / runs;
    const variance = runs > 1 ? Math.max(0, (syy - runs * mean * mean) / (runs - 1)) : 0;
    rows.push({
      step,
      y: mean,
      y_se: Math.sqrt(variance / runs),
      x2: sx2 / runs,
      trace: sh / runs,
    });
  };

  try {
    stepper = new OptimizerStepper(optimizer, [
      tf.tidy(() => tf.tile(tf.tensor2d([[t0, t1]]), [runs, 1])) as tf.Tensor2D,
    ]);
    await record(0);
    for (let step = 0; step < steps; step++) {
      if (loop.interrupted()) {
        interrupted = true;
        loop.stopped(step, `returning the ${rows.length} records so far`);
        break;
      }
      if (single) {
        if (sigma > 0) noiseRng.fillNormal(noise);
      } else {
        if (sigma > 0) noiseRng.fillNormal(batchNoise);
        for (let run = 0; run < runs; run++) {
          // A uniform batch of distinct samples: a partial Fisher–Yates shuffle of the order.
          let scale = 0, label = 0;
          for (let b = 0; b < batchSize; b++) {
            const j = b + batchRng.integer(scales.length - b);
            const i = order[j];
            order[j] = order[b];
            order[b] = i;
            scale += scales[i];
            label += rootScales[i] * batchNoise[run * batchSize + b];
          }
          batchScale[run] = scale / batchSize;
          batchLabel[run] = label / batchSize;
        }
      }
      const theta = stepper.params[0];
      const grad = tf.tidy(() => {
        const xi = tf.tensor1d(single ? noise : batchLabel);
        const x = tf.reshape(tf.matMul(theta, toX), [runs]);
        const y = tf.reshape(tf.matMul(theta, toY), [runs]);
        let h: tf.Tensor = tf.fill([runs], coefficients[coefficients.length - 1]);
        let dh: tf.Tensor = tf.zeros([runs]);
        for (let k = coefficients.length - 1; k >= 1; k--) {
          dh = tf.add(tf.mul(dh, y), k * coefficients[k]);
          h = tf.add(tf.mul(h, y), coefficients[k - 1]);
        }
        const g = tf.sqrt(h);
        const gx0 = single ? tf.mul(g, x) : tf.mul(tf.mul(tf.tensor1d(batchScale), g), x);
        const r = tf.sub(gx0, tf.mul(xi, sigma));
        const gx = tf.mul(r, g);
        const gy = tf.mul(r, tf.div(tf.mul(dh, x), tf.mul(g, 2)));
        return tf.add(
          tf.matMul(tf.reshape(gx, [runs, 1]), fromX),
          tf.matMul(tf.reshape(gy, [runs, 1]), fromY),
        ) as tf.Tensor2D;
      });
      stepper.step([[grad]], { step, rng: optimizerRng });
      taken = step + 1;
      if (taken % every === 0 || taken === steps) await record(taken);
      loop.progress(taken);
    }
  } finally {
    stepper?.dispose();
    tf.dispose([M, toX, toY, fromX, fromY]);
    loop.exit();
  }
  return { rows, steps: taken, interrupted, seconds: (performance.now() - started) / 1000 };
}
