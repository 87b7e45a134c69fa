/**
 * The gamma function in float64, for closed forms (Lévy exit-time constants). Private to the area.
 *
 * Lanczos' approximation with g = 7 and nine coefficients (relative error about 1e-15 for
 * positive arguments), and the reflection formula Γ(x)Γ(1 − x) = π / sin(πx) below 1/2.
 *
 * @module
 */

const G = 7;
const COEFFICIENTS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** Γ(x) for real x (poles at 0, −1, −2, ... give ±Infinity or NaN). */
export function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const z = x - 1;
  let a = COEFFICIENTS[0];
  const t = z + G + 0.5;
  for (let i = 1; i < COEFFICIENTS.length; i++) a += COEFFICIENTS[i] / (z + i);
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * a;
}
