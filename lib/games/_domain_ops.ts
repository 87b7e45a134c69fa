/**
 * What the solvers do on each kind of domain: sample, move by a Langevin step, evaluate the
 * confining potential. Private to the games area.
 *
 * @module
 */
import type { Domain } from "./domain.ts";
import type { Rng } from "../random/mod.ts";

const TWO_PI = 2 * Math.PI;

/** Where particles start: around a center with a spread, or spread over the whole domain. */
export interface SampleOptions {
  /**
   * The center of the initial cloud (dim coordinates). On the torus and the sphere, omitting it
   * (and `spread`) gives the uniform measure.
   */
  center?: readonly number[];
  /** The standard deviation of the cloud around the center. */
  spread?: number;
}

/** Wraps an angle into [0, 2π). */
export function wrapAngle(v: number): number {
  const w = v - TWO_PI * Math.floor(v / TWO_PI);
  return w >= TWO_PI ? 0 : w;
}

/**
 * Draws `count` points.
 *
 * Torus: uniform, or a wrapped normal around `center` (spread default 0.5). Euclidean: normal
 * around `center` (default 0) with `spread` (default 1/√λ, the width of exp(−U) at unit
 * temperature). Sphere: uniform, or a normalised normal cloud around `center` (spread default 0.3).
 */
export function sampleDomain(
  domain: Domain,
  count: number,
  rng: Rng,
  options: SampleOptions = {},
): Float64Array {
  const d = domain.dim;
  const out = new Float64Array(count * d);
  const center = options.center;
  if (domain.kind === "torus") {
    if (center === undefined && options.spread === undefined) {
      for (let i = 0; i < out.length; i++) out[i] = TWO_PI * rng.uniform();
    } else {
      const c = center ?? new Array(d).fill(Math.PI);
      const s = options.spread ?? 0.5;
      for (let i = 0; i < count; i++) {
        for (let k = 0; k < d; k++) out[i * d + k] = wrapAngle(c[k] + s * rng.normal());
      }
    }
  } else if (domain.kind === "euclidean") {
    const c = center ?? new Array(d).fill(0);
    const s = options.spread ?? 1 / Math.sqrt(domain.confinement);
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < d; k++) out[i * d + k] = c[k] + s * rng.normal();
    }
  } else {
    const uniform = center === undefined && options.spread === undefined;
    const c = center ?? [1, ...new Array(d - 1).fill(0)];
    const cn = Math.hypot(...c);
    const s = options.spread ?? 0.3;
    for (let i = 0; i < count; i++) {
      let norm = 0;
      do {
        norm = 0;
        for (let k = 0; k < d; k++) {
          const v = uniform ? rng.normal() : c[k] / cn + s * rng.normal();
          out[i * d + k] = v;
          norm += v * v;
        }
      } while (norm < 1e-24);
      norm = Math.sqrt(norm);
      for (let k = 0; k < d; k++) out[i * d + k] /= norm;
    }
  }
  return out;
}

/**
 * One Euler–Maruyama step of overdamped Langevin dynamics on the domain:
 * p ← p + η(direction·F − ∇U(p)) + √(2ηT)·ξ, then wrapped (torus) or projected to the tangent
 * space and renormalised (sphere). direction −1 descends the payoff (the x player), +1 ascends it
 * (the y player); the confining potential always pulls inwards. Returns a new array.
 */
export function langevinMove(
  domain: Domain,
  positions: Float64Array,
  force: Float64Array,
  direction: 1 | -1,
  step: number,
  temperature: number,
  rng: Rng,
): Float64Array {
  const d = domain.dim;
  const n = positions.length / d;
  const out = new Float64Array(positions.length);
  const noise = Math.sqrt(2 * step * temperature);
  const drift = direction * step;
  if (domain.kind === "torus") {
    for (let i = 0; i < out.length; i++) {
      out[i] = wrapAngle(positions[i] + drift * force[i] + noise * rng.normal());
    }
  } else if (domain.kind === "euclidean") {
    const shrink = 1 - step * domain.confinement;
    for (let i = 0; i < out.length; i++) {
      out[i] = shrink * positions[i] + drift * force[i] + noise * rng.normal();
    }
  } else {
    const v = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const o = i * d;
      let dot = 0;
      for (let k = 0; k < d; k++) {
        v[k] = drift * force[o + k] + noise * rng.normal();
        dot += v[k] * positions[o + k];
      }
      let norm = 0;
      for (let k = 0; k < d; k++) {
        const w = positions[o + k] + v[k] - dot * positions[o + k];
        out[o + k] = w;
        norm += w * w;
      }
      norm = Math.sqrt(norm);
      for (let k = 0; k < d; k++) out[o + k] /= norm;
    }
  }
  return out;
}

/** The confining potential U at each point (zero except on Euclidean domains). */
export function potentialAt(domain: Domain, positions: Float64Array): Float64Array {
  const d = domain.dim;
  const n = positions.length / d;
  const out = new Float64Array(n);
  if (domain.kind !== "euclidean") return out;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += positions[i * d + k] * positions[i * d + k];
    out[i] = 0.5 * domain.confinement * s;
  }
  return out;
}

/** A short label, e.g. "torus(2)". */
export function domainLabel(domain: Domain): string {
  return `${domain.kind}(${domain.dim})`;
}

/** The number of coordinates per point the domain's points have, and their geometry's dimension. */
export function manifoldDim(domain: Domain): number {
  return domain.kind === "sphere" ? domain.dim - 1 : domain.dim;
}
