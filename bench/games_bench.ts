/**
 * One quasistatic Langevin outer step (one noisy descent step on 2,000 x particles, then k = 5
 * warm-started noisy ascent steps on 2,000 y particles, all pairwise interactions) on a 2-D torus
 * game, against numpy (1 thread) in the same run. Target: at most numpy's time.
 *
 * Game: K(x, y) = cos(x1 − y1)·cos(x2 − y2) + ½cos 2x1 − ½cos 2y2 on [0, 2π)².
 *
 * Rows: the compiled mathjs game (the default path); the same with the angle-addition rewrite
 * off (every pair evaluates sin and cos, as numpy does); the same game as tensor functions on the
 * active tfjs backend. Each row checks that minima's mean-field forces agree with numpy's on the
 * same particles.
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
import {
  type Game,
  mathjsGame,
  particleMeasure,
  quasistaticLangevin,
  tensorGame,
  tf,
  torus,
} from "../mod.ts";

const FORMULA = "cos(x1 - y1) * cos(x2 - y2) + 0.5*cos(2*x1) - 0.5*cos(2*y2)";
const N = 2000, K = 5, STEP_X = 0.05, STEP_Y = 0.1, T = 0.2, REPEATS = 5;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function tensorVersion(): Game {
  const diff = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.sub(tf.expandDims(x, 1), tf.expandDims(y, 0));
  const parts = (x: tf.Tensor2D, y: tf.Tensor2D) => {
    const d = diff(x, y);
    const [d1, d2] = tf.unstack(d, 2);
    return { s1: tf.sin(d1), c1: tf.cos(d1), s2: tf.sin(d2), c2: tf.cos(d2) };
  };
  return tensorGame({
    payoff: (x, y) => {
      const { c1, c2 } = parts(x, y);
      const [x1] = tf.unstack(x, 1), [, y2] = tf.unstack(y, 1);
      return tf.mul(c1, c2).add(tf.expandDims(tf.cos(tf.mul(x1, 2)).mul(0.5), 1))
        .sub(tf.expandDims(tf.cos(tf.mul(y2, 2)).mul(0.5), 0));
    },
    gradX: (x, y) => {
      const { s1, c1, s2, c2 } = parts(x, y);
      const [x1] = tf.unstack(x, 1);
      const g1 = tf.neg(tf.mul(s1, c2)).sub(tf.expandDims(tf.sin(tf.mul(x1, 2)), 1));
      return tf.stack([g1, tf.neg(tf.mul(c1, s2))], 2);
    },
    gradY: (x, y) => {
      const { s1, c1, s2, c2 } = parts(x, y);
      const [, y2] = tf.unstack(y, 1);
      const g2 = tf.mul(c1, s2).add(tf.expandDims(tf.sin(tf.mul(y2, 2)), 0));
      return tf.stack([tf.mul(s1, c2), g2], 2);
    },
  }, { x: torus(2), y: torus(2), temperature: T, description: FORMULA });
}

export const benchmarks: Benchmark[] = [{
  name: `quasistatic outer step, ${N}×${N} particles, 2-D torus, k=${K}`,
  group: "games",
  async run(): Promise<BenchRow[]> {
    const x = particleMeasure(torus(2), N, { seed: 1 });
    const y = particleMeasure(torus(2), N, { seed: 2 });
    const config = await Deno.makeTempFile({ suffix: ".json" });
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        x: Array.from(x.positions),
        y: Array.from(y.positions),
        k: K,
        step_x: STEP_X,
        step_y: STEP_Y,
        temperature: T,
        repeats: REPEATS,
      }),
    );
    const script = join(dirname(fromFileUrl(import.meta.url)), "reference", "games.py");
    let reference: Record<string, unknown>;
    try {
      reference = await runPythonReference(script, [config]);
    } finally {
      await Deno.remove(config).catch(() => {});
    }
    const referenceMs = reference.step_ms as number;
    const fx = reference.field_x as number[], fy = reference.field_y as number[];
    const rows: BenchRow[] = [];
    // The tensor row is informational and slow on some backends: one timed call, no warm-up.
    const variants: {
      label: string;
      backend: string;
      game: Game;
      repeats: number;
      warmup: number;
    }[] = [
      {
        label: "compiled mathjs game",
        backend: "ts",
        game: mathjsGame(FORMULA, { temperature: T }),
        repeats: REPEATS,
        warmup: 1,
      },
      {
        label: "compiled, angle addition off",
        backend: "ts",
        game: mathjsGame(FORMULA, { temperature: T, angleAddition: false }),
        repeats: REPEATS,
        warmup: 1,
      },
      {
        label: "tensor game",
        backend: tf.getBackend(),
        game: tensorVersion(),
        repeats: 1,
        warmup: 0,
      },
    ];
    for (const v of variants) {
      const solver = quasistaticLangevin(v.game, { stepX: STEP_X, stepY: STEP_Y, innerSteps: K });
      const state = solver.init({ x, y, seed: 3 });
      const ms = await medianMs(() => solver.update(state), {
        repeats: v.repeats,
        warmup: v.warmup,
      });
      const errX = maxDiff(await v.game.fieldX(x.positions, y.positions), fx);
      const errY = maxDiff(await v.game.fieldY(x.positions, y.positions), fy);
      rows.push(benchRow({
        name: `${this.name} (${v.label})`,
        backend: v.backend,
        minima_ms: ms,
        reference_ms: referenceMs,
        reference: `numpy ${reference.numpy} (1 thread, float64 broadcasting)`,
        notes: `${1 + K} all-pairs force evaluations per step; max |force − numpy| ${
          Math.max(errX, errY).toExponential(1)
        }`,
      }));
    }
    return rows;
  },
}];
