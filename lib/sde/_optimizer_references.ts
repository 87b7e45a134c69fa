// Test references for the optimizer SDEs on the noisy quadratic L = ½Σ h_i θ_i², one sample's
// gradient h⊙θ + s⊙z: the discrete optimizers over many independent runs (float64, batched), and
// the moment ODEs of the SDEs integrated by RK4. Used by tests only.
import { Rng } from "../random/mod.ts";

/** Mean and variance of every coordinate at each checkpoint: rows [mean_0, var_0, mean_1, ...]. */
export type Moments = number[][];

function moments(theta: Float64Array, d: number): number[] {
  const n = theta.length / d, row: number[] = [];
  for (let i = 0; i < d; i++) {
    let m = 0, m2 = 0;
    for (let p = 0; p < n; p++) m += theta[p * d + i];
    m /= n;
    for (let p = 0; p < n; p++) m2 += (theta[p * d + i] - m) ** 2;
    row.push(m, m2 / (n - 1));
  }
  return row;
}

/** The discrete optimizers' settings. */
export interface DiscreteRun {
  kind: "sgd" | "rmsprop" | "adam";
  h: number[];
  theta0: number[];
  /** Per-sample noise standard deviations. */
  s: number[];
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  batchSize?: number;
  /** Checkpoints in optimizer steps. */
  steps: number[];
  runs: number;
  seed: number;
  /** Fork the generator once before drawing (the stream `simulateOptimizer` draws its noise from). */
  forkFirst?: boolean;
}

/** Runs the discrete optimizer `runs` times independently; moments at the checkpoints. */
export function discreteMoments(o: DiscreteRun): Moments {
  const d = o.h.length, n = o.runs, B = o.batchSize ?? 1;
  const rng = new Rng(o.seed);
  if (o.forkFirst) rng.fork();
  const theta = new Float64Array(n * d), m = new Float64Array(n * d), v = new Float64Array(n * d);
  for (let p = 0; p < n; p++) theta.set(o.theta0, p * d);
  const z = new Float64Array(n * d);
  const out: Moments = [];
  const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999, eps = o.eps ?? 1e-8;
  const last = o.steps[o.steps.length - 1];
  for (let k = 1; k <= last; k++) {
    rng.fillNormal(z);
    const c1 = 1 - b1 ** k, c2 = 1 - b2 ** k;
    for (let p = 0; p < n; p++) {
      for (let i = 0; i < d; i++) {
        const j = p * d + i;
        const g = o.h[i] * theta[j] + o.s[i] * z[j] / Math.sqrt(B);
        if (o.kind === "sgd") {
          theta[j] -= o.lr * g;
        } else if (o.kind === "rmsprop") {
          v[j] = b2 * v[j] + (1 - b2) * g * g;
          theta[j] -= o.lr * g / (Math.sqrt(v[j]) + eps);
        } else {
          m[j] = b1 * m[j] + (1 - b1) * g;
          v[j] = b2 * v[j] + (1 - b2) * g * g;
          theta[j] -= o.lr * (m[j] / c1) / (Math.sqrt(v[j] / c2) + eps);
        }
      }
    }
    if (o.steps.includes(k)) out.push(moments(theta, d));
  }
  return out;
}

/** Moments of a simulated state (stride per particle, θ first). */
export function stateMoments(y: Float64Array, stride: number, d: number): number[] {
  const n = y.length / stride;
  const theta = new Float64Array(n * d);
  for (let p = 0; p < n; p++) for (let i = 0; i < d; i++) theta[p * d + i] = y[p * stride + i];
  return moments(theta, d);
}

type Field = (t: number, y: number[]) => number[];

/** RK4 from (t, y) to each time, with steps min(0.02 t, 2e-4) (fine near a singular start). */
function integrate(f: Field, t: number, y: number[], times: number[]): number[][] {
  const out: number[][] = [];
  for (const T of times) {
    while (t < T - 1e-14) {
      const dt = Math.min(Math.max(0.02 * t, 1e-8), 2e-4, T - t);
      const k1 = f(t, y);
      const k2 = f(t + dt / 2, y.map((v, i) => v + dt / 2 * k1[i]));
      const k3 = f(t + dt / 2, y.map((v, i) => v + dt / 2 * k2[i]));
      const k4 = f(t + dt, y.map((v, i) => v + dt * k3[i]));
      y = y.map((v, i) => v + dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
      t += dt;
    }
    out.push(y);
  }
  return out;
}

/**
 * The RMSprop SDE's θ mean and variance per coordinate (constant Σ, v0 = 0, so v = s²γ₂(t)/B is
 * deterministic and θ is Gaussian): μ' = −hμ/(ηD), V' = −2hV/(ηD) + (s²/B)/D², D = √v + ε.
 */
export function rmspropSdeMoments(
  h: number[],
  theta0: number[],
  s: number[],
  o: { lr: number; beta: number; eps: number; batchSize?: number },
  times: number[],
): Moments {
  const B = o.batchSize ?? 1, c2 = (1 - o.beta) / o.lr ** 2;
  const cols = h.map((hi, i) => {
    const D = (t: number) => Math.sqrt(s[i] ** 2 / B * -Math.expm1(-c2 * t)) + o.eps;
    return integrate(
      (t, y) => [
        -hi * y[0] / (o.lr * D(t)),
        -2 * hi * y[1] / (o.lr * D(t)) + s[i] ** 2 / B / D(t) ** 2,
      ],
      0,
      [theta0[i], 0],
      times,
    );
  });
  return times.map((_, k) => cols.flatMap((c) => [c[k][0], c[k][1]]));
}

/**
 * The Adam SDE's θ mean and variance per coordinate (constant Σ, m0 = v0 = 0, bias-corrected).
 * Then v = s²γ₂/B exactly and √v + ε√γ₂ = √γ₂(s/√B + ε), so (θ, m) is linear:
 * θ' = −m/(γ₁K), m' = c₁(hθ − m) + c₁η(s/√B)ξ with K = η(s/√B + ε); its mean and covariance
 * solve linear ODEs, started at t = 1e-7 from their first-order series (the 1/γ₁ is singular at 0).
 */
export function adamSdeMoments(
  h: number[],
  theta0: number[],
  s: number[],
  o: { lr: number; beta1: number; beta2: number; eps: number; batchSize?: number },
  times: number[],
): Moments {
  const B = o.batchSize ?? 1, c1 = (1 - o.beta1) / o.lr ** 2;
  const cols = h.map((hi, i) => {
    const K = o.lr * (s[i] / Math.sqrt(B) + o.eps);
    const q = (c1 * o.lr * s[i]) ** 2 / B;
    const a = (t: number) => 1 / (-Math.expm1(-c1 * t) * K);
    const t0 = 1e-7, th = theta0[i];
    // y = [E θ, E m, Var θ, Cov(θ, m), Var m]
    const y0 = [
      th - hi * th / K * t0,
      c1 * hi * th * t0,
      2 * q * t0 / (c1 * c1 * K * K),
      -q * t0 / (c1 * K),
      q * t0,
    ];
    return integrate(
      (t, y) => {
        const A = a(t);
        return [
          -A * y[1],
          c1 * (hi * y[0] - y[1]),
          -2 * A * y[3],
          -A * y[4] + c1 * (hi * y[2] - y[3]),
          2 * c1 * (hi * y[3] - y[4]) + q,
        ];
      },
      t0,
      y0,
      times,
    );
  });
  return times.map((_, k) => cols.flatMap((c) => [c[k][0], c[k][2]]));
}

/**
 * The largest discrepancy between two moment tables, in units of the reference: |Δmean|/sd and
 * |Δvariance|/variance over every checkpoint and coordinate.
 */
export function momentError(got: Moments, want: Moments): number {
  let e = 0;
  for (let k = 0; k < want.length; k++) {
    for (let i = 0; i < want[k].length; i += 2) {
      const sd = Math.sqrt(want[k][i + 1]);
      e = Math.max(e, Math.abs(got[k][i] - want[k][i]) / sd);
      e = Math.max(e, Math.abs(got[k][i + 1] - want[k][i + 1]) / want[k][i + 1]);
    }
  }
  return e;
}
