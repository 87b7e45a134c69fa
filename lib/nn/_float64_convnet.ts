/**
 * Float64 references for the convolutional layers, in plain TypeScript and independent of tfjs:
 * each layer's forward pass on NHWC arrays and its backward pass (vector-Jacobian product)
 * written by hand, composed into networks with minima's parameter layout, the mean loss and its
 * gradient by backprop, and Hessian-vector products by central differences of that gradient.
 *
 * Private to the test suites.
 *
 * @module
 */
import { ACT64, type Loss64, sampleLoss64 } from "./_float64_reference.ts";

/** A float64 tensor, row-major. */
export interface T64 {
  data: Float64Array;
  shape: number[];
}

/** Train (batch statistics) or eval (running statistics) for normalization layers. */
export interface Context64 {
  mode: "train" | "eval";
  /** Running statistics per normalization layer, in order: [mean, variance] arrays. */
  state?: Float64Array[];
  /** Index of the next state tensor to read. */
  next?: number;
}

/** A layer in float64: how many parameters it reads, and forward/backward. */
export interface Op64 {
  /** Parameters read from θ, in minima's order. */
  size: number;
  /**
   * y = f(x; θ[offset, offset + size)). `back(dy)` adds ∂/∂θ into grad at the same offset and
   * returns ∂/∂x.
   */
  forward(
    x: T64,
    theta: Float64Array,
    offset: number,
    ctx: Context64,
  ): { y: T64; back(dy: T64, grad: Float64Array): T64 };
}

const zeros = (shape: number[]): T64 => ({
  data: new Float64Array(shape.reduce((a, b) => a * b, 1)),
  shape,
});

/** Geometry of a convolution or pooling window. */
export interface Window64 {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  /** Padding [top, bottom, left, right]. */
  pad: [number, number, number, number];
  dh?: number;
  dw?: number;
}

function outSize(h: number, w: number, g: Window64): [number, number] {
  const dh = g.dh ?? 1, dw = g.dw ?? 1;
  return [
    Math.floor((h + g.pad[0] + g.pad[1] - ((g.kh - 1) * dh + 1)) / g.sh) + 1,
    Math.floor((w + g.pad[2] + g.pad[3] - ((g.kw - 1) * dw + 1)) / g.sw) + 1,
  ];
}

/** conv2d: W [kh, kw, cin, cout], then b [cout] when `bias`. */
export function conv64(g: Window64 & { cin: number; cout: number; bias: boolean }): Op64 {
  const { kh, kw, cin, cout } = g;
  const dh = g.dh ?? 1, dw = g.dw ?? 1;
  const nw = kh * kw * cin * cout;
  return {
    size: nw + (g.bias ? cout : 0),
    forward(x, theta, off) {
      const [n, h, w] = x.shape;
      const [oh, ow] = outSize(h, w, g);
      const y = zeros([n, oh, ow, cout]);
      // Visit (sample, output pixel, tap) with a valid input pixel.
      const each = (fn: (xi: number, wi: number, yi: number) => void) => {
        for (let s = 0; s < n; s++) {
          for (let i = 0; i < oh; i++) {
            for (let j = 0; j < ow; j++) {
              const yi = ((s * oh + i) * ow + j) * cout;
              for (let a = 0; a < kh; a++) {
                const r = i * g.sh + a * dh - g.pad[0];
                if (r < 0 || r >= h) continue;
                for (let b = 0; b < kw; b++) {
                  const q = j * g.sw + b * dw - g.pad[2];
                  if (q < 0 || q >= w) continue;
                  fn(((s * h + r) * w + q) * cin, (a * kw + b) * cin * cout, yi);
                }
              }
            }
          }
        }
      };
      each((xi, wi, yi) => {
        for (let c = 0; c < cin; c++) {
          const xv = x.data[xi + c];
          for (let o = 0; o < cout; o++) y.data[yi + o] += xv * theta[off + wi + c * cout + o];
        }
      });
      if (g.bias) {
        for (let p = 0; p < y.data.length; p++) y.data[p] += theta[off + nw + (p % cout)];
      }
      return {
        y,
        back(dy, grad) {
          const dx = zeros(x.shape);
          each((xi, wi, yi) => {
            for (let c = 0; c < cin; c++) {
              let acc = 0;
              for (let o = 0; o < cout; o++) {
                const d = dy.data[yi + o];
                grad[off + wi + c * cout + o] += x.data[xi + c] * d;
                acc += theta[off + wi + c * cout + o] * d;
              }
              dx.data[xi + c] += acc;
            }
          });
          if (g.bias) {
            for (let p = 0; p < dy.data.length; p++) grad[off + nw + (p % cout)] += dy.data[p];
          }
          return dx;
        },
      };
    },
  };
}

/** dense on vectors [n, in]: W [in, out], then b [out] when `bias`. */
export function dense64(nin: number, nout: number, bias = true): Op64 {
  const conv = conv64({
    kh: 1,
    kw: 1,
    sh: 1,
    sw: 1,
    pad: [0, 0, 0, 0],
    cin: nin,
    cout: nout,
    bias,
  });
  return {
    size: conv.size,
    forward(x, theta, off, ctx) {
      const n = x.shape[0];
      const r = conv.forward({ data: x.data, shape: [n, 1, 1, nin] }, theta, off, ctx);
      return {
        y: { data: r.y.data, shape: [n, nout] },
        back: (dy, grad) => {
          const dx = r.back({ data: dy.data, shape: [n, 1, 1, nout] }, grad);
          return { data: dx.data, shape: x.shape };
        },
      };
    },
  };
}

/** An elementwise activation from ACT64. */
export function act64(name: string): Op64 {
  const a = ACT64[name];
  return {
    size: 0,
    forward(x) {
      return {
        y: { data: x.data.map(a.f), shape: x.shape },
        back: (dy) => ({ data: dy.data.map((d, i) => d * a.df(x.data[i])), shape: x.shape }),
      };
    },
  };
}

/** Average (padded zeros counted) or max (padding never chosen) pooling. */
export function pool64(kind: "avg" | "max", g: Window64): Op64 {
  return {
    size: 0,
    forward(x) {
      const [n, h, w, c] = x.shape;
      const [oh, ow] = outSize(h, w, g);
      const y = zeros([n, oh, ow, c]);
      const k = g.kh * g.kw;
      const chosen = new Int32Array(y.data.length).fill(-1);
      for (let s = 0; s < n; s++) {
        for (let i = 0; i < oh; i++) {
          for (let j = 0; j < ow; j++) {
            for (let ch = 0; ch < c; ch++) {
              const yi = ((s * oh + i) * ow + j) * c + ch;
              let best = -Infinity, sum = 0;
              for (let a = 0; a < g.kh; a++) {
                const r = i * g.sh + a - g.pad[0];
                if (r < 0 || r >= h) continue;
                for (let b = 0; b < g.kw; b++) {
                  const q = j * g.sw + b - g.pad[2];
                  if (q < 0 || q >= w) continue;
                  const xi = ((s * h + r) * w + q) * c + ch;
                  sum += x.data[xi];
                  if (x.data[xi] > best) {
                    best = x.data[xi];
                    chosen[yi] = xi;
                  }
                }
              }
              y.data[yi] = kind === "avg" ? sum / k : best;
            }
          }
        }
      }
      return {
        y,
        back(dy) {
          const dx = zeros(x.shape);
          if (kind === "max") {
            for (let p = 0; p < dy.data.length; p++) dx.data[chosen[p]] += dy.data[p];
            return dx;
          }
          for (let s = 0; s < n; s++) {
            for (let i = 0; i < oh; i++) {
              for (let j = 0; j < ow; j++) {
                for (let ch = 0; ch < c; ch++) {
                  const d = dy.data[((s * oh + i) * ow + j) * c + ch] / k;
                  for (let a = 0; a < g.kh; a++) {
                    const r = i * g.sh + a - g.pad[0];
                    if (r < 0 || r >= h) continue;
                    for (let b = 0; b < g.kw; b++) {
                      const q = j * g.sw + b - g.pad[2];
                      if (q >= 0 && q < w) dx.data[((s * h + r) * w + q) * c + ch] += d;
                    }
                  }
                }
              }
            }
          }
          return dx;
        },
      };
    },
  };
}

/** The mean over positions: [n, h, w, c] → [n, c]. */
export const globalAvgPool64: Op64 = {
  size: 0,
  forward(x) {
    const [n, h, w, c] = x.shape;
    const y = zeros([n, c]);
    const m = h * w;
    for (let p = 0; p < x.data.length; p++) {
      y.data[Math.floor(p / (m * c)) * c + (p % c)] += x.data[p] / m;
    }
    return {
      y,
      back(dy) {
        const dx = zeros(x.shape);
        for (let p = 0; p < x.data.length; p++) {
          dx.data[p] = dy.data[Math.floor(p / (m * c)) * c + (p % c)] / m;
        }
        return dx;
      },
    };
  },
};

/** Row-major flattening (NHWC order is already the row order). */
export const flatten64: Op64 = {
  size: 0,
  forward(x) {
    const n = x.shape[0];
    return {
      y: { data: x.data, shape: [n, x.data.length / n] },
      back: (dy) => ({ data: dy.data, shape: x.shape }),
    };
  },
};

/**
 * (x − μ)/√(σ² + ε), then γ, β per channel when affine. Statistics over `groups`: each group is
 * a list of flat indices sharing one (μ, σ²) for a channel.
 */
function normalize(
  x: T64,
  theta: Float64Array,
  off: number,
  c: number,
  eps: number,
  affine: boolean,
  groups: number[][],
  fixed?: { mean: Float64Array; variance: Float64Array },
) {
  const y = zeros(x.shape);
  const xhat = new Float64Array(x.data.length);
  const inv = new Float64Array(groups.length);
  const gamma = (ch: number) => (affine ? theta[off + ch] : 1);
  groups.forEach((idx, gi) => {
    const ch = idx[0] % c;
    let mu: number, v: number;
    if (fixed) {
      mu = fixed.mean[ch];
      v = fixed.variance[ch];
    } else {
      mu = idx.reduce((s, p) => s + x.data[p], 0) / idx.length;
      v = idx.reduce((s, p) => s + (x.data[p] - mu) ** 2, 0) / idx.length;
    }
    inv[gi] = 1 / Math.sqrt(v + eps);
    for (const p of idx) {
      xhat[p] = (x.data[p] - mu) * inv[gi];
      y.data[p] = gamma(ch) * xhat[p] + (affine ? theta[off + c + ch] : 0);
    }
  });
  return {
    y,
    back(dy: T64, grad: Float64Array): T64 {
      const dx = zeros(x.shape);
      groups.forEach((idx, gi) => {
        const ch = idx[0] % c;
        const m = idx.length;
        let sumD = 0, sumDX = 0;
        for (const p of idx) {
          if (affine) {
            grad[off + ch] += dy.data[p] * xhat[p];
            grad[off + c + ch] += dy.data[p];
          }
          const d = dy.data[p] * gamma(ch);
          sumD += d;
          sumDX += d * xhat[p];
        }
        for (const p of idx) {
          const d = dy.data[p] * gamma(ch);
          dx.data[p] = fixed ? d * inv[gi] : inv[gi] * (d - sumD / m - xhat[p] * sumDX / m);
        }
      });
      return dx;
    },
  };
}

/** BatchNorm over the last axis; train mode over ghost batches of `ghost` samples. */
export function batchNorm64(
  c: number,
  options: { eps?: number; affine?: boolean; ghost?: number } = {},
): Op64 {
  const eps = options.eps ?? 1e-5, affine = options.affine ?? true;
  return {
    size: affine ? 2 * c : 0,
    forward(x, theta, off, ctx) {
      const n = x.shape[0];
      const per = x.data.length / n; // entries per sample
      if (ctx.mode === "eval") {
        const k = ctx.next ?? 0;
        ctx.next = k + 2;
        const groups = Array.from({ length: c }, (_, ch) => {
          const idx: number[] = [];
          for (let p = ch; p < x.data.length; p += c) idx.push(p);
          return idx;
        });
        return normalize(x, theta, off, c, eps, affine, groups, {
          mean: ctx.state![k],
          variance: ctx.state![k + 1],
        });
      }
      const g = options.ghost ?? n;
      const groups: number[][] = [];
      for (let s0 = 0; s0 < n; s0 += g) {
        const s1 = Math.min(n, s0 + g);
        for (let ch = 0; ch < c; ch++) {
          const idx: number[] = [];
          for (let p = s0 * per + ch; p < s1 * per; p += c) idx.push(p);
          groups.push(idx);
        }
      }
      return normalize(x, theta, off, c, eps, affine, groups);
    },
  };
}

/** LayerNorm: each sample over all its entries, γ and β per channel (the last axis). */
export function layerNorm64(c: number, options: { eps?: number; affine?: boolean } = {}): Op64 {
  const eps = options.eps ?? 1e-5, affine = options.affine ?? true;
  return {
    size: affine ? 2 * c : 0,
    forward(x, theta, off) {
      const n = x.shape[0], per = x.data.length / n;
      // One group per sample; `normalize` reads the channel from the first index only, so
      // split each sample's entries by channel while sharing the sample's statistics.
      const y = zeros(x.shape);
      const backs: ((dy: T64, grad: Float64Array) => T64)[] = [];
      for (let s = 0; s < n; s++) {
        const slice: T64 = { data: x.data.slice(s * per, (s + 1) * per), shape: [1, per] };
        const r = normalizeSample(slice, theta, off, c, eps, affine);
        y.data.set(r.y.data, s * per);
        backs.push(r.back);
      }
      return {
        y,
        back(dy, grad) {
          const dx = zeros(x.shape);
          for (let s = 0; s < n; s++) {
            const part = backs[s](
              { data: dy.data.slice(s * per, (s + 1) * per), shape: [1, per] },
              grad,
            );
            dx.data.set(part.data, s * per);
          }
          return dx;
        },
      };
    },
  };
}

/** One sample normalized over all entries, with per-channel affine. */
function normalizeSample(
  x: T64,
  theta: Float64Array,
  off: number,
  c: number,
  eps: number,
  affine: boolean,
) {
  const m = x.data.length;
  const mu = x.data.reduce((s, v) => s + v, 0) / m;
  const v = x.data.reduce((s, u) => s + (u - mu) ** 2, 0) / m;
  const inv = 1 / Math.sqrt(v + eps);
  const xhat = x.data.map((u) => (u - mu) * inv);
  const gamma = (p: number) => (affine ? theta[off + (p % c)] : 1);
  const y = {
    data: xhat.map((u, p) => gamma(p) * u + (affine ? theta[off + c + (p % c)] : 0)),
    shape: x.shape,
  };
  return {
    y,
    back(dy: T64, grad: Float64Array): T64 {
      let sumD = 0, sumDX = 0;
      for (let p = 0; p < m; p++) {
        if (affine) {
          grad[off + (p % c)] += dy.data[p] * xhat[p];
          grad[off + c + (p % c)] += dy.data[p];
        }
        const d = dy.data[p] * gamma(p);
        sumD += d;
        sumDX += d * xhat[p];
      }
      return {
        data: xhat.map((u, p) => inv * (dy.data[p] * gamma(p) - sumD / m - u * sumDX / m)),
        shape: x.shape,
      };
    },
  };
}

/** Layers one after the other. */
export function seq64(ops: Op64[]): Op64 {
  return {
    size: ops.reduce((s, o) => s + o.size, 0),
    forward(x, theta, off, ctx) {
      const backs: ((dy: T64, grad: Float64Array) => T64)[] = [];
      let h = x, o = off;
      for (const op of ops) {
        const r = op.forward(h, theta, o, ctx);
        backs.push(r.back);
        h = r.y;
        o += op.size;
      }
      return {
        y: h,
        back(dy, grad) {
          let d = dy;
          for (let i = backs.length - 1; i >= 0; i--) d = backs[i](d, grad);
          return d;
        },
      };
    },
  };
}

/**
 * y = σ(shortcut(x) + α F(x)), F = `branch`; the shortcut is `projection` (layers), or every
 * `stride`-th pixel with channels zero-padded by [before, after], or the identity.
 */
export function residual64(
  branch: Op64,
  shortcut: Op64 | { stride: number; before: number; after: number },
  activation: string,
  scale = 1,
): Op64 {
  const a = ACT64[activation];
  const projection = "forward" in shortcut ? shortcut : undefined;
  return {
    size: branch.size + (projection?.size ?? 0),
    forward(x, theta, off, ctx) {
      const f = branch.forward(x, theta, off, ctx);
      let s: { y: T64; back(dy: T64, grad: Float64Array): T64 };
      if (projection) {
        s = projection.forward(x, theta, off + branch.size, ctx);
      } else {
        const { stride, before, after } = shortcut as {
          stride: number;
          before: number;
          after: number;
        };
        const [n, h, w, c] = x.shape;
        const oh = Math.ceil(h / stride), ow = Math.ceil(w / stride), co = c + before + after;
        const y = zeros([n, oh, ow, co]);
        const map = (p: number) => {
          const ch = p % co, rest = Math.floor(p / co);
          const j = rest % ow, i = Math.floor(rest / ow) % oh, sIdx = Math.floor(rest / (ow * oh));
          const cc = ch - before;
          return cc < 0 || cc >= c ? -1 : ((sIdx * h + i * stride) * w + j * stride) * c + cc;
        };
        for (let p = 0; p < y.data.length; p++) {
          const q = map(p);
          if (q >= 0) y.data[p] = x.data[q];
        }
        s = {
          y,
          back(dy) {
            const dx = zeros(x.shape);
            for (let p = 0; p < dy.data.length; p++) {
              const q = map(p);
              if (q >= 0) dx.data[q] += dy.data[p];
            }
            return dx;
          },
        };
      }
      const z = s.y.data.map((v, p) => v + scale * f.y.data[p]);
      return {
        y: { data: z.map(a.f), shape: s.y.shape },
        back(dy, grad) {
          const dz: T64 = { data: dy.data.map((d, p) => d * a.df(z[p])), shape: s.y.shape };
          const dxf = f.back({ data: dz.data.map((d) => d * scale), shape: dz.shape }, grad);
          const dxs = s.back(dz, grad);
          return { data: dxf.data.map((v, p) => v + dxs.data[p]), shape: x.shape };
        },
      };
    },
  };
}

/** The mean loss over the batch and its gradient, one forward and backward pass. */
export function lossAndGradConv64(
  net: Op64,
  loss: Loss64,
  theta: Float64Array,
  x: T64,
  ys: number[][],
  ctx: Context64 = { mode: "train" },
): { value: number; grad: Float64Array; outputs: T64 } {
  const r = net.forward(x, theta, 0, { ...ctx, next: 0 });
  const n = x.shape[0], k = r.y.data.length / n;
  const dy = zeros(r.y.shape);
  let value = 0;
  for (let s = 0; s < n; s++) {
    const l = sampleLoss64(loss, r.y.data.slice(s * k, (s + 1) * k), ys[s]);
    value += l.value / n;
    for (let j = 0; j < k; j++) dy.data[s * k + j] = l.grad[j] / n;
  }
  const grad = new Float64Array(theta.length);
  r.back(dy, grad);
  return { value, grad, outputs: r.y };
}

/** H v by central differences of the float64 gradient, (g(θ + hv) − g(θ − hv))/(2h). */
export function hvpConv64(
  net: Op64,
  loss: Loss64,
  theta: Float64Array,
  x: T64,
  ys: number[][],
  v: ArrayLike<number>,
  h = 1e-5,
  ctx: Context64 = { mode: "train" },
): Float64Array {
  const tp = theta.map((t, i) => t + h * v[i]);
  const tm = theta.map((t, i) => t - h * v[i]);
  const gp = lossAndGradConv64(net, loss, tp, x, ys, ctx).grad;
  const gm = lossAndGradConv64(net, loss, tm, x, ys, ctx).grad;
  return gp.map((g, i) => (g - gm[i]) / (2 * h));
}
