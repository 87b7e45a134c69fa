import { tf } from "../backend/mod.ts";
import type { Params } from "../nn/mod.ts";
import type { Optimizer, OptimizerState } from "./types.ts";
import { checkCall } from "../_checks.ts";

// Wrappers that keep their base optimizer's state and hyperparameters as they are.
const KEEP_STATE_PREFIX = "label-noise-", KEEP_STATE_SUFFIX = "+wd";

function baseName(name: string): string {
  let base = name;
  for (let changed = true; changed;) {
    changed = false;
    if (base.startsWith(KEEP_STATE_PREFIX)) {
      base = base.slice(KEEP_STATE_PREFIX.length);
      changed = true;
    }
    if (base.endsWith(KEEP_STATE_SUFFIX)) {
      base = base.slice(0, -KEEP_STATE_SUFFIX.length);
      changed = true;
    }
  }
  return base;
}

const isTensor = (t: unknown): t is tf.Tensor => t instanceof tf.Tensor && !t.isDisposed;

/**
 * The diagonal preconditioner of an adaptive optimizer at its current state: Adam divides its
 * step coordinate-wise by P = √v̂ + ε with v̂ = v/(1 − β₂ᵗ) (t steps taken), RMSprop by
 * P = √v + ε. Dividing minibatch gradient noise by P gives the noise of the update direction
 * (pass P as `preconditioner` to `gradientNoiseTailIndex`).
 *
 * Supports `adam` and `rmsprop`, also wrapped by `weightDecay` or `labelNoise` (which keep the
 * base optimizer's state); ε and β₂ are read from `optimizer.hyperparameters`.
 *
 * @see Kingma, Ba, arXiv:1412.6980; Zhou et al., NeurIPS 2020, arXiv 2010.05627 (the noise of
 * Adam's update); Malladi et al., arXiv:2205.10287 (P in the adaptive SDEs).
 *
 * @example After one Adam step on g, v̂ = g², so P = |g| + ε
 * ```ts
 * import { adam, adaptivePreconditioner, Rng, tf } from "minima";
 * import assert from "node:assert/strict";
 *
 * const opt = adam({ lr: 0.1, eps: 1e-3 });
 * const theta = [tf.tensor1d([0, 0])];
 * const step = opt.update([[tf.tensor1d([3, -0.5])]], opt.init(theta), theta, {
 *   step: 0,
 *   rng: new Rng(0),
 * });
 * const [p] = adaptivePreconditioner(opt, step.state);
 * const got = await p.data();
 * assert.ok(Math.abs(got[0] - 3.001) < 1e-5 && Math.abs(got[1] - 0.501) < 1e-5);
 * tf.dispose([theta, step, p]);
 * ```
 *
 * @param optimizer The optimizer whose state this is (its name and hyperparameters are read).
 * @param state Its state, e.g. `run.state` from `train` (not modified or disposed).
 * @returns P, one tensor per parameter tensor and of its shape, owned by the caller.
 */
export function adaptivePreconditioner(optimizer: Optimizer, state: OptimizerState): Params {
  checkCall("adaptivePreconditioner", arguments);
  const what = "compute the adaptive preconditioner";
  const name = typeof optimizer?.name === "string" ? baseName(optimizer.name) : "";
  if (name !== "adam" && name !== "rmsprop") {
    throw new TypeError(
      `Cannot ${what}: optimizer must be adam or rmsprop (optionally wrapped by weightDecay or labelNoise), current name is ${
        JSON.stringify(optimizer?.name)
      }`,
    );
  }
  const hp = optimizer.hyperparameters;
  // adam and rmsprop are chain(scaleBy..., scale(−η)): the second moment is in inner[0].
  const inner = (state as { inner?: unknown })?.inner;
  const moments = (Array.isArray(inner) ? inner[0] : undefined) as
    | { count?: unknown; nu?: unknown }
    | undefined;
  const nu = moments?.nu;
  if (!Array.isArray(nu) || nu.length === 0 || !nu.every(isTensor)) {
    throw new TypeError(
      `Cannot ${what}: state must be ${optimizer.name}'s state (e.g. run.state from train), with live second-moment tensors at state.inner[0].nu`,
    );
  }
  let correction = 1;
  if (name === "adam") {
    const count = moments!.count;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1) {
      throw new RangeError(
        `Cannot ${what}: Adam's bias-corrected v̂ = v/(1 − β₂ᵗ) needs at least one step taken, current state.inner[0].count is ${count}`,
      );
    }
    correction = 1 - hp.beta2 ** count;
  }
  const eps = hp.eps;
  return tf.tidy(() => nu.map((v: tf.Tensor) => tf.add(tf.sqrt(tf.div(v, correction)), eps)));
}
