import { tf } from "../backend/mod.ts";
import type { Domain } from "./domain.ts";
import type { Game } from "./game.ts";
import { torus } from "./torus.ts";
import { checkDomain, checkPositions, checkPositive, show } from "./_checks.ts";
import { checkCall } from "../_checks.ts";

/**
 * A payoff and its gradients as tensor functions of batches of points. Each receives x of shape
 * [n, x.dim] and y of shape [m, y.dim] and evaluates every pair (broadcast with `expandDims`).
 */
export interface TensorGameFunctions {
  /** K(x_i, y_j), shape [n, m]. */
  payoff(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor;
  /** ∇_x K(x_i, y_j), shape [n, m, x.dim]. */
  gradX(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor;
  /** ∇_y K(x_i, y_j), shape [n, m, y.dim]. */
  gradY(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor;
}

/** Options for {@linkcode tensorGame}. */
export interface TensorGameOptions {
  /**
   * The minimizing player's domain.
   * @default {torus(1)}
   */
  x?: Domain;
  /**
   * The maximizing player's domain.
   * @default {torus(1)}
   */
  y?: Domain;
  /**
   * T = 1/β, the weight of both players' entropies.
   * @default {0.1}
   */
  temperature?: number;
  /**
   * A one-line description for labels.
   * @default {"tensor game"}
   */
  description?: string;
}

/**
 * A mean-field zero-sum game whose payoff and gradients are tensor functions (float32, on the
 * active tfjs backend). The functions are probed once at construction on a 2 × 3 batch, so a
 * gradient of the wrong shape fails here, with the shape it returned. Particles stay float64
 * typed arrays; each evaluation uploads them, runs the function inside `tf.tidy` and downloads
 * the mean-field force, so no tensor outlives a call.
 *
 * For games that are formulas, {@linkcode mathjsGame} is faster (about 20× on the benchmark's
 * 2,000 × 2,000 all-pairs step: see `bench/games_bench.ts`) and float64.
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying, quasistatic dynamics for mean-field
 * zero-sum games (ICLR 2022).
 *
 * @example K(x, y) = cos(x − y) on the circle
 * ```ts
 * import { tensorGame, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const diff = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.sub(tf.expandDims(x, 1), tf.expandDims(y, 0));
 * const game = tensorGame({
 *   payoff: (x, y) => tf.squeeze(tf.cos(diff(x, y)), [2]),
 *   gradX: (x, y) => tf.neg(tf.sin(diff(x, y))),
 *   gradY: (x, y) => tf.sin(diff(x, y)),
 * }, { temperature: 0.5 });
 * const f = await game.fieldX(Float64Array.of(1), Float64Array.of(0, 2));
 * assert.ok(Math.abs(f[0] - (-Math.sin(1) - Math.sin(-1)) / 2) < 1e-6);
 * ```
 *
 * @param functions The payoff and its two gradients.
 * @param options Domains and temperature.
 * @returns The game.
 */
export function tensorGame(functions: TensorGameFunctions, options: TensorGameOptions = {}): Game {
  checkCall("tensorGame", arguments);
  const context = "Cannot build the game";
  if (functions === null || typeof functions !== "object") {
    throw new TypeError(
      `${context}: functions must be an object with payoff, gradX and gradY tensor functions, current value is ${
        show(functions)
      }`,
    );
  }
  for (const key of ["payoff", "gradX", "gradY"] as const) {
    if (typeof functions[key] !== "function") {
      throw new TypeError(
        `${context}: functions.${key} must be a function of the tensors x [n, dim] and y [m, dim], current value is ${
          show(functions[key])
        }`,
      );
    }
  }
  const temperature = options.temperature ?? 0.1;
  checkPositive(temperature, "options.temperature", context);
  const x = options.x === undefined ? torus(1) : checkDomain(options.x, "options.x", context);
  const y = options.y === undefined ? torus(1) : checkDomain(options.y, "options.y", context);
  probe(functions, x.dim, y.dim, context);
  const { payoff, gradX, gradY } = functions;
  const run = async (
    a: Float64Array,
    b: Float64Array,
    method: string,
    f: (xt: tf.Tensor2D, yt: tf.Tensor2D) => tf.Tensor,
  ) => {
    const c = `Cannot evaluate game.${method}`;
    checkPositions(a, x.dim, "x", c);
    checkPositions(b, y.dim, "y", c);
    const out = tf.tidy(() => {
      const xt = tf.tensor2d(Float32Array.from(a), [a.length / x.dim, x.dim]);
      const yt = tf.tensor2d(Float32Array.from(b), [b.length / y.dim, y.dim]);
      return f(xt, yt);
    });
    try {
      return Float64Array.from(await out.data() as Float32Array);
    } finally {
      out.dispose();
    }
  };
  return {
    x,
    y,
    temperature,
    description: options.description ?? "tensor game",
    payoff: (a, b) => run(a, b, "payoff", payoff),
    fieldX: (a, b) => run(a, b, "fieldX", (xt, yt) => tf.mean(gradX(xt, yt), 1)),
    fieldY: (a, b) => run(a, b, "fieldY", (xt, yt) => tf.mean(gradY(xt, yt), 0)),
  };
}

/** Calls the functions on a 2 × 3 batch and checks the shapes they return. */
function probe(f: TensorGameFunctions, dimX: number, dimY: number, context: string): void {
  const n = 2, m = 3;
  const expected = { payoff: [n, m], gradX: [n, m, dimX], gradY: [n, m, dimY] };
  const meaning = {
    payoff: "K(x_i, y_j) for every pair",
    gradX: "∇_x K(x_i, y_j) for every pair",
    gradY: "∇_y K(x_i, y_j) for every pair",
  };
  tf.tidy(() => {
    const xt = tf.add(tf.mul(tf.range(0, n * dimX), 0.37), 0.1).reshape([n, dimX]) as tf.Tensor2D;
    const yt = tf.add(tf.mul(tf.range(0, m * dimY), 0.53), 0.2).reshape([m, dimY]) as tf.Tensor2D;
    for (const key of ["payoff", "gradX", "gradY"] as const) {
      let out: unknown;
      try {
        out = f[key](xt, yt);
      } catch (error) {
        throw new TypeError(
          `${context}: functions.${key} threw on x of shape [${n}, ${dimX}] and y of shape [${m}, ${dimY}] (${
            (error as Error).message
          }); check that it matches the domains' dimensions`,
        );
      }
      const shape = out instanceof tf.Tensor ? out.shape : undefined;
      if (shape === undefined || shape.join() !== expected[key].join()) {
        throw new TypeError(
          `${context}: functions.${key} must return ${meaning[key]}, a tensor of shape [n, m${
            key === "payoff" ? "" : ", dim"
          }] = [${
            expected[key].join(", ")
          }] for x of shape [${n}, ${dimX}] and y of shape [${m}, ${dimY}], it returned ${
            shape ? `shape [${shape.join(", ")}]` : show(out)
          }; broadcast over pairs with tf.expandDims(x, 1) and tf.expandDims(y, 0)`,
        );
      }
    }
  });
}
