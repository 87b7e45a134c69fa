/**
 * Exact float64 Hessian-vector products of an MLP objective by Pearlmutter's R-operator (forward
 * the directional derivative of every activation, then back-propagate it alongside the gradient),
 * and the exact Hessian from d of them. Independent of tfjs and of minima's estimators: the
 * reference the spectral cross-check suite measures every estimator against.
 *
 * Unlike central differences of the gradient (`hessian64`), the R-operator has no step, so it is
 * exact on ReLU networks too (σ'' = 0 away from the kinks, which is what double backprop sees),
 * and a product costs one forward and one backward pass, so d = 3,466 is still cheap.
 *
 * Private to the tests and the measurement scripts.
 *
 * @module
 */
import { ACT64, type Loss64, type Mlp64, numParams64 } from "../nn/_float64_reference.ts";

/** σ'' for the activations the R-operator supports. */
const SECOND: Record<string, (z: number) => number> = {
  relu: () => 0,
  identity: () => 0,
  tanh: (z) => {
    const t = Math.tanh(z);
    return -2 * t * (1 - t * t);
  },
  sigmoid: (z) => {
    const s = 1 / (1 + Math.exp(-z));
    return s * (1 - s) * (1 - 2 * s);
  },
  softplus: (z) => {
    const s = 1 / (1 + Math.exp(-z));
    return s * (1 - s);
  },
};

/** Layer offsets of W_l (in×out, row-major) and b_l in θ. */
function offsets(net: Mlp64): { w: number[]; b: number[] } {
  const w: number[] = [], b: number[] = [];
  let off = 0;
  for (let l = 0; l + 1 < net.sizes.length; l++) {
    w.push(off);
    off += net.sizes[l] * net.sizes[l + 1];
    b.push(off);
    if (net.bias !== false) off += net.sizes[l + 1];
  }
  return { w, b };
}

/** ∂ℓ/∂f and v ↦ (∂²ℓ/∂f²) v for one sample, as `hessian64`'s losses define them. */
function lossDerivatives(
  loss: Loss64,
  f: Float64Array,
  y: ArrayLike<number>,
): { grad: Float64Array; hess: (r: Float64Array) => Float64Array } {
  const k = f.length;
  if (loss === "mse") {
    return { grad: f.map((v, j) => v - y[j]), hess: (r) => Float64Array.from(r) };
  }
  if (k === 1) {
    // log(1 + exp(−y f)): ℓ' = −y s, ℓ'' = y² s (1 − s), s = sigmoid(−y f).
    const s = 1 / (1 + Math.exp(y[0] * f[0]));
    return {
      grad: Float64Array.of(-y[0] * s),
      hess: (r) => Float64Array.of(y[0] * y[0] * s * (1 - s) * r[0]),
    };
  }
  // Σ_j y_j · (logsumexp(f) − f_j): gradient ysum·p − y, Hessian ysum·(diag p − p pᵀ).
  const mx = Math.max(...f);
  let se = 0;
  for (let j = 0; j < k; j++) se += Math.exp(f[j] - mx);
  const p = f.map((v) => Math.exp(v - mx) / se);
  let ysum = 0;
  for (let j = 0; j < k; j++) ysum += y[j];
  return {
    grad: p.map((pj, j) => ysum * pj - y[j]),
    hess: (r) => {
      let pr = 0;
      for (let j = 0; j < k; j++) pr += p[j] * r[j];
      return p.map((pj, j) => ysum * pj * (r[j] - pr));
    },
  };
}

/**
 * H v for the mean loss (1/n) Σᵢ ℓ(f(θ; xᵢ), yᵢ) of a float64 MLP, exactly (R-operator), in the
 * parameter layout of `mlp` and `hessian64`.
 *
 * @param net The network (activations: relu, tanh, sigmoid, softplus, identity).
 * @param loss "mse" or "cross-entropy" (logistic for one output).
 * @param theta The parameters.
 * @param xs Inputs.
 * @param ys Targets (one-hot rows for cross-entropy, ±1 for the logistic loss).
 * @param v The direction.
 * @returns H v.
 */
export function mlpHvp64(
  net: Mlp64,
  loss: Loss64,
  theta: Float64Array,
  xs: number[][],
  ys: number[][],
  v: ArrayLike<number>,
): Float64Array {
  const act = ACT64[net.activation];
  const act2 = SECOND[net.activation];
  if (act === undefined || act2 === undefined) {
    throw new RangeError(`mlpHvp64: activation ${net.activation} has no second derivative here`);
  }
  const d = numParams64(net);
  if (theta.length !== d || v.length !== d) {
    throw new RangeError(`mlpHvp64: θ and v must have length ${d}`);
  }
  const L = net.sizes.length - 1;
  const c = net.outputScale ?? 1;
  const bias = net.bias !== false;
  const off = offsets(net);
  const n = xs.length;
  const out = new Float64Array(d);
  for (let s = 0; s < n; s++) {
    // Forward, with R{·} = directional derivatives along v.
    const hs: Float64Array[] = [], zs: Float64Array[] = [];
    const rhs: Float64Array[] = [], rzs: Float64Array[] = [];
    let h = Float64Array.from(xs[s]);
    let rh = new Float64Array(h.length);
    for (let l = 0; l < L; l++) {
      const nin = net.sizes[l], nout = net.sizes[l + 1];
      const z = new Float64Array(nout), rz = new Float64Array(nout);
      for (let i = 0; i < nin; i++) {
        const row = off.w[l] + i * nout;
        const hi = h[i], rhi = rh[i];
        for (let j = 0; j < nout; j++) {
          z[j] += hi * theta[row + j];
          rz[j] += rhi * theta[row + j] + hi * v[row + j];
        }
      }
      if (bias) {
        for (let j = 0; j < nout; j++) {
          z[j] += theta[off.b[l] + j];
          rz[j] += v[off.b[l] + j];
        }
      }
      hs.push(h);
      rhs.push(rh);
      zs.push(z);
      rzs.push(rz);
      if (l < L - 1) {
        h = z.map(act.f);
        rh = z.map((zj, j) => act.df(zj) * rz[j]);
      }
    }
    const f = zs[L - 1].map((zj) => c * zj);
    const rf = rzs[L - 1].map((r) => c * r);
    const { grad, hess } = lossDerivatives(loss, f, ys[s]);
    // δ = ∂ℓ/∂z_{L−1} and its R{·}, over n.
    let delta = grad.map((g) => (c * g) / n);
    let rdelta = hess(rf).map((g) => (c * g) / n);
    for (let l = L - 1; l >= 0; l--) {
      const nin = net.sizes[l], nout = net.sizes[l + 1];
      const hl = hs[l], rhl = rhs[l];
      for (let i = 0; i < nin; i++) {
        const row = off.w[l] + i * nout;
        for (let j = 0; j < nout; j++) out[row + j] += rhl[i] * delta[j] + hl[i] * rdelta[j];
      }
      if (bias) { for (let j = 0; j < nout; j++) out[off.b[l] + j] += rdelta[j]; }
      if (l === 0) break;
      // e = δ Wᵀ, R{e} = R{δ} Wᵀ + δ Vᵀ; δ_{l−1} = e ⊙ σ'(z), R{δ_{l−1}} = R{e} ⊙ σ'(z) + e ⊙ σ''(z) R{z}.
      const zp = zs[l - 1], rzp = rzs[l - 1];
      const next = new Float64Array(nin), rnext = new Float64Array(nin);
      for (let i = 0; i < nin; i++) {
        const row = off.w[l] + i * nout;
        let e = 0, re = 0;
        for (let j = 0; j < nout; j++) {
          e += theta[row + j] * delta[j];
          re += theta[row + j] * rdelta[j] + v[row + j] * delta[j];
        }
        const g1 = act.df(zp[i]);
        next[i] = e * g1;
        rnext[i] = re * g1 + e * act2(zp[i]) * rzp[i];
      }
      delta = next;
      rdelta = rnext;
    }
  }
  return out;
}

/** The exact Hessian (d×d, row-major, symmetrized) from d R-operator products. */
export function mlpHessian64(
  net: Mlp64,
  loss: Loss64,
  theta: Float64Array,
  xs: number[][],
  ys: number[][],
): Float64Array {
  const d = numParams64(net);
  const H = new Float64Array(d * d);
  const e = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    e[j] = 1;
    const col = mlpHvp64(net, loss, theta, xs, ys, e);
    e[j] = 0;
    for (let i = 0; i < d; i++) H[i * d + j] = col[i];
  }
  // Exact arithmetic gives a symmetric matrix; rounding leaves ~1e-16 asymmetry.
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (H[i * d + j] + H[j * d + i]);
      H[i * d + j] = H[j * d + i] = m;
    }
  }
  return H;
}
