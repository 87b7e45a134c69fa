// Conditional sampling of Brownian motion W and its time integral Y_t = ∫_0^t W_r dr inside an
// interval [a, b] given both endpoints: the Brownian bridge, extended to the pair (W, Y).
//
// For the standard pair started at 0, with s ≤ t: Cov(W_s, W_t) = s, Cov(Y_s, W_t) = s²/2,
// Cov(W_s, Y_t) = st − s²/2, Cov(Y_s, Y_t) = s²t/2 − s³/6. The pair is Markov, so the value at
// a + s given the endpoints depends only on the increments over [a, b]:
// ΔW = W_b − W_a and ΔZ = Y_b − Y_a − h·W_a, h = b − a.

/** x_s = M (ΔW, ΔZ) + L ζ with ζ standard normal: the conditional law at a + s. */
export interface BridgeCoefficients {
  m00: number;
  m01: number;
  m10: number;
  m11: number;
  l00: number;
  l10: number;
  l11: number;
}

/**
 * The conditional mean map M and the Cholesky factor L of the conditional covariance of
 * (W̃_s, Ỹ_s) given (W̃_h, Ỹ_h), for the pair started at 0 (2×2 Gaussian conditioning).
 */
export function bridgeCoefficients(s: number, h: number): BridgeCoefficients {
  // Σ_hh and its inverse (det = h⁴/12).
  const det = h ** 4 / 12;
  const i00 = h ** 3 / 3 / det, i01 = -(h * h) / 2 / det, i11 = h / det;
  // Σ_sh: rows (W_s, Y_s), columns (W_h, Y_h).
  const c00 = s, c01 = s * h - s * s / 2, c10 = s * s / 2, c11 = s * s * h / 2 - s ** 3 / 6;
  const m00 = c00 * i00 + c01 * i01, m01 = c00 * i01 + c01 * i11;
  const m10 = c10 * i00 + c11 * i01, m11 = c10 * i01 + c11 * i11;
  // Conditional covariance Σ_ss − M Σ_shᵀ.
  const v00 = Math.max(0, s - (m00 * c00 + m01 * c01));
  const v10 = s * s / 2 - (m10 * c00 + m11 * c01);
  const v11 = s ** 3 / 3 - (m10 * c10 + m11 * c11);
  const l00 = Math.sqrt(v00);
  const l10 = l00 > 0 ? v10 / l00 : 0;
  const l11 = Math.sqrt(Math.max(0, v11 - l10 * l10));
  return { m00, m01, m10, m11, l00, l10, l11 };
}

/**
 * Fills the midpoint values (W and, with Lévy area, Y) of [a, a + h] from the endpoint values,
 * using the normals z1 (and z2). Closed form (derived from the conditioning above at s = h/2,
 * in terms of the space-time Lévy area H = ΔZ/h − ΔW/2):
 * W̃ = ΔW/2 + (3/2)H + (√h/4)ζ₁, H₁ = H/4 − (√h/8)ζ₁ + √(h/12)/2·ζ₂, Z̃ = (h/2)(H₁ + W̃/2).
 */
export function fillMidpoint(
  h: number,
  wa: Float64Array,
  wb: Float64Array,
  ya: Float64Array | undefined,
  yb: Float64Array | undefined,
  z1: Float64Array,
  z2: Float64Array | undefined,
  wm: Float64Array,
  ym: Float64Array | undefined,
): void {
  const n = wm.length;
  const sh = Math.sqrt(h);
  if (ya === undefined || yb === undefined || ym === undefined || z2 === undefined) {
    const c = sh / 2;
    for (let i = 0; i < n; i++) wm[i] = 0.5 * (wa[i] + wb[i]) + c * z1[i];
    return;
  }
  const half = h / 2, c1 = sh / 4, c2 = sh / 8, c3 = Math.sqrt(h / 12) / 2;
  for (let i = 0; i < n; i++) {
    const w0 = wa[i];
    const dw = wb[i] - w0;
    const dz = yb[i] - ya[i] - h * w0;
    const H = dz / h - 0.5 * dw;
    const wt = 0.5 * dw + 1.5 * H + c1 * z1[i];
    const h1 = 0.25 * H - c2 * z1[i] + c3 * z2[i];
    wm[i] = w0 + wt;
    ym[i] = ya[i] + half * w0 + half * (h1 + 0.5 * wt);
  }
}

/** Fills the values at a + s inside [a, a + h] (any 0 < s < h) by the general conditioning. */
export function fillBridgeAt(
  s: number,
  h: number,
  wa: Float64Array,
  wb: Float64Array,
  ya: Float64Array | undefined,
  yb: Float64Array | undefined,
  z1: Float64Array,
  z2: Float64Array | undefined,
  wt: Float64Array,
  yt: Float64Array | undefined,
): void {
  const n = wt.length;
  if (ya === undefined || yb === undefined || yt === undefined || z2 === undefined) {
    const r = s / h, c = Math.sqrt(s * (h - s) / h);
    for (let i = 0; i < n; i++) wt[i] = wa[i] + r * (wb[i] - wa[i]) + c * z1[i];
    return;
  }
  const k = bridgeCoefficients(s, h);
  for (let i = 0; i < n; i++) {
    const w0 = wa[i];
    const dw = wb[i] - w0;
    const dz = yb[i] - ya[i] - h * w0;
    const w = k.m00 * dw + k.m01 * dz + k.l00 * z1[i];
    const y = k.m10 * dw + k.m11 * dz + k.l10 * z1[i] + k.l11 * z2[i];
    wt[i] = w0 + w;
    yt[i] = ya[i] + s * w0 + y;
  }
}
