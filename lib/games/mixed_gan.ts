import { Rng, type Seed } from "../random/mod.ts";
import type { Game } from "./game.ts";
import { euclidean } from "./euclidean.ts";
import { sphere } from "./sphere.ts";
import { type ParticleMeasure, particleMeasure } from "./particle_measure.ts";
import { type ModeCoverage, modeCoverage, type ModeCoverageOptions } from "./mode_coverage.ts";
import { checkPositions, checkPositive, checkPositiveInteger } from "./_checks.ts";
import { checkCall } from "../_checks.ts";

/** Options for {@linkcode mixedGan}. */
export interface MixedGanOptions {
  /**
   * Modes of the data: Gaussians with means evenly spaced on a circle.
   * @default {8}
   */
  modes?: number;
  /**
   * The circle's radius.
   * @default {2}
   */
  radius?: number;
  /**
   * The modes' standard deviation.
   * @default {0.1}
   */
  std?: number;
  /**
   * Data points in the (fixed) training set.
   * @default {256}
   */
  dataSamples?: number;
  /**
   * Noise draws z ~ N(0, I₂) shared by every generator (common random numbers, fixed).
   * @default {32}
   */
  noiseSamples?: number;
  /**
   * The temperature T of both players' entropies.
   * @default {0.001}
   */
  temperature?: number;
  /**
   * λ of the generators' confining potential λ|θ|²/2.
   * @default {0.01}
   */
  generatorConfinement?: number;
  /**
   * κ, the gain of the discriminator neurons φ_w(x) = tanh(κ(b·x + Rc)).
   * @default {4}
   */
  gain?: number;
  /**
   * The seed of the data and the noise draws.
   * @default {0}
   */
  seed?: Seed;
}

/** Where generator particles start. */
export interface GeneratorInitOptions {
  /**
   * The seed.
   * @default {0}
   */
  seed?: Seed;
  /**
   * The standard deviation of the generators' centres μ around the origin.
   * @default {0.3}
   */
  spread?: number;
  /**
   * The initial scale s of the generators' maps μ + s·z (plus small noise on A).
   * @default {0.2}
   */
  scale?: number;
}

/** A mixed GAN on a 2-D Gaussian mixture: the game, the data and what measures it. */
export interface MixedGan {
  /**
   * The game: x = generator parameters θ = (μ1, μ2, A11, A12, A21, A22) ∈ R⁶ (G_θ(z) = μ + Az),
   * y = discriminator neurons w = (b1, b2, c) on the sphere S² (φ_w(x) = tanh(κ(b·x + Rc)), R the
   * data's radius), K(θ, w) = E_data φ_w(x) − E_z φ_w(G_θ(z)).
   */
  readonly game: Game;
  /** The mixture's means, row-major [modes, 2]. */
  readonly means: Float64Array;
  /** The mixture's standard deviation. */
  readonly std: number;
  /** The training data, row-major [dataSamples, 2]. */
  readonly data: Float64Array;
  /** The fixed noise draws, row-major [noiseSamples, 2]. */
  readonly noise: Float64Array;
  /** Initial generator particles: μ ~ N(0, spread²I), A = scale·I + N(0, (scale/10)²). */
  generators(count: number, options?: GeneratorInitOptions): ParticleMeasure;
  /** Initial discriminator particles: uniform on S². */
  discriminators(count: number, options?: { seed?: Seed }): ParticleMeasure;
  /**
   * Samples of the generator mixture (1/n)Σ_i G_θi(z): a uniformly chosen particle, fresh noise.
   * @returns Points in R², row-major [count, 2].
   */
  sample(generators: Float64Array, count: number, options?: { seed?: Seed }): Float64Array;
  /** Mode coverage of `samples` fresh samples of the generator mixture. */
  coverage(
    generators: Float64Array,
    options?: ModeCoverageOptions & { samples?: number; seed?: Seed },
  ): ModeCoverage;
}

/**
 * A mixed GAN as a mean-field zero-sum game: the generator is a mixture (1/n)Σδ_θi of affine
 * generators G_θ(z) = μ + Az (θ ∈ R⁶ with a weak confining potential), the discriminator a
 * mean-field network D(x) = (1/m)Σ_j tanh(κ(b_j·x + R c_j)) of neurons w = (b, c) on the sphere
 * S² (so no neuron can collapse or blow up), and the payoff K(θ, w) = E_data φ_w − E_z φ_w(G_θ(z))
 * is bilinear in the two mixtures (a Wasserstein-GAN objective; the generator minimizes).
 * Entropy at temperature T makes the mixed equilibrium unique; QSLGD and descent–ascent train it
 * as any other {@linkcode Game}, and {@linkcode modeCoverage} measures the result. Forces are
 * exact float64 gradients of the Monte Carlo payoff over the fixed data and noise draws.
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying (ICLR 2022), mixed Nash equilibria of
 * GANs trained by quasistatic Langevin dynamics.
 *
 * @example Generators that start at the origin cover no mode
 * ```ts
 * import { mixedGan } from "minima";
 * import assert from "node:assert/strict";
 *
 * const gan = mixedGan({ modes: 4 });
 * const g = gan.generators(16, { seed: 1, spread: 0.05 });
 * assert.equal(gan.coverage(g.positions, { samples: 500 }).covered, 0);
 * ```
 *
 * @param options The data, the sizes of the Monte Carlo sums, temperature and confinements.
 * @returns The game with its data and measures.
 */
export function mixedGan(options: MixedGanOptions = {}): MixedGan {
  checkCall("mixedGan", arguments);
  const context = "Cannot build the mixed GAN";
  const modes = options.modes ?? 8, radius = options.radius ?? 2, std = options.std ?? 0.1;
  const nd = options.dataSamples ?? 256, nz = options.noiseSamples ?? 32;
  const temperature = options.temperature ?? 0.001;
  const lg = options.generatorConfinement ?? 0.01, gain = options.gain ?? 4;
  checkPositiveInteger(modes, "options.modes", context);
  checkPositive(radius, "options.radius", context);
  checkPositive(std, "options.std", context);
  checkPositiveInteger(nd, "options.dataSamples", context);
  checkPositiveInteger(nz, "options.noiseSamples", context);
  checkPositive(temperature, "options.temperature", context);
  checkPositive(lg, "options.generatorConfinement", context);
  checkPositive(gain, "options.gain", context);
  const rng = new Rng(options.seed ?? 0);
  const means = new Float64Array(2 * modes);
  for (let k = 0; k < modes; k++) {
    means[2 * k] = radius * Math.cos(2 * Math.PI * k / modes);
    means[2 * k + 1] = radius * Math.sin(2 * Math.PI * k / modes);
  }
  const data = new Float64Array(2 * nd);
  for (let i = 0; i < nd; i++) {
    const k = rng.integer(modes);
    data[2 * i] = means[2 * k] + std * rng.normal();
    data[2 * i + 1] = means[2 * k + 1] + std * rng.normal();
  }
  const noise = rng.fillNormal(new Float64Array(2 * nz));
  const dimX = 6, dimY = 3;
  const x = euclidean(dimX, { confinement: lg }), y = sphere(dimY);
  const R = radius;

  /** Generated points G_θi(z_l), row-major [n·nz, 2]. */
  const generate = (theta: Float64Array) => {
    const n = theta.length / dimX;
    const out = new Float64Array(2 * n * nz);
    for (let i = 0; i < n; i++) {
      const o = i * dimX;
      for (let l = 0; l < nz; l++) {
        const z1 = noise[2 * l], z2 = noise[2 * l + 1], p = 2 * (i * nz + l);
        out[p] = theta[o] + theta[o + 2] * z1 + theta[o + 3] * z2;
        out[p + 1] = theta[o + 1] + theta[o + 4] * z1 + theta[o + 5] * z2;
      }
    }
    return out;
  };
  /** E_data φ_w for each discriminator. */
  const dataTerm = (w: Float64Array) => {
    const m = w.length / dimY;
    const out = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      const b1 = gain * w[3 * j], b2 = gain * w[3 * j + 1], c = gain * R * w[3 * j + 2];
      let s = 0;
      for (let k = 0; k < nd; k++) s += Math.tanh(b1 * data[2 * k] + b2 * data[2 * k + 1] + c);
      out[j] = s / nd;
    }
    return out;
  };
  const check = (theta: Float64Array, w: Float64Array, method: string) => {
    checkPositions(theta, dimX, "x", `Cannot evaluate game.${method}`);
    checkPositions(w, dimY, "y", `Cannot evaluate game.${method}`);
  };

  const game: Game = {
    x,
    y,
    temperature,
    description: `mixed GAN, ${modes} modes`,
    payoff(theta, w) {
      check(theta, w, "payoff");
      const n = theta.length / dimX, m = w.length / dimY;
      const g = generate(theta), d = dataTerm(w);
      const out = new Float64Array(n * m);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          const b1 = gain * w[3 * j], b2 = gain * w[3 * j + 1], c = gain * R * w[3 * j + 2];
          let s = 0;
          for (let l = 0; l < nz; l++) {
            const p = 2 * (i * nz + l);
            s += Math.tanh(b1 * g[p] + b2 * g[p + 1] + c);
          }
          out[i * m + j] = d[j] - s / nz;
        }
      }
      return out;
    },
    // ∇_θ K(θ, w) = −E_z[κ(1 − t²)·b ⋅ ∂G/∂θ], t = tanh(κ(b·G + Rc)); ∂G/∂μ = I, ∂G_k/∂A_kl = z_l.
    fieldX(theta, w) {
      check(theta, w, "fieldX");
      const n = theta.length / dimX, m = w.length / dimY;
      const g = generate(theta);
      const out = new Float64Array(n * dimX);
      for (let i = 0; i < n; i++) {
        let g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0;
        for (let l = 0; l < nz; l++) {
          const p = 2 * (i * nz + l), z1 = noise[2 * l], z2 = noise[2 * l + 1];
          let s1 = 0, s2 = 0; // Σ_j κ(1 − t²) b_j, the discriminator's gradient at G(z)
          for (let j = 0; j < m; j++) {
            const b1 = gain * w[3 * j], b2 = gain * w[3 * j + 1], c = gain * R * w[3 * j + 2];
            const t = Math.tanh(b1 * g[p] + b2 * g[p + 1] + c);
            const e = 1 - t * t;
            s1 += e * b1;
            s2 += e * b2;
          }
          g0 += s1;
          g1 += s2;
          g2 += s1 * z1;
          g3 += s1 * z2;
          g4 += s2 * z1;
          g5 += s2 * z2;
        }
        const f = -1 / (m * nz), o = i * dimX;
        out[o] = f * g0;
        out[o + 1] = f * g1;
        out[o + 2] = f * g2;
        out[o + 3] = f * g3;
        out[o + 4] = f * g4;
        out[o + 5] = f * g5;
      }
      return out;
    },
    // ∇_w K = E_data ∇_w φ_w(x) − (1/n)Σ_i E_z ∇_w φ_w(G_θi(z)), ∇_w φ = κ(1 − t²)(x1, x2, R)
    // in ambient coordinates (the solvers project it onto the sphere's tangent space).
    fieldY(theta, w) {
      check(theta, w, "fieldY");
      const n = theta.length / dimX, m = w.length / dimY;
      const g = generate(theta), ng = n * nz;
      const out = new Float64Array(m * dimY);
      const grad = (b1: number, b2: number, c: number, pts: Float64Array, count: number) => {
        let g1 = 0, g2 = 0, g3 = 0;
        for (let k = 0; k < count; k++) {
          const u = pts[2 * k], v = pts[2 * k + 1];
          const t = Math.tanh(b1 * u + b2 * v + c), e = gain * (1 - t * t);
          g1 += e * u;
          g2 += e * v;
          g3 += e * R;
        }
        return [g1 / count, g2 / count, g3 / count];
      };
      for (let j = 0; j < m; j++) {
        const b1 = gain * w[3 * j], b2 = gain * w[3 * j + 1], c = gain * R * w[3 * j + 2];
        const dd = grad(b1, b2, c, data, nd), dg = grad(b1, b2, c, g, ng);
        for (let k = 0; k < 3; k++) out[3 * j + k] = dd[k] - dg[k];
      }
      return out;
    },
  };

  const sample = (generators: Float64Array, count: number, opts: { seed?: Seed } = {}) => {
    checkPositions(generators, dimX, "generators", "Cannot sample the generators");
    checkPositiveInteger(count, "count", "Cannot sample the generators");
    const r = new Rng(opts.seed ?? 0);
    const n = generators.length / dimX;
    const out = new Float64Array(2 * count);
    for (let s = 0; s < count; s++) {
      const o = r.integer(n) * dimX, z1 = r.normal(), z2 = r.normal();
      out[2 * s] = generators[o] + generators[o + 2] * z1 + generators[o + 3] * z2;
      out[2 * s + 1] = generators[o + 1] + generators[o + 4] * z1 + generators[o + 5] * z2;
    }
    return out;
  };

  return {
    game,
    means,
    std,
    data,
    noise,
    generators(count, opts = {}) {
      checkPositiveInteger(count, "count", "Cannot draw generators");
      const spread = opts.spread ?? 0.3, scale = opts.scale ?? 0.2;
      checkPositive(spread, "options.spread", "Cannot draw generators");
      checkPositive(scale, "options.scale", "Cannot draw generators");
      const r = new Rng(opts.seed ?? 0);
      const positions = new Float64Array(count * dimX);
      for (let i = 0; i < count; i++) {
        const o = i * dimX;
        positions[o] = spread * r.normal();
        positions[o + 1] = spread * r.normal();
        positions[o + 2] = scale + 0.1 * scale * r.normal();
        positions[o + 3] = 0.1 * scale * r.normal();
        positions[o + 4] = 0.1 * scale * r.normal();
        positions[o + 5] = scale + 0.1 * scale * r.normal();
      }
      return { domain: x, count, positions };
    },
    discriminators(count, opts = {}) {
      checkPositiveInteger(count, "count", "Cannot draw discriminators");
      return particleMeasure(y, count, { seed: opts.seed ?? 0 });
    },
    sample,
    coverage(generators, opts = {}) {
      const samples = sample(generators, opts.samples ?? 2000, { seed: opts.seed });
      return modeCoverage(samples, means, std, opts);
    },
  };
}
