// Batched evaluations of a per-point GradientOracle for the optimizer SDEs: particle p's
// parameters are x[p·stride ... p·stride + d), results are row-major particles × d.
import type { GradientOracle } from "./gradient_oracle.ts";

/** The oracle's evaluations over a batch. */
export interface OracleOps {
  /** Noise components per particle: d for sqrtCovariance, N for perSample. */
  noiseDim: number;
  /** ∇L(θ_p) for every particle. */
  gradients(x: Float64Array, stride: number, out: Float64Array): Promise<void>;
  /** diag Σ(θ_p) for every particle. */
  diagonals(x: Float64Array, stride: number, out: Float64Array): Promise<void>;
  /** Σ(θ_p)^{1/2} dW_p for every particle (dW: particles × noiseDim). */
  applySqrt(x: Float64Array, stride: number, dW: Float64Array, out: Float64Array): Promise<void>;
}

/**
 * Validates an oracle and names the constructor in errors (`prefix` replaces "Cannot build
 * <what>" for callers that do not build anything).
 */
export function checkOracle(
  oracle: GradientOracle,
  what: string,
  prefix = `Cannot build ${what}`,
): void {
  if (oracle === null || typeof oracle !== "object") {
    throw new TypeError(
      `${prefix}: the oracle must be an object with dim, gradient and noise, current value is ${oracle}`,
    );
  }
  if (!Number.isInteger(oracle.dim) || oracle.dim < 1) {
    throw new RangeError(
      `${prefix}: oracle.dim must be a positive integer, current value is ${oracle.dim}`,
    );
  }
  if (typeof oracle.gradient !== "function") {
    throw new TypeError(
      `${prefix}: oracle.gradient must be a function (theta, out) => void`,
    );
  }
  const kind = oracle.noise?.kind;
  if (kind === "sqrtCovariance") {
    if (typeof oracle.noise.apply !== "function") {
      throw new TypeError(
        `${prefix}: oracle.noise.apply must be a function (theta, z, out) => void`,
      );
    }
  } else if (kind === "perSample") {
    if (!Number.isInteger(oracle.noise.samples) || oracle.noise.samples < 2) {
      throw new RangeError(
        `${prefix}: oracle.noise.samples must be an integer of at least 2, current value is ${oracle.noise.samples}`,
      );
    }
    if (typeof oracle.noise.perSampleGradients !== "function") {
      throw new TypeError(
        `${prefix}: oracle.noise.perSampleGradients must be a function (theta, out) => void`,
      );
    }
  } else {
    throw new TypeError(
      `${prefix}: oracle.noise.kind must be "sqrtCovariance" or "perSample", current value is ${kind}`,
    );
  }
}

/** Subarray views of one buffer, made once per (buffer, layout). */
function viewCache() {
  const cache = new WeakMap<Float64Array, { key: string; views: Float64Array[] }>();
  return (buffer: Float64Array, count: number, stride: number, len: number): Float64Array[] => {
    const key = `${count}:${stride}:${len}`;
    const hit = cache.get(buffer);
    if (hit !== undefined && hit.key === key) return hit.views;
    const views = Array.from(
      { length: count },
      (_, p) => buffer.subarray(p * stride, p * stride + len),
    );
    cache.set(buffer, { key, views });
    return views;
  };
}

/** Builds the batched evaluations. */
export function oracleOps(oracle: GradientOracle): OracleOps {
  const d = oracle.dim;
  const views = viewCache();
  const noise = oracle.noise;
  const common = {
    async gradients(x: Float64Array, stride: number, out: Float64Array) {
      const n = out.length / d;
      const xs = views(x, n, stride, d), os = views(out, n, d, d);
      for (let p = 0; p < n; p++) {
        const r = oracle.gradient(xs[p], os[p]);
        if (r !== undefined) await r;
      }
    },
  };
  if (noise.kind === "sqrtCovariance") {
    const z = new Float64Array(d), col = new Float64Array(d);
    return {
      ...common,
      noiseDim: d,
      async diagonals(x, stride, out) {
        const n = out.length / d;
        const xs = views(x, n, stride, d), os = views(out, n, d, d);
        for (let p = 0; p < n; p++) {
          if (noise.diagonal !== undefined) {
            {
              const r = noise.diagonal(xs[p], os[p]);
              if (r !== undefined) await r;
            }
            continue;
          }
          os[p].fill(0);
          for (let j = 0; j < d; j++) {
            z.fill(0);
            z[j] = 1;
            {
              const r = noise.apply(xs[p], z, col);
              if (r !== undefined) await r;
            }
            for (let i = 0; i < d; i++) os[p][i] += col[i] * col[i];
          }
        }
      },
      async applySqrt(x, stride, dW, out) {
        const n = out.length / d;
        const xs = views(x, n, stride, d), ws = views(dW, n, d, d), os = views(out, n, d, d);
        for (let p = 0; p < n; p++) {
          const r = noise.apply(xs[p], ws[p], os[p]);
          if (r !== undefined) await r;
        }
      },
    };
  }
  // Per-sample gradients, centered, cached per particle for the last θ they were computed at
  // (the drift and the diffusion of one step ask at the same θ).
  const N = noise.samples;
  const cache: { theta: Float64Array; centered: Float64Array }[] = [];
  const centeredAt = async (p: number, theta: Float64Array): Promise<Float64Array> => {
    let c = cache[p];
    if (c === undefined) {
      c = cache[p] = { theta: new Float64Array(d).fill(NaN), centered: new Float64Array(N * d) };
    }
    let same = true;
    for (let i = 0; i < d; i++) {
      if (c.theta[i] !== theta[i]) {
        same = false;
        break;
      }
    }
    if (same) return c.centered;
    {
      const r = noise.perSampleGradients(theta, c.centered);
      if (r !== undefined) await r;
    }
    const g = c.centered;
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < N; i++) m += g[i * d + j];
      m /= N;
      for (let i = 0; i < N; i++) g[i * d + j] -= m;
    }
    c.theta.set(theta);
    return g;
  };
  return {
    ...common,
    noiseDim: N,
    async diagonals(x, stride, out) {
      const n = out.length / d;
      const xs = views(x, n, stride, d);
      for (let p = 0; p < n; p++) {
        const g = await centeredAt(p, xs[p]);
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let i = 0; i < N; i++) s += g[i * d + j] ** 2;
          out[p * d + j] = s / N;
        }
      }
    },
    async applySqrt(x, stride, dW, out) {
      const n = out.length / d;
      const xs = views(x, n, stride, d);
      const c = 1 / Math.sqrt(N);
      for (let p = 0; p < n; p++) {
        const g = await centeredAt(p, xs[p]);
        for (let j = 0; j < d; j++) out[p * d + j] = 0;
        for (let i = 0; i < N; i++) {
          const zeta = c * dW[p * N + i];
          for (let j = 0; j < d; j++) out[p * d + j] += g[i * d + j] * zeta;
        }
      }
    },
  };
}

/** The initial-state builder shared by the optimizer SDEs: θ0 then zeros. */
export function zeroMomentsState(
  what: string,
  d: number,
  dim: number,
): (theta0: ArrayLike<number>) => Float64Array {
  return (theta0) => {
    if (theta0?.length !== d) {
      throw new RangeError(
        `Cannot build the initial state of ${what}: theta0 must hold d = ${d} values, current length is ${theta0?.length}`,
      );
    }
    const y = new Float64Array(dim);
    for (let i = 0; i < d; i++) y[i] = theta0[i];
    return y;
  };
}
