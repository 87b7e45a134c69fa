import type { GameGrid } from "./game_grid.ts";
import { checkGameGrid } from "./_checks.ts";
import { checkDensity, gibbs, kl, negEntropy } from "./_density_ops.ts";
import { checkCall } from "../_checks.ts";

/*
 * The Nikaidô–Isoda error with entropy, in closed form (docs/papers.md, notebooks 07–08).
 *
 * Energy (T = 1/β; U_X, U_Y the domains' confining potentials, zero on torus and sphere;
 * H(p) = ∫p log p, the negative entropy relative to the domain's reference measure):
 *
 *   E(p, q) = ∫∫K(x, y) p(dx) q(dy) + ∫U_X dp − ∫U_Y dq + T·H(p) − T·H(q).
 *
 * Write g_q(x) = ∫K(x, y) q(dy) + U_X(x) (what x feels) and f_p(y) = ∫K(x, y) p(dx) − U_Y(y)
 * (what y feels).
 *
 * Best response of y to p. E(p, q') = ∫f_p dq' + ∫U_X dp + T·H(p) − T·H(q'). For any density q',
 *   ∫f_p dq' − T·H(q') = T log Z_q − T·KL(q' ‖ q*),  q*(y) = exp(f_p(y)/T)/Z_q,
 *   Z_q = ∫exp(f_p(y)/T) dy,
 * (expand KL(q' ‖ q*) = ∫q' log q' − ∫q' f_p/T + log Z_q), so the maximum is attained at q* only:
 *   max_{q'} E(p, q') = T log Z_q + ∫U_X dp + T·H(p).                     (p's own entropy stays)
 *
 * Best response of x to q. E(p', q) = ∫g_q dp' − ∫U_Y dq + T·H(p') − T·H(q), and
 *   ∫g_q dp' + T·H(p') = −T log Z_p + T·KL(p' ‖ p*),  p*(x) = exp(−g_q(x)/T)/Z_p,
 *   Z_p = ∫exp(−g_q(x)/T) dx,
 * so
 *   min_{p'} E(p', q) = −T log Z_p − ∫U_Y dq − T·H(q).                    (q's own entropy stays)
 *
 * Nikaidô–Isoda error:
 *   NI(p, q) = max_{q'} E(p, q') − min_{p'} E(p', q)
 *            = T (log Z_q + log Z_p + H(p) + H(q)) + ∫U_X dp + ∫U_Y dq.
 *
 * Why NI ≥ 0 with equality only at the equilibrium: split NI at E(p, q); by the two identities
 * above (with q' = q and p' = p),
 *   max_{q'} E(p, q') − E(p, q) = T·KL(q ‖ q*(p)) =: gapY,
 *   E(p, q) − min_{p'} E(p', q) = T·KL(p ‖ p*(q)) =: gapX,
 * so NI = T·(KL(p ‖ p*(q)) + KL(q ‖ q*(p))) ≥ 0, and NI = 0 iff p = p*(q) and q = q*(p), i.e.
 * (p, q) is a fixed point of the Gibbs best responses: the mixed Nash equilibrium, unique because
 * E is T-strongly convex in p and T-strongly concave in q (relative to KL).
 *
 * Quadrature. On a grid with weights w the integrals are sums (∫φ dp ≈ Σ_g φ_g p_g w_g). The
 * discrete densities p, q, p*, q* all have Σ p w = 1, so the discrete KL Σ w p log(p/p*) is a
 * KL divergence between the probability vectors (w_g p_g) and (w_g p*_g): the discrete NI is ≥ 0
 * exactly (up to rounding), zero only at the discrete equilibrium, and equals the continuous NI
 * up to the quadrature error (spectral on the torus for smooth densities).
 *
 * Particles. An empirical measure has no density, H(p) = +∞ and NI = +∞; particle metrics
 * therefore smooth the particles first (kernelDensity) and report the NI of the smoothed
 * measures, which carries the smoothing bias (see particleNikaidoIsoda).
 */

/** The exact Nikaidô–Isoda error of two densities on a game grid, and its parts. */
export interface NikaidoIsodaResult {
  /** NI(p, q) = max_{q'} E(p, q') − min_{p'} E(p', q) = gapX + gapY ≥ 0. */
  value: number;
  /** E(p, q) − min_{p'} E(p', q) = T·KL(p ‖ p*(q)): how far x is from its best response. */
  gapX: number;
  /** max_{q'} E(p, q') − E(p, q) = T·KL(q ‖ q*(p)): how far y is from its best response. */
  gapY: number;
  /** E(p, q). */
  energy: number;
  /** max_{q'} E(p, q'). */
  maxEnergy: number;
  /** min_{p'} E(p', q). */
  minEnergy: number;
  /** p*(q) ∝ exp(−g_q/T) on the x grid, normalised. */
  bestResponseX: Float64Array;
  /** q*(p) ∝ exp(f_p/T) on the y grid, normalised. */
  bestResponseY: Float64Array;
  /** log p*(q) = −g_q/T − log Z_p, finite where p*(q) underflows. */
  logBestResponseX: Float64Array;
  /** log q*(p) = f_p/T − log Z_q. */
  logBestResponseY: Float64Array;
}

/**
 * The Nikaidô–Isoda error of the entropic game, exactly by quadrature on a 1-D or 2-D grid:
 * NI(p, q) = T(log Z_q(p) + log Z_p(q) + H(p) + H(q)) + ∫U_X dp + ∫U_Y dq, with the Gibbs best
 * responses q*(p) ∝ exp(f_p/T), p*(q) ∝ exp(−g_q/T) in closed form. NI ≥ 0, and NI = 0 only at
 * the equilibrium (the derivation, including both entropy terms, is in this file's comment).
 *
 * @see {@link https://arxiv.org/abs/2202.10947} Ma and Ying, quasistatic dynamics for mean-field
 * zero-sum games (ICLR 2022).
 *
 * @example The uniform pair is the equilibrium of K = cos(x − y)
 * ```ts
 * import { gameGrid, mathjsGame, nikaidoIsoda } from "minima";
 * import assert from "node:assert/strict";
 *
 * const grid = await gameGrid(mathjsGame("cos(x - y)", { temperature: 0.5 }), { pointsX: 64 });
 * const uniform = new Float64Array(64).fill(1 / (2 * Math.PI));
 * assert.ok(Math.abs(nikaidoIsoda(grid, uniform, uniform).value) < 1e-12);
 * ```
 *
 * @param grid The discretised game.
 * @param p The x player's density on grid.x (Σ p_g w_g = 1).
 * @param q The y player's density on grid.y (Σ q_g w_g = 1).
 * @returns NI, its two gaps, the energies and both best responses.
 */
export function nikaidoIsoda(grid: GameGrid, p: Float64Array, q: Float64Array): NikaidoIsodaResult {
  checkCall("nikaidoIsoda", arguments);
  const context = "Cannot compute the Nikaidô–Isoda error";
  checkGameGrid(grid, "grid", context);
  checkDensity(p, grid.x.weights, "p", "grid.x", context);
  checkDensity(q, grid.y.weights, "q", "grid.y", context);
  const T = grid.temperature;
  const gx = grid.x.size, gy = grid.y.size;
  const wx = grid.x.weights, wy = grid.y.weights, K = grid.payoff;
  // g_q(x) = Σ_y K(x, y) q(y) w(y) + U_X(x);  f_p(y) = Σ_x K(x, y) p(x) w(x) − U_Y(y).
  const qw = new Float64Array(gy);
  for (let j = 0; j < gy; j++) qw[j] = q[j] * wy[j];
  const g = new Float64Array(gx), f = new Float64Array(gy);
  for (let i = 0; i < gx; i++) {
    let s = 0;
    const row = i * gy, pw = p[i] * wx[i];
    for (let j = 0; j < gy; j++) {
      s += K[row + j] * qw[j];
      f[j] += K[row + j] * pw;
    }
    g[i] = s + grid.x.potential[i];
  }
  for (let j = 0; j < gy; j++) f[j] -= grid.y.potential[j];
  const bx = gibbs(g, wx, -1 / T), by = gibbs(f, wy, 1 / T);
  const hp = negEntropy(p, wx), hq = negEntropy(q, wy);
  let pg = 0, qu = 0, pu = 0;
  for (let i = 0; i < gx; i++) {
    pg += p[i] * wx[i] * g[i];
    pu += p[i] * wx[i] * grid.x.potential[i];
  }
  for (let j = 0; j < gy; j++) qu += q[j] * wy[j] * grid.y.potential[j];
  const energy = pg - qu + T * (hp - hq);
  const maxEnergy = T * by.logZ + pu + T * hp;
  const minEnergy = -T * bx.logZ - qu - T * hq;
  // The gaps are the two KL divergences times T; computed directly they are never negative.
  const gapX = T * kl(p, g, -1 / T, bx.logZ, wx), gapY = T * kl(q, f, 1 / T, by.logZ, wy);
  return {
    value: gapX + gapY,
    gapX,
    gapY,
    energy,
    maxEnergy,
    minEnergy,
    bestResponseX: bx.density,
    bestResponseY: by.density,
    logBestResponseX: g.map((v) => -v / T - bx.logZ),
    logBestResponseY: f.map((v) => v / T - by.logZ),
  };
}
