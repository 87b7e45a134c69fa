/**
 * Float64 references for tests, in plain TypeScript and independent of tfjs: activations with
 * hand-derived first derivatives, an MLP with the same parameter layout as `mlp`, its loss, its
 * gradient by hand-written backprop, and its Hessian by central differences of that gradient.
 *
 * Private to the test suites of nn/, landscape/ and optim/.
 *
 * @module
 */

/** σ and σ' in float64, derived by hand. */
export const ACT64: Record<string, { f: (z: number) => number; df: (z: number) => number }> = {
  relu: { f: (z) => (z > 0 ? z : 0), df: (z) => (z > 0 ? 1 : 0) },
  tanh: { f: Math.tanh, df: (z) => 1 - Math.tanh(z) ** 2 },
  sigmoid: { f: sig, df: (z) => sig(z) * (1 - sig(z)) },
  softplus: { f: (z) => Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0), df: sig },
  gelu: {
    f: (z) => 0.5 * z * (1 + Math.tanh(GC * (z + 0.044715 * z ** 3))),
    df: (z) => {
      const t = Math.tanh(GC * (z + 0.044715 * z ** 3));
      return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GC * (1 + 3 * 0.044715 * z * z);
    },
  },
  silu: { f: (z) => z * sig(z), df: (z) => sig(z) + z * sig(z) * (1 - sig(z)) },
  identity: { f: (z) => z, df: () => 1 },
};

const GC = Math.sqrt(2 / Math.PI);

function sig(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** A float64 MLP with minima's layout θ = [W1 (in×out, row-major), b1, W2, b2, ...]. */
export interface Mlp64 {
  sizes: number[];
  activation: string;
  bias?: boolean;
  outputScale?: number;
}

/** Per-sample loss names the reference knows. */
export type Loss64 = "mse" | "cross-entropy";

/** The number of parameters. */
export function numParams64(net: Mlp64): number {
  let d = 0;
  for (let l = 0; l + 1 < net.sizes.length; l++) {
    d += net.sizes[l] * net.sizes[l + 1] + (net.bias === false ? 0 : net.sizes[l + 1]);
  }
  return d;
}

interface Forward {
  hs: Float64Array[]; // layer inputs h_0 = x, h_1, ...
  zs: Float64Array[]; // pre-activations
  out: Float64Array;
}

function forward(net: Mlp64, theta: Float64Array, x: Float64Array): Forward {
  const act = ACT64[net.activation];
  const L = net.sizes.length - 1;
  let off = 0;
  let h = x;
  const hs: Float64Array[] = [], zs: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const nin = net.sizes[l], nout = net.sizes[l + 1];
    const z = new Float64Array(nout);
    for (let j = 0; j < nout; j++) {
      let s = 0;
      for (let i = 0; i < nin; i++) s += h[i] * theta[off + i * nout + j];
      z[j] = s;
    }
    off += nin * nout;
    if (net.bias !== false) {
      for (let j = 0; j < nout; j++) z[j] += theta[off + j];
      off += nout;
    }
    hs.push(h);
    zs.push(z);
    h = l < L - 1 ? z.map(act.f) : z;
  }
  const c = net.outputScale ?? 1;
  return { hs, zs, out: h.map((v) => v * c) };
}

/** The outputs f(θ; x) for one sample. */
export function outputs64(net: Mlp64, theta: Float64Array, x: ArrayLike<number>): Float64Array {
  return forward(net, theta, Float64Array.from(x)).out;
}

/** ℓ(f, y) and ∂ℓ/∂f for one sample. */
export function sampleLoss64(
  loss: Loss64,
  f: Float64Array,
  y: ArrayLike<number>,
): { value: number; grad: Float64Array } {
  const k = f.length;
  if (loss === "mse") {
    const r = f.map((v, j) => v - y[j]);
    return { value: 0.5 * r.reduce((s, v) => s + v * v, 0), grad: r };
  }
  if (k === 1) {
    // Logistic loss log(1 + exp(−y f)) for y = ±1.
    const m = y[0] * f[0];
    return {
      value: Math.log1p(Math.exp(-Math.abs(m))) + Math.max(-m, 0),
      grad: Float64Array.of(-y[0] * sig(-m)),
    };
  }
  const mx = Math.max(...f);
  const se = f.reduce((s, v) => s + Math.exp(v - mx), 0);
  const lse = mx + Math.log(se);
  let ysum = 0, dot = 0;
  for (let j = 0; j < k; j++) {
    ysum += y[j];
    dot += y[j] * f[j];
  }
  return {
    value: ysum * lse - dot,
    grad: f.map((v, j) => ysum * Math.exp(v - lse) - y[j]),
  };
}

/** The mean loss (1/n) Σ ℓ(f(θ; xᵢ), yᵢ) and its gradient in θ by backprop. */
export function lossAndGrad64(
  net: Mlp64,
  loss: Loss64,
  theta: Float64Array,
  xs: number[][],
  ys: number[][],
): { value: number; grad: Float64Array } {
  const act = ACT64[net.activation];
  const L = net.sizes.length - 1;
  const c = net.outputScale ?? 1;
  const grad = new Float64Array(theta.length);
  let value = 0;
  const n = xs.length;
  // Offsets of each layer's W and b in θ.
  const wOff: number[] = [], bOff: number[] = [];
  let off = 0;
  for (let l = 0; l < L; l++) {
    wOff.push(off);
    off += net.sizes[l] * net.sizes[l + 1];
    bOff.push(off);
    if (net.bias !== false) off += net.sizes[l + 1];
  }
  for (let s = 0; s < n; s++) {
    const fw = forward(net, theta, Float64Array.from(xs[s]));
    const { value: v, grad: dOut } = sampleLoss64(loss, fw.out, ys[s]);
    value += v / n;
    let delta = dOut.map((g) => (g * c) / n); // ∂ℓ/∂z_L
    for (let l = L - 1; l >= 0; l--) {
      const nin = net.sizes[l], nout = net.sizes[l + 1];
      const h = fw.hs[l];
      for (let i = 0; i < nin; i++) {
        for (let j = 0; j < nout; j++) grad[wOff[l] + i * nout + j] += h[i] * delta[j];
      }
      if (net.bias !== false) { for (let j = 0; j < nout; j++) grad[bOff[l] + j] += delta[j]; }
      if (l > 0) {
        const prev = new Float64Array(nin);
        for (let i = 0; i < nin; i++) {
          let t = 0;
          for (let j = 0; j < nout; j++) t += theta[wOff[l] + i * nout + j] * delta[j];
          prev[i] = t * act.df(fw.zs[l - 1][i]);
        }
        delta = prev;
      }
    }
  }
  return { value, grad };
}

/** The Hessian (d×d, row-major) by central differences of the float64 gradient, step h. */
export function hessian64(
  net: Mlp64,
  loss: Loss64,
  theta: Float64Array,
  xs: number[][],
  ys: number[][],
  h = 1e-5,
): Float64Array {
  const d = theta.length;
  const H = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
    tp[j] += h;
    tm[j] -= h;
    const gp = lossAndGrad64(net, loss, tp, xs, ys).grad;
    const gm = lossAndGrad64(net, loss, tm, xs, ys).grad;
    for (let i = 0; i < d; i++) H[i * d + j] = (gp[i] - gm[i]) / (2 * h);
  }
  // Symmetrize away the O(h²) asymmetry.
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (H[i * d + j] + H[j * d + i]);
      H[i * d + j] = H[j * d + i] = m;
    }
  }
  return H;
}

/** y = A v for a dense row-major d×d matrix. */
export function matvec64(A: Float64Array, v: ArrayLike<number>): Float64Array {
  const d = v.length;
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += A[i * d + j] * v[j];
    y[i] = s;
  }
  return y;
}

/** The eigenvalues of a symmetric matrix by cyclic Jacobi rotations, ascending. */
export function symmetricEigenvalues64(A: Float64Array, d: number): Float64Array {
  const a = Float64Array.from(A);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) off += a[i * d + j] ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p], akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k], aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: d }, (_, i) => a[i * d + i]).sort();
}
