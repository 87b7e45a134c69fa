import type { ManifoldToy } from "./manifold_toy.ts";
import type { Optimizer } from "./types.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode manifoldEffectiveDynamics}. */
export interface ManifoldEffectiveDynamicsOptions {
  /**
   * The label-noise standard deviation σ.
   * @default {1}
   */
  labelNoise?: number;
  /**
   * Samples per minibatch (of the toy's `sampleScales`, drawn without replacement).
   * @default {1}
   */
  batchSize?: number;
  /**
   * Steps.
   * @default {2000}
   */
  steps?: number;
  /**
   * Record every this many steps (and at 0 and the end).
   * @default {100}
   */
  every?: number;
  /**
   * The start on the manifold, y₀ (x starts at 0 with every moment at rest).
   * @default {2}
   */
  start?: number;
}

/** One record of the effective dynamics. */
export interface ManifoldEffectiveRow {
  /** Every field is a number (the rows go straight into a chart). */
  [key: string]: number;
  /** Steps. */
  step: number;
  /** The predicted position along the manifold. */
  y: number;
  /** The predicted E x² (the rattling across the manifold). */
  x2: number;
  /** tr ∇²L = h(y) at the predicted position. */
  trace: number;
}

/** What {@linkcode manifoldEffectiveDynamics} returns. */
export interface ManifoldEffectiveDynamicsResult {
  /** The records. */
  rows: ManifoldEffectiveRow[];
  /** The drift per step at the start once x has equilibrated, −lr·S·(h'/2)·E x² (see the docs). */
  initialDrift: number;
}

/**
 * The effective (slow) dynamics of an optimizer with label noise on the manifold toy
 * L(x, y) = ½h(y)x² (see `manifoldToy`), derived here and checked against `simulateManifoldToy`.
 *
 * Derivation. With ℓ = ½(g(y)x − ξ)², g = √h, the gradient is r·(g, g'x), r = gx − ξ, ξ ~ N(0, σ²)
 * independent of the current state. Write the update in (x, y) as −η C m, with m the gradient (SGD),
 * its momentum sum (heavy ball, m ← μm + ∇ℓ) or its mean (Adam, m ← β₁m + (1−β₁)∇ℓ, bias-corrected),
 * and C the preconditioner: I for SGD and heavy ball, Rᵀ diag(1/(√v̂ᵤ + ε), 1/(√v̂_w + ε)) R for
 * Adam in the rotated coordinates θ = R(x, y), and times diag(1, 1 + κ) for IRE (the y-part
 * amplified). For C slowly varying:
 * 1. Across the manifold x is linear to leading order, x' = x − α(hx − gξ) plus momentum, with
 *    α = η d C_xx/(1 − β₁ᵏ) (d = 1 − β₁ for Adam, 1 otherwise): an AR(2) process
 *    x_{k+1} = a x_k + b x_{k−1} + αgξ, a = 1 + βρ − αh, b = −βρ, ρ = α_k/α_{k−1}, whose second
 *    moments P = E x², Q = E x_k x_{k−1} follow exactly P' = a²P + 2abQ + b²P₋ + α²hσ², Q' = aP + bQ.
 *    At rest this gives E x² = ησ²/(2 − ηh) for SGD and ησ²(1+μ)/((1−μ)(2(1+μ) − ηh)) for heavy
 *    ball.
 * 2. Along it, z = y − (C_yx/C_xx)x receives no part of the large x-gradient, so the mean drift of
 *    y (= that of z, since x stays bounded) is −η S E[m_y] with S = det C / C_xx (the Schur
 *    complement), and E ∂ℓ/∂y = E[g g' x²] − E[g' x ξ] = (h'/2) E x².
 * 3. Adam's second moments follow the means of the squared gradients,
 *    E(∂ℓ/∂x)² = h²P + hσ², E(∂ℓ/∂y)² = (h'²/4h)(3hP² + σ²P) (x Gaussian), rotated into θ.
 * 4. A minibatch of B samples with scales a_b (see `manifoldToy`'s `sampleScales`) has the gradient
 *    of ℓ with h → āh and ξ → ζ, ā the batch's mean scale (mean 1, variance V = batchVariance(B))
 *    and ζ = (1/B)Σ√a_b ξ_b, of variance σ²ā/B; both are drawn afresh each step, independent of
 *    the state. So the x-recursion's multiplier has E a_k² = a² + α²h²V, the noise becomes
 *    α²hσ²/B, E ∂ℓ/∂y stays (h'/2)E x², and E(∂ℓ/∂x)² = (1+V)h²P + hσ²/B,
 *    E(∂ℓ/∂y)² = (h'²/4h)(3(1+V)hP² + σ²P/B). For SGD at rest E x² = ησ²/(B(2 − ηh(1 + V))):
 *    the drift per unit time ηk is ∝ η/B to leading order, and it grows without bound as the
 *    batch approaches the mean-square stability edge ηh(1 + V) = 2.
 * So for SGD the drift is −η²σ²h'(y)/(2(2 − ηh)) per step: gradient descent on tr ∇²L = h with
 * rate η²σ²/4 to leading order; heavy ball is about 1/(1 − μ)² faster; IRE multiplies the drift
 * by 1 + κ; Adam on an axis-aligned manifold drifts at a rate set by √(E(∂ℓ/∂y)²), which is
 * itself O(√η), so about sign(h')·η^{3/2} per step, while a rotated manifold mixes the large
 * x-moment into both coordinates and the drift becomes O(η²) like SGD's. The records integrate
 * these recursions step by step (the same bias corrections as the discrete optimizers). Neglected:
 * the fluctuations of v̂ (small when β₂ → 1) and the spread of y across runs.
 *
 * Supported optimizers (by name and hyperparameters): sgd, heavy-ball, adam, and ire of each
 * (Fisher mode, no rotation: the flat coordinate is y).
 *
 * @see Li, Wang, Arora, "What happens after SGD reaches zero loss?", ICLR 2022, arXiv 2110.06914;
 * Damian, Ma, Lee, NeurIPS 2021, arXiv 2106.06530; Wang et al., NeurIPS 2024, arXiv 2405.20763.
 *
 * @example SGD's drift at y = 2 for h = 1 + y²: −η²σ²h'/(2(2 − ηh))
 * ```ts
 * import { manifoldEffectiveDynamics, manifoldToy, sgd } from "minima";
 * import assert from "node:assert/strict";
 *
 * const r = manifoldEffectiveDynamics(manifoldToy(), sgd({ lr: 0.05 }), { steps: 10, every: 10 });
 * assert.ok(Math.abs(r.initialDrift - -(0.05 ** 2 * 4) / (2 * (2 - 0.05 * 5))) < 1e-12);
 * ```
 *
 * @param toy The toy.
 * @param optimizer The optimizer (only its name and hyperparameters are read).
 * @param options Noise, batch size, steps, records, start.
 * @returns The predicted trajectory and the initial drift.
 */
export function manifoldEffectiveDynamics(
  toy: ManifoldToy,
  optimizer: Optimizer,
  options: ManifoldEffectiveDynamicsOptions = {},
): ManifoldEffectiveDynamicsResult {
  checkCall("manifoldEffectiveDynamics", arguments);
  const what = "derive the effective dynamics";
  if (!toy || typeof toy.h !== "function") {
    throw new TypeError(
      `Cannot ${what}: toy must come from manifoldToy(), current value is ${toy}`,
    );
  }
  const hp = optimizer?.hyperparameters ?? {};
  let name = optimizer?.name ?? "";
  let kappa = 0;
  if (name.startsWith("ire-")) {
    name = name.slice(4);
    kappa = hp.kappa;
    if (toy.rotation !== 0) {
      throw new TypeError(
        `Cannot ${what}: IRE's flat coordinate is y only when the toy is not rotated, current rotation is ${toy.rotation}`,
      );
    }
  }
  if (!["sgd", "heavy-ball", "adam"].includes(name)) {
    throw new TypeError(
      `Cannot ${what}: the optimizer must be sgd, heavyBall or adam (or ire of one of them), current name is ${
        JSON.stringify(optimizer?.name)
      }`,
    );
  }
  const sigma = options.labelNoise ?? 1;
  const batchSize = options.batchSize ?? 1;
  const scaleCount = toy.sampleScales?.length ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > scaleCount) {
    throw new RangeError(
      `Cannot ${what}: batchSize must be an integer from 1 to the toy's ${scaleCount} sample${
        scaleCount === 1 ? "" : "s"
      }, current value is ${batchSize}`,
    );
  }
  // The batch's mean scale: mean 1, variance V; the label noise of the mean gradient: σ²/B.
  const V = toy.batchVariance ? toy.batchVariance(batchSize) : 0;
  const noise = (sigma * sigma) / batchSize;
  const steps = options.steps ?? 2000;
  const every = options.every ?? 100;
  const y0 = options.start ?? 2;
  if (!Number.isInteger(steps) || steps < 0 || !Number.isInteger(every) || every < 1) {
    throw new RangeError(
      `Cannot ${what}: steps must be a non-negative integer and every a positive one, current values are ${steps} and ${every}`,
    );
  }
  const lr = hp.lr;
  const beta = name === "heavy-ball" ? hp.momentum : name === "adam" ? hp.beta1 : 0;
  const beta2 = hp.beta2 ?? 0, eps = hp.eps ?? 0;
  const d = name === "adam" ? 1 - beta : 1;
  const c = Math.cos(toy.rotation), s = Math.sin(toy.rotation);
  const amplify = 1 + kappa;

  // One step of the moment recursions; with `frozen` y stays put (for the stationary drift).
  const run = (
    count: number,
    frozen: boolean,
    onStep?: (k: number, y: number, P: number) => void,
  ) => {
    let y = y0, my = 0, P = 0, Q = 0, Pprev = 0, vu = 0, vw = 0, alphaPrev = 0, drift = 0;
    for (let k = 1; k <= count; k++) {
      const h = toy.h(y), dh = toy.dh(y);
      const egy = (dh / 2) * P;
      let cxx = 1, det = amplify, bias1 = 1;
      if (name === "adam") {
        const egx2 = (1 + V) * h * h * P + h * noise;
        const egy2 = ((dh * dh) / (4 * h)) * (3 * (1 + V) * h * P * P + noise * P);
        vu = beta2 * vu + (1 - beta2) * (c * c * egx2 + s * s * egy2);
        vw = beta2 * vw + (1 - beta2) * (s * s * egx2 + c * c * egy2);
        const bias2 = 1 - beta2 ** k;
        const pu = 1 / (Math.sqrt(vu / bias2) + eps), pw = 1 / (Math.sqrt(vw / bias2) + eps);
        // C = diag(1, 1 + κ)·Rᵀ diag(pu, pw) R (κ = 0 unless IRE, which needs c = 1, s = 0).
        cxx = c * c * pu + s * s * pw;
        const cyy = amplify * (s * s * pu + c * c * pw), cxy = c * s * (pw - pu);
        det = cxx * cyy - amplify * cxy * cxy;
        bias1 = 1 - beta ** k;
      }
      const alpha = (lr * d * cxx) / bias1;
      const rho = k === 1 ? 1 : alpha / alphaPrev;
      alphaPrev = alpha;
      const a = 1 + beta * rho - alpha * h, b = -beta * rho;
      my = beta * my + d * egy;
      drift = -(lr * (det / cxx) * my) / bias1;
      if (!frozen) y += drift;
      const nextP = (a * a + alpha * alpha * h * h * V) * P + 2 * a * b * Q + b * b * Pprev +
        alpha * alpha * h * noise;
      Q = a * P + b * Q;
      Pprev = P;
      P = nextP;
      onStep?.(k, y, P);
    }
    return drift;
  };
  const rows: ManifoldEffectiveRow[] = [{ step: 0, y: y0, x2: 0, trace: toy.h(y0) }];
  run(steps, false, (k, y, P) => {
    if (k % every === 0 || k === steps) rows.push({ step: k, y, x2: P, trace: toy.h(y) });
  });
  // The stationary drift at y₀: the recursions run with y frozen until x, m and v̂ settle.
  const settle = Math.max(5000, Math.ceil(20 / Math.max(1e-12, 1 - Math.max(beta, beta2))));
  const initialDrift = run(settle, true);
  return { rows, initialDrift };
}
