import { Rng } from "../random/mod.ts";
import { bridgeCoefficients, fillBridgeAt, fillMidpoint } from "./_gaussian_bridge.ts";
import { assertAllClose, assertClose } from "../_test_util.ts";

Deno.test("bridgeCoefficients match a regression on finely simulated Brownian paths", () => {
  // Independent reference: simulate W on 200 steps of [0, 1], form Y by the trapezoid rule, and
  // regress (W_s, Y_s) at s = 0.3 on (W_1, Y_1); the residual covariance is L Lᵀ.
  const n = 20_000, steps = 200, h = 1, s = 0.3;
  const rng = new Rng(21);
  const xs: number[][] = [], ts: number[][] = [];
  for (let p = 0; p < n; p++) {
    let w = 0, y = 0, ws = 0, yss = 0;
    for (let k = 1; k <= steps; k++) {
      const wn = w + Math.sqrt(h / steps) * rng.normal();
      y += 0.5 * (w + wn) * (h / steps);
      w = wn;
      if (k === Math.round(s * steps)) ws = w, yss = y;
    }
    xs.push([ws, yss]);
    ts.push([w, y]);
  }
  // Normal equations for M = E[x tᵀ] E[t tᵀ]⁻¹ (zero means).
  let a00 = 0, a01 = 0, a11 = 0, b00 = 0, b01 = 0, b10 = 0, b11 = 0;
  for (let p = 0; p < n; p++) {
    const [t0, t1] = ts[p], [x0, x1] = xs[p];
    a00 += t0 * t0, a01 += t0 * t1, a11 += t1 * t1;
    b00 += x0 * t0, b01 += x0 * t1, b10 += x1 * t0, b11 += x1 * t1;
  }
  const det = a00 * a11 - a01 * a01;
  const m00 = (b00 * a11 - b01 * a01) / det, m01 = (b01 * a00 - b00 * a01) / det;
  const m10 = (b10 * a11 - b11 * a01) / det, m11 = (b11 * a00 - b10 * a01) / det;
  let r00 = 0, r10 = 0, r11 = 0;
  for (let p = 0; p < n; p++) {
    const e0 = xs[p][0] - m00 * ts[p][0] - m01 * ts[p][1];
    const e1 = xs[p][1] - m10 * ts[p][0] - m11 * ts[p][1];
    r00 += e0 * e0, r10 += e0 * e1, r11 += e1 * e1;
  }
  const k = bridgeCoefficients(s, h);
  // Sampling error of the regression with n = 2e4 is about 1%; discretization error 1/steps.
  assertAllClose([k.m00, k.m01, k.m10, k.m11], [m00, m01, m10, m11], { atol: 0.03 }, "M");
  assertClose(k.l00 ** 2, r00 / n, { rtol: 0.05 }, "Var W_s | ends");
  assertClose(k.l00 * k.l10, r10 / n, { rtol: 0.08 }, "Cov | ends");
  assertClose(k.l10 ** 2 + k.l11 ** 2, r11 / n, { rtol: 0.08 }, "Var Y_s | ends");
});

Deno.test("the closed-form midpoint equals the general bridge at s = h/2", () => {
  const n = 7, h = 0.37;
  const rng = new Rng(4);
  const arr = () => rng.fillNormal(new Float64Array(n));
  const wa = arr(), wb = arr(), ya = arr(), yb = arr(), z1 = arr(), z2 = arr();
  const w1 = new Float64Array(n), y1 = new Float64Array(n);
  const w2 = new Float64Array(n), y2 = new Float64Array(n);
  fillMidpoint(h, wa, wb, ya, yb, z1, z2, w1, y1);
  fillBridgeAt(h / 2, h, wa, wb, ya, yb, z1, z2, w2, y2);
  assertAllClose(w1, w2, { atol: 1e-12 }, "W");
  assertAllClose(y1, y2, { atol: 1e-12 }, "Y");
  // Without Y, both are the plain Brownian bridge: mean (wa + wb)/2, standard deviation √h/2.
  fillMidpoint(h, wa, wb, undefined, undefined, z1, undefined, w1, undefined);
  fillBridgeAt(h / 2, h, wa, wb, undefined, undefined, z1, undefined, w2, undefined);
  assertAllClose(w1, w2, { atol: 1e-12 }, "W without Y");
  assertAllClose(w1, wa.map((a, i) => (a + wb[i]) / 2 + Math.sqrt(h) / 2 * z1[i]), { atol: 1e-12 });
});
